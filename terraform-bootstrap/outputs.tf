output "vpc_id" {
  description = "The VPC."
  value       = module.vpc.vpc_id
}

output "private_subnets" {
  description = "Private subnets: nodes, pods, Batch jobs."
  value       = module.vpc.private_subnets
}

output "public_subnets" {
  description = "Public subnets: the ALB and the NAT gateways."
  value       = module.vpc.public_subnets
}

output "database_subnets" {
  description = "Database subnets: Aurora."
  value       = module.vpc.database_subnets
}

output "cluster_name" {
  description = "The EKS cluster (the cluster secret's name too)."
  value       = module.eks.cluster_name
}

output "uploads_bucket" {
  description = "The uploads bucket (the cluster secret's uploads_bucket)."
  value       = module.buckets["uploads"].s3_bucket_id
}

output "results_bucket" {
  description = "The results bucket (the cluster secret's results_bucket)."
  value       = module.buckets["results"].s3_bucket_id
}

output "ecr_repository_urls" {
  description = "ECR repository URL of each image, by image name."
  value       = { for name, repository in module.ecr : name => repository.repository_url }
}

output "aurora_endpoint" {
  description = "Aurora's writer endpoint (the cluster secret's database_endpoint)."
  value       = module.aurora.cluster_endpoint
}

output "jobs_queue_url" {
  description = "The jobs queue (the cluster secret's jobs_queue_url)."
  value       = aws_sqs_queue.jobs.url
}

output "batch_job_queue_arn" {
  description = "The Batch job queue of the annotation jobs."
  value       = module.batch.job_queues["annotate"].arn
}

output "state_machine_arn" {
  description = "The state machine that runs one annotation job (the gene API's STATE_MACHINE_ARN with backend stepfunctions)."
  value       = module.state_machine.state_machine_arn
}

output "alarms_topic_arn" {
  description = "The SNS topic every alarm notifies: subscribe on-call to it."
  value       = aws_sns_topic.alarms.arn
}

output "app_hosts" {
  description = "The apps' host names in the environment's zone, each with whether its record exists yet (false until the apply after Argo CD's first sync has found the ALB)."
  value       = { for host in keys(local.ingress_hosts) : host => contains(keys(aws_route53_record.app), host) }
}

output "images_role_arn" {
  description = "The role the image pipeline assumes to push to this environment's ECR: the repository's Actions variable HML_IMAGES_ROLE_ARN or PROD_IMAGES_ROLE_ARN."
  value       = module.images_role.arn
}
