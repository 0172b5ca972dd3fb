# hml: cheaper where an outage only delays testing (one NAT gateway, two zones, a public
# API endpoint for the team's kubectl), the same shape as prod otherwise.
environment                          = "hml"
region                               = "eu-west-1"
availability_zones                   = ["eu-west-1a", "eu-west-1b"]
vpc_cidr                             = "10.10.0.0/16"
single_nat_gateway                   = true
kubernetes_version                   = "1.33"
cluster_endpoint_public_access_cidrs = ["203.0.113.0/24"]
system_node_instance_types           = ["t3.large"]
system_node_count                    = 2
aurora_instance_class                = "db.t4g.medium"
aurora_instance_count                = 1
aurora_backup_retention_days         = 7
batch_max_vcpus                      = 8
monthly_budget_usd                   = 400
