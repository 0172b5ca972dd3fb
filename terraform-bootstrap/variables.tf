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

variable "cluster_endpoint_public_access" {
  type        = bool
  description = "Whether the EKS API endpoint is also reachable from the internet (from cluster_endpoint_public_access_cidrs); the private endpoint is always on."
}

variable "cluster_endpoint_public_access_cidrs" {
  type        = list(string)
  description = "CIDRs allowed to reach the public EKS endpoint when it is on."
  default     = []
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
