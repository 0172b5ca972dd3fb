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
