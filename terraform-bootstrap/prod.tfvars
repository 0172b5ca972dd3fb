# prod: three zones, a NAT gateway in each, the EKS API on the private endpoint only (work from
# outside the VPC opens it to one address, then closes it: README, From an empty account).
environment                  = "prod"
region                       = "eu-west-1"
availability_zones           = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
vpc_cidr                     = "10.20.0.0/16"
single_nat_gateway           = false
kubernetes_version           = "1.33"
system_node_instance_types   = ["m6i.large"]
system_node_count            = 3
aurora_instance_class        = "db.r6g.large"
aurora_instance_count        = 2
aurora_backup_retention_days = 14
batch_max_vcpus              = 32
monthly_budget_usd           = 1000
