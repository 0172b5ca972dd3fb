# The cluster: secrets encrypted with the module's KMS key, every control-plane log type,
# the private endpoint always (public optional per environment), IRSA, and a small managed
# node group for the system add-ons; Karpenter (karpenter.tf) provisions the rest.
module "eks" {
  # checkov:skip=CKV_TF_1: registry modules are pinned by exact release (version =), as the registry is meant to be used; tests/terraform checks each call against that release
  source  = "terraform-aws-modules/eks/aws"
  version = "21.19.0"

  name               = local.name
  kubernetes_version = var.kubernetes_version

  endpoint_private_access      = true
  endpoint_public_access       = length(var.cluster_endpoint_public_access_cidrs) > 0
  endpoint_public_access_cidrs = var.cluster_endpoint_public_access_cidrs

  enabled_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
  encryption_config = {
    resources = ["secrets"]
  }

  vpc_id     = module.vpc.vpc_id
  subnet_ids = module.vpc.private_subnets

  enable_irsa                              = true
  enable_cluster_creator_admin_permissions = true

  addons = {
    coredns    = {}
    kube-proxy = {}
    # The VPC CNI's network policy agent enforces the charts' NetworkPolicies (without it the
    # API server stores them and nothing applies them).
    vpc-cni = {
      before_compute       = true
      configuration_values = jsonencode({ enableNetworkPolicy = "true" })
    }
    eks-pod-identity-agent = {
      before_compute = true
    }
  }

  eks_managed_node_groups = {
    system = {
      instance_types = var.system_node_instance_types
      min_size       = var.system_node_count
      desired_size   = var.system_node_count
      max_size       = var.system_node_count + 1
      labels = {
        "chr21.io/node-pool" = "system"
      }
    }
  }

  # Karpenter's nodes join through the node security group it discovers by this tag.
  node_security_group_tags = {
    "karpenter.sh/discovery" = local.name
  }
}
