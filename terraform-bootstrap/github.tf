# The image pipeline's way in (.github/workflows/images.yaml): GitHub's OIDC provider, and a
# role only this repository's main branch may assume, allowed to push the platform's images to
# this environment's ECR and to read their scans, nothing else. Its ARN (output images_role_arn)
# goes to the repository's Actions variables: HML_IMAGES_ROLE_ARN, PROD_IMAGES_ROLE_ARN.
locals {
  # owner/name of this repository, from platform_repo_url (the one source).
  github_repository = regex("^https://github\\.com/([^/]+/[^/]+?)(?:\\.git)?$", var.platform_repo_url)[0]
}

module "github_oidc_provider" {
  # checkov:skip=CKV_TF_1: registry modules are pinned by exact release (version =), as the registry is meant to be used; tests/terraform checks each call against that release
  source  = "terraform-aws-modules/iam/aws//modules/iam-oidc-provider"
  version = "6.5.0"

  # One provider per URL and account: where the account has GitHub's already, it is reused.
  create = var.github_oidc_provider_exists == false
}

module "images_role" {
  # checkov:skip=CKV_TF_1: registry modules are pinned by exact release (version =), as the registry is meant to be used; tests/terraform checks each call against that release
  source  = "terraform-aws-modules/iam/aws//modules/iam-role"
  version = "6.5.0"

  name            = "${local.name}-images"
  use_name_prefix = false

  enable_github_oidc = true
  oidc_subjects      = ["repo:${local.github_repository}:ref:refs/heads/main"]

  create_inline_policy = true
  inline_policy_permissions = {
    # The registry login token is account-wide by design (no resource).
    Login = {
      actions   = ["ecr:GetAuthorizationToken"]
      resources = ["*"]
    }
    PushAndScan = {
      actions = [
        "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
        "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart",
        "ecr:DescribeImages", "ecr:DescribeImageScanFindings",
      ]
      resources = [for repository in module.ecr : repository.repository_arn]
    }
  }

  depends_on = [module.github_oidc_provider]
}
