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
