variable "environment" {
  type        = string
  description = "The environment: hml or prod. Names every resource (chr21-<environment>) and the cluster secret's environment label, which picks environments/<environment>/ in Argo CD."

  validation {
    condition     = contains(["hml", "prod"], var.environment)
    error_message = "environment must be hml or prod (a folder of environments/)."
  }
}

variable "region" {
  type        = string
  description = "AWS region of every resource."
}

variable "availability_zones" {
  type        = list(string)
  description = "Availability zones the VPC spans: two in hml, three in prod. One public, one private and one database subnet in each."

  validation {
    condition     = length(var.availability_zones) >= 2
    error_message = "at least two availability zones: EKS and Aurora need subnets in two."
  }

  validation {
    condition     = length(var.availability_zones) <= 4
    error_message = "at most four availability zones: the database subnets are four /24s of one /22 (vpc.tf)."
  }
}

variable "vpc_cidr" {
  type        = string
  description = "The VPC's IPv4 CIDR, a /16; the charts' networkPolicy.databaseCidr and ingressCidrs in environments/<environment>/apps/ name the same block."

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && endswith(var.vpc_cidr, "/16")
    error_message = "vpc_cidr must be a /16 CIDR, e.g. 10.10.0.0/16."
  }
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway for the whole VPC (hml: cheaper, one zone's outage cuts egress) or one per availability zone (prod)."
}

variable "kubernetes_version" {
  type        = string
  description = "EKS Kubernetes version (major.minor); the environments' env.yaml kubeVersion renders for the same."
}

variable "cluster_endpoint_public_access_cidrs" {
  type        = list(string)
  description = "Addresses that may reach the EKS API from outside the VPC; the public endpoint is on when any is given, the private one always. hml: the team's range (hml.tfvars). prod: none in git; work from outside the VPC opens it to your address alone and closes it after (README, From an empty account: TF_VAR_cluster_endpoint_public_access_cidrs='[\"198.51.100.7/32\"]' and -target=module.eks)."
  default     = []

  validation {
    condition     = alltrue([for cidr in var.cluster_endpoint_public_access_cidrs : can(cidrhost(cidr, 0)) && can(regex("^[0-9.]+/(1[6-9]|2[0-9]|3[0-2])$", cidr))])
    error_message = "cluster_endpoint_public_access_cidrs holds IPv4 CIDRs of at most a /16 each (198.51.100.7/32): the EKS API is never open to the whole internet."
  }
}

variable "system_node_instance_types" {
  type        = list(string)
  description = "Instance types of the small managed node group that runs the system add-ons (Karpenter, Argo CD, CoreDNS); Karpenter provisions every other node."
}

variable "system_node_count" {
  type        = number
  description = "Nodes of the system node group (min = desired; max is one more, for rollouts)."

  validation {
    condition     = var.system_node_count >= 2
    error_message = "two system nodes at least: Karpenter and CoreDNS run two replicas on separate nodes."
  }
}

variable "image_repositories" {
  type        = list(string)
  description = "ECR repositories, one per image (chr21/<name>): the names the environments' image lines use."
  default     = ["gene-api", "web", "worker"]
}

variable "image_count_kept" {
  type        = number
  description = "Images kept per ECR repository; older ones expire (a rollback reaches back this far)."
  default     = 100
}

variable "job_visibility_timeout_seconds" {
  type        = number
  description = "SQS visibility timeout of the jobs queue: longer than a job may run (the worker chart's app.timeLimitSeconds, plus 60 s)."
  default     = 3660
}

variable "apps_namespace" {
  type        = string
  description = "Namespace of the platform's apps: environments/<environment>/env.yaml's namespace, where the apps' service accounts are."
  default     = "chr21"
}

variable "aurora_engine_version" {
  type        = string
  description = "Aurora PostgreSQL engine version."
  default     = "16.6"
}

variable "aurora_instance_class" {
  type        = string
  description = "Instance class of Aurora's instances."
}

variable "aurora_instance_count" {
  type        = number
  description = "Aurora instances: 1 in hml; 2 in prod (a writer and a reader in another zone, which takes over on failure)."

  validation {
    condition     = var.aurora_instance_count >= 1 && var.aurora_instance_count <= 15
    error_message = "aurora_instance_count is between 1 and 15."
  }
}

variable "aurora_backup_retention_days" {
  type        = number
  description = "Days of Aurora's continuous backups (point-in-time restore); AWS Backup keeps its daily copies five times as long."
}

variable "database_users" {
  type        = list(string)
  description = "The apps with database credentials of their own, at chr21/<environment>/<app>/database in Secrets Manager (the charts' externalSecret.databaseCredentialsKey)."
  default     = ["gene-api", "web", "worker"]
}

variable "platform_repo_url" {
  type        = string
  description = "This repository's URL, which Argo CD syncs from (the cluster secret's platform_repo_url)."
  default     = "https://github.com/chr21-platform/chr21-platform.git"
  # The image pipeline's role trusts this repository's main branch (github.tf).
  validation {
    condition     = can(regex("^https://github\\.com/[^/]+/[^/]+$", var.platform_repo_url))
    error_message = "platform_repo_url must be a GitHub repository's https URL (https://github.com/<owner>/<name>[.git])."
  }
}

variable "platform_repo_revision" {
  type        = string
  description = "The branch or tag of this repository Argo CD follows (the cluster secret's platform_repo_revision)."
  default     = "main"
}

variable "addons" {
  type        = list(string)
  description = "The add-ons this cluster runs: each becomes the cluster secret's label enable_<addon> = \"true\", which the addons ApplicationSet selects on."
  default = [
    "aws_load_balancer_controller", "karpenter", "kube_prometheus_stack", "external_secrets",
    "keda", "metrics_server", "platform", "argo_cd",
  ]
}

variable "batch_max_vcpus" {
  type        = number
  description = "Most vCPUs Batch runs at once in each compute environment (bounds the pipeline's spend)."
}

variable "batch_job_vcpus" {
  type        = number
  description = "vCPUs of one annotation job (a Fargate size: 0.25, 0.5, 1, 2, 4, 8 or 16)."
  default     = 1
}

variable "batch_job_memory_mib" {
  type        = number
  description = "Memory of one annotation job, MiB (the engine peaks near 300 MB; a Fargate size for batch_job_vcpus)."
  default     = 2048
}

variable "batch_job_storage_gib" {
  type        = number
  description = "Ephemeral storage of one annotation job, GiB: the input and its results (21 to 200)."
  default     = 50
}

variable "log_retention_days" {
  type        = number
  description = "Days CloudWatch keeps the platform's logs (Batch jobs, state machine, WAF): a year, for audits."
  default     = 365
}

variable "alarm_emails" {
  type        = list(string)
  description = "Addresses subscribed to the alarms' SNS topic (each confirms by email); prod needs one at least (TF_VAR_alarm_emails)."
  default     = []

  validation {
    condition     = var.environment != "prod" || length(var.alarm_emails) > 0
    error_message = "prod's alarms must reach someone: give alarm_emails at least one address (TF_VAR_alarm_emails='[\"oncall@example.org\"]')."
  }

  validation {
    condition     = alltrue([for address in var.alarm_emails : can(regex("^[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+$", address))])
    error_message = "alarm_emails holds e-mail addresses only (name@domain.tld)."
  }
}

variable "job_queue_age_alarm_seconds" {
  type        = number
  description = "Alarm when the oldest job on the jobs queue has waited longer than this."
  default     = 900
}

variable "database_connections_alarm" {
  type        = number
  description = "Alarm when Aurora holds more connections than this (the apps' pools: gene-api pods x workers x DB_POOL_SIZE, plus the worker's)."
  default     = 400
}

variable "alb_5xx_alarm" {
  type        = number
  description = "Alarm when the ALB's targets, or the ALB itself, answer more 5xx than this in five minutes."
  default     = 10
}

variable "monthly_budget_usd" {
  type        = number
  description = "The environment's monthly AWS budget in USD: the alarm addresses are told at 80 % spent and when the month is forecast past it (README: the estimate it is above)."

  validation {
    condition     = var.monthly_budget_usd > 0
    error_message = "monthly_budget_usd is a positive amount of USD."
  }
}

variable "alb_latency_alarm_seconds" {
  type        = number
  description = "Alarm when the ALB's targets take longer than this to answer, on average over five minutes."
  default     = 1
}

variable "waf_requests_per_5_minutes" {
  type        = number
  description = "Requests one address may send in five minutes before WAF blocks it."
  default     = 2000
}

variable "alert_receivers" {
  description = "Where Alertmanager sends alerts: a Slack incoming-webhook URL (every alert), and in prod a PagerDuty Events v2 routing key (critical alerts page). Secret: give it as TF_VAR_alert_receivers at plan and apply, never in a tfvars file."
  type = object({
    slack_webhook_url     = string
    pagerduty_routing_key = optional(string)
  })
  sensitive = true
  validation {
    condition     = can(regex("^https://hooks\\.slack\\.com/", var.alert_receivers.slack_webhook_url))
    error_message = "alert_receivers.slack_webhook_url must be a Slack incoming webhook (https://hooks.slack.com/...)."
  }
  # prod pages on critical alerts (environments/prod/addons/kube-prometheus-stack.yaml).
  validation {
    condition     = var.environment != "prod" || var.alert_receivers.pagerduty_routing_key != null
    error_message = "prod pages on critical alerts: alert_receivers.pagerduty_routing_key is required."
  }
}

variable "argocd_sso_client_secret" {
  description = "The client secret of Argo CD's OIDC client at the identity provider (clientID argocd-<environment>, environments/<environment>/addons/argo-cd.yaml). Secret: give it as TF_VAR_argocd_sso_client_secret at plan and apply, never in a tfvars file."
  type        = string
  sensitive   = true
  validation {
    condition     = can(regex("^[[:graph:]]{16,512}$", var.argocd_sso_client_secret))
    error_message = "argocd_sso_client_secret must be the identity provider's client secret: 16 to 512 printable characters, no spaces."
  }
}

variable "github_oidc_provider_exists" {
  description = "Whether the account already has GitHub's OIDC provider (token.actions.githubusercontent.com): then it is used, not created."
  type        = bool
  default     = false
}
