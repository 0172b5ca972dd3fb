# Per availability zone: a public /24 (the ALB, NAT gateways), a private /20 (nodes, pods,
# Batch jobs) and a database /24 (Aurora), the database ones in one /22 (x.x.100.0/22, room for
# four zones) that the NetworkPolicies name: only the apps that use the database reach it. The subnet tags are what the AWS Load Balancer
# Controller (role/elb, role/internal-elb) and Karpenter (karpenter.sh/discovery) look for.
locals {
  database_cidr = cidrsubnet(var.vpc_cidr, 6, 25)
}

module "vpc" {
  # checkov:skip=CKV_TF_1: registry modules are pinned by exact release (version =), as the registry is meant to be used; tests/terraform checks each call against that release
  source  = "terraform-aws-modules/vpc/aws"
  version = "6.6.0"

  name = local.name
  cidr = var.vpc_cidr
  azs  = var.availability_zones

  public_subnets   = [for i, zone in var.availability_zones : cidrsubnet(var.vpc_cidr, 8, i)]
  private_subnets  = [for i, zone in var.availability_zones : cidrsubnet(var.vpc_cidr, 4, i + 1)]
  database_subnets = [for i, zone in var.availability_zones : cidrsubnet(local.database_cidr, 2, i)]

  enable_nat_gateway     = true
  single_nat_gateway     = var.single_nat_gateway
  one_nat_gateway_per_az = !var.single_nat_gateway
  enable_dns_hostnames   = true
  enable_dns_support     = true

  create_database_subnet_group       = true
  create_database_subnet_route_table = true

  public_subnet_tags = {
    "kubernetes.io/role/elb" = "1"
  }
  private_subnet_tags = {
    "kubernetes.io/role/internal-elb" = "1"
    "karpenter.sh/discovery"          = local.name
  }
}
