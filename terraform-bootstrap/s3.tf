# The pipeline's two buckets: uploads (a scientist's input files, kept a year) and results
# (what the jobs made, kept five years). Both: SSE-KMS with the platform's data key, public
# access blocked, versioning (a deleted or overwritten object stays recoverable for 30 days),
# TLS-only bucket policy, owner-enforced objects.
locals {
  bucket_retention_days = {
    uploads = 365
    results = 1825
  }
}

resource "aws_kms_key" "data" {
  description             = "${local.name}: the pipeline's buckets"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_kms_alias" "data" {
  name          = "alias/${local.name}-data"
  target_key_id = aws_kms_key.data.key_id
}

module "buckets" {
  source   = "terraform-aws-modules/s3-bucket/aws"
  version  = "5.15.4"
  for_each = local.bucket_retention_days

  bucket        = "${local.name}-${each.key}-${local.account_id}"
  force_destroy = false

  block_public_acls        = true
  block_public_policy      = true
  ignore_public_acls       = true
  restrict_public_buckets  = true
  control_object_ownership = true
  object_ownership         = "BucketOwnerEnforced"

  attach_deny_insecure_transport_policy = true
  attach_require_latest_tls_policy      = true

  versioning = {
    enabled = true
  }

  server_side_encryption_configuration = {
    rule = {
      bucket_key_enabled = true
      apply_server_side_encryption_by_default = {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = aws_kms_key.data.arn
      }
    }
  }

  lifecycle_rule = [
    {
      id      = "expire-after-${each.value}-days"
      enabled = true
      filter  = {}
      expiration = {
        days = each.value
      }
      noncurrent_version_expiration = {
        days = 30
      }
      abort_incomplete_multipart_upload_days = 7
    }
  ]
}
