# IAM roles for service accounts (IRSA), least privilege, each trusting exactly one service
# account: the apps' (in var.apps_namespace, named as their charts name them: the release)
# and the add-ons' that call AWS. Karpenter's is in karpenter.tf (EKS Pod Identity, the only
# kind the eks module's karpenter submodule makes). The cluster secret hands each role's ARN
# to the ApplicationSets (<name>_iam_role_arn). Who calls AWS as whom: README.md, "Who calls
# AWS, as whom" (tests/gitops/test_aws_callers.py keeps it, this file and the render true).
locals {
  bucket_arns = { for name, bucket in module.buckets : name => bucket.s3_bucket_arn }

  irsa_roles = {
    gene-api = {
      namespace       = var.apps_namespace
      service_account = "gene-api"
      permissions = {
        # Uploads in, results out (read, and presigned for the browser), a job started; a
        # deleted or expired job's files removed (listed under its prefix, then deleted).
        Uploads = {
          actions   = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:ListBucket"]
          resources = [local.bucket_arns["uploads"], "${local.bucket_arns["uploads"]}/*"]
        }
        Results = {
          actions   = ["s3:GetObject", "s3:DeleteObject", "s3:ListBucket"]
          resources = [local.bucket_arns["results"], "${local.bucket_arns["results"]}/*"]
        }
        Jobs = {
          actions   = ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
          resources = [aws_sqs_queue.jobs.arn]
        }
        StartJob = {
          actions   = ["states:StartExecution"]
          resources = [module.state_machine.state_machine_arn]
        }
        DataKey = {
          actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
          resources = [aws_kms_key.data.arn]
        }
      }
    }
    worker = {
      namespace       = var.apps_namespace
      service_account = "worker"
      permissions = {
        Uploads = {
          actions   = ["s3:GetObject"]
          resources = ["${local.bucket_arns["uploads"]}/*"]
        }
        # Results out; a job deleted while it ran has what it wrote removed.
        Results = {
          actions   = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:ListBucket"]
          resources = [local.bucket_arns["results"], "${local.bucket_arns["results"]}/*"]
        }
        Jobs = {
          actions = [
            "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
            "sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
          ]
          resources = [aws_sqs_queue.jobs.arn]
        }
        DataKey = {
          actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
          resources = [aws_kms_key.data.arn]
        }
      }
    }
    # The worker chart's hook that registers the Batch job definition with the image the
    # environment's commit pins (pipeline.tf): that one definition's revisions (the newest five
    # kept), and handing Batch the two roles its jobs run as. Describing definitions has no
    # resource scope.
    worker-batch-definition = {
      namespace       = var.apps_namespace
      service_account = "worker-batch-definition"
      permissions = {
        Register = {
          actions = ["batch:RegisterJobDefinition", "batch:TagResource", "batch:DeregisterJobDefinition"]
          resources = [
            "arn:aws:batch:${var.region}:${local.account_id}:job-definition/${local.batch_job_name}",
            "arn:aws:batch:${var.region}:${local.account_id}:job-definition/${local.batch_job_name}:*",
          ]
        }
        Describe = {
          actions   = ["batch:DescribeJobDefinitions"]
          resources = ["*"]
        }
        PassJobRoles = {
          actions   = ["iam:PassRole"]
          resources = [aws_iam_role.batch_job.arn, aws_iam_role.batch_execution.arn]
        }
      }
    }
    # KEDA's operator reads the jobs queue's length for the worker's ScaledObject as itself
    # (the TriggerAuthentication's identityOwner: keda), so it needs that one call and the
    # worker's role trusts nobody else. GetQueueAttributes needs no key: SQS uses the data
    # key only to send and receive.
    keda-operator = {
      namespace       = "keda"
      service_account = "keda-operator"
      permissions = {
        QueueLength = {
          actions   = ["sqs:GetQueueAttributes"]
          resources = [aws_sqs_queue.jobs.arn]
        }
      }
    }
    # The CloudWatch Observability add-on's agent and Fluent Bit (logs.tf): the policies AWS
    # names for it (CloudWatchAgentServerPolicy, AWSXrayWriteOnlyAccess), through the module.
    cloudwatch-observability = {
      namespace       = "amazon-cloudwatch"
      service_account = "cloudwatch-agent"
      permissions     = {}
    }
    # The frontend calls no AWS service: its secrets come through External Secrets.
    web = {
      namespace       = var.apps_namespace
      service_account = "web"
      permissions     = {}
    }
    aws-load-balancer-controller = {
      namespace       = "kube-system"
      service_account = "aws-load-balancer-controller"
      permissions     = {}
    }
    external-secrets = {
      namespace       = "external-secrets"
      service_account = "external-secrets"
      permissions     = {}
    }
  }
}

module "irsa" {
  # checkov:skip=CKV_TF_1: registry modules are pinned by exact release (version =), as the registry is meant to be used; tests/terraform checks each call against that release
  source   = "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts"
  version  = "6.5.0"
  for_each = local.irsa_roles

  name            = "${local.name}-${each.key}"
  use_name_prefix = false

  oidc_providers = {
    this = {
      provider_arn               = module.eks.oidc_provider_arn
      namespace_service_accounts = ["${each.value.namespace}:${each.value.service_account}"]
    }
  }

  create_policy = length(each.value.permissions) > 0
  permissions   = each.value.permissions

  attach_load_balancer_controller_policy = each.key == "aws-load-balancer-controller"
  # External Secrets reads the platform's secrets only (chr21/<environment>/...).
  attach_external_secrets_policy        = each.key == "external-secrets"
  external_secrets_secrets_manager_arns = ["arn:aws:secretsmanager:${var.region}:${local.account_id}:secret:chr21/${var.environment}/*"]
  external_secrets_kms_key_arns         = [aws_kms_key.data.arn]

  attach_cloudwatch_observability_policy = each.key == "cloudwatch-observability"
}
