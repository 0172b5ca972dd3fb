# Terraform and provider pins. The modules' own constraints (../shared/terraform-modules,
# checked by tests/terraform/test_module_calls.py) need AWS provider 6.42 or later (s3-bucket 5.15.4).
terraform {
  required_version = ">= 1.11.1"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.42"
    }
    helm = {
      source  = "hashicorp/helm"
      version = "~> 3.1"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.38"
    }
    # The databases' passwords (aurora.tf).
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7"
    }
    # The eks module's own (OIDC thumbprint, waits).
    tls = {
      source  = "hashicorp/tls"
      version = "~> 4.1"
    }
    time = {
      source  = "hashicorp/time"
      version = "~> 0.13"
    }
  }

  # State in S3, locked by an S3 lock file (no DynamoDB table). The bucket, key and region
  # are per environment: terraform init -backend-config=backends/<env>.s3.tfbackend
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}
