provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}

data "aws_caller_identity" "current" {}

locals {
  # Every name starts with it: chr21-hml, chr21-prod (the cluster secret's name too).
  name       = "chr21-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  tags = {
    "app.kubernetes.io/part-of" = "chr21-platform"
    "chr21.io/environment"      = var.environment
    "managed-by"                = "terraform-bootstrap"
  }
}

# helm and kubernetes reach the cluster this configuration creates, as the caller's AWS
# identity (the cluster creator is its admin: eks.tf).
locals {
  cluster_auth = {
    host                   = module.eks.cluster_endpoint
    cluster_ca_certificate = base64decode(module.eks.cluster_certificate_authority_data)
    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = ["eks", "get-token", "--cluster-name", module.eks.cluster_name, "--region", var.region]
    }
  }
}

provider "helm" {
  kubernetes = local.cluster_auth
}

provider "kubernetes" {
  host                   = local.cluster_auth.host
  cluster_ca_certificate = local.cluster_auth.cluster_ca_certificate

  exec {
    api_version = local.cluster_auth.exec.api_version
    command     = local.cluster_auth.exec.command
    args        = local.cluster_auth.exec.args
  }
}
