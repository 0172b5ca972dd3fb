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

# The platform's data key: the buckets, the queue, Aurora, the secrets, the logs. The account
# administers it and grants it through IAM; CloudWatch Logs may use it for this account's log
# groups only (it cannot through IAM).
resource "aws_kms_key" "data" {
  description             = "${local.name}: the platform's data (buckets, queue, database, secrets, logs)"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministersAndGrantsThroughIAM"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogsOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.region}.amazonaws.com" }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:${var.region}:${local.account_id}:*" }
        }
      },
      {
        # The alarms' SNS topic is encrypted with this key: without this, CloudWatch cannot
        # publish to it and every alarm is dropped in silence (SNS's "compatibility between
        # event sources from AWS services and encrypted topics").
        Sid       = "CloudWatchAlarmsOfThisPlatform"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = "arn:aws:cloudwatch:${var.region}:${local.account_id}:alarm:${local.name}-*" }
        }
      },
    ]
  })
}

resource "aws_kms_alias" "data" {
  name          = "alias/${local.name}-data"
  target_key_id = aws_kms_key.data.key_id
}

module "buckets" {
  # checkov:skip=CKV_TF_1: registry modules are pinned by exact release (version =), as the registry is meant to be used; tests/terraform checks each call against that release
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
