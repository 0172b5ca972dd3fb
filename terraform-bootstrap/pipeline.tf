# The AWS path of the annotation pipeline (issue 9): the gene API starts one execution of the
# state machine per job; the state machine runs the worker image as an AWS Batch job
# (`annotator run-job`) and, when that fails past its retries, records the failure on the job
# (`annotator fail-job`). The state machine is worker/statemachine/annotate.asl.json, the
# pipeline's one definition, with the queue and job definition filled in.
#
# Fargate rather than EC2 or Spot instances: a job is minutes of one container, jobs come
# irregularly, and Fargate bills per second of the task with no instances to keep warm,
# patch or scale; FARGATE_SPOT first (about 70 % cheaper) with on-demand FARGATE behind it,
# since an interrupted job is retried by the state machine (and by Batch, on exit code 143).
locals {
  batch_job_name = "${local.name}-annotate"
}

resource "aws_security_group" "batch" {
  # checkov:skip=CKV2_AWS_5: attached to the Batch compute environments, inside the batch module (module.batch), which checkov does not read
  name        = "${local.name}-batch"
  description = "Batch jobs of the annotation pipeline: out to AWS APIs (HTTPS) and PostgreSQL"
  vpc_id      = module.vpc.vpc_id

  egress {
    description = "AWS APIs: S3, Secrets Manager, ECR, CloudWatch Logs"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "Aurora PostgreSQL in the VPC"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }
}

resource "aws_cloudwatch_log_group" "batch" {
  name              = "/aws/batch/${local.batch_job_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.data.arn
}

# The job's own role: the worker's permissions (uploads read, results written, the data key).
resource "aws_iam_role" "batch_job" {
  name = "${local.batch_job_name}-job"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "batch_job" {
  name = "annotate"
  role = aws_iam_role.batch_job.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["s3:GetObject"], Resource = ["${local.bucket_arns["uploads"]}/*"] },
      # Results out; a job deleted while it ran has what it wrote removed (listed, then deleted).
      { Effect = "Allow", Action = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"], Resource = ["${local.bucket_arns["results"]}/*"] },
      { Effect = "Allow", Action = ["s3:ListBucket"], Resource = [local.bucket_arns["results"]] },
      { Effect = "Allow", Action = ["kms:GenerateDataKey", "kms:Decrypt"], Resource = [aws_kms_key.data.arn] },
    ]
  })
}

# ECS's role for the task: pull the image, read the database secret, write the logs.
resource "aws_iam_role" "batch_execution" {
  name = "${local.batch_job_name}-execution"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "batch_execution" {
  role       = aws_iam_role.batch_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role_policy" "batch_execution_secret" {
  name = "database-secret"
  role = aws_iam_role.batch_execution.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["secretsmanager:GetSecretValue"], Resource = [aws_secretsmanager_secret.database["worker"].arn] },
      { Effect = "Allow", Action = ["kms:Decrypt"], Resource = [aws_kms_key.data.arn] },
    ]
  })
}

module "batch" {
  # checkov:skip=CKV_TF_1: registry modules are pinned by exact release (version =), as the registry is meant to be used; tests/terraform checks each call against that release
  source  = "terraform-aws-modules/batch/aws"
  version = "3.1.0"

  instance_iam_role_name            = "${local.batch_job_name}-instance"
  instance_iam_role_use_name_prefix = false
  service_iam_role_name             = "${local.batch_job_name}-service"
  service_iam_role_use_name_prefix  = false

  compute_environments = {
    fargate_spot = {
      name = "${local.batch_job_name}-fargate-spot"
      compute_resources = {
        type               = "FARGATE_SPOT"
        max_vcpus          = var.batch_max_vcpus
        subnets            = module.vpc.private_subnets
        security_group_ids = [aws_security_group.batch.id]
      }
    }
    fargate = {
      name = "${local.batch_job_name}-fargate"
      compute_resources = {
        type               = "FARGATE"
        max_vcpus          = var.batch_max_vcpus
        subnets            = module.vpc.private_subnets
        security_group_ids = [aws_security_group.batch.id]
      }
    }
  }

  job_queues = {
    annotate = {
      name     = local.batch_job_name
      state    = "ENABLED"
      priority = 1
      compute_environment_order = {
        0 = { compute_environment_key = "fargate_spot" }
        1 = { compute_environment_key = "fargate" }
      }
    }
  }
}

# The job definition those jobs run, but for its image: the cluster registers it (the worker
# chart's PostSync hook, `annotator register-job-definition`, with the worker image the
# environment's commit pins), so that Batch runs what a release, a promotion or a rollback
# commits, as the Deployments do. Handed over whole in the cluster secret
# (batch_job_definition): the RegisterJobDefinition request, in its own field names.
locals {
  batch_job_definition = {
    region = var.region
    jobDefinition = {
      jobDefinitionName    = local.batch_job_name
      type                 = "container"
      platformCapabilities = ["FARGATE"]
      propagateTags        = true
      # Longer than the worker's own hard limit (its JOB_TIME_LIMIT_SECONDS).
      timeout = { attemptDurationSeconds = var.job_visibility_timeout_seconds }
      retryStrategy = {
        attempts = 2
        # A reclaimed Spot task ends with SIGTERM (143): run it again; anything else is final.
        evaluateOnExit = [
          { action = "RETRY", onExitCode = "143" },
          { action = "EXIT", onExitCode = "*" },
        ]
      }
      containerProperties = {
        # The state machine gives every job its command (run-job or fail-job).
        command          = ["annotator", "--help"]
        jobRoleArn       = aws_iam_role.batch_job.arn
        executionRoleArn = aws_iam_role.batch_execution.arn
        resourceRequirements = [
          { type = "VCPU", value = tostring(var.batch_job_vcpus) },
          { type = "MEMORY", value = tostring(var.batch_job_memory_mib) },
        ]
        fargatePlatformConfiguration = { platformVersion = "LATEST" }
        networkConfiguration         = { assignPublicIp = "DISABLED" }
        ephemeralStorage             = { sizeInGiB = var.batch_job_storage_gib }
        readonlyRootFilesystem       = true
        user                         = "10001:10001"
        volumes                      = [{ name = "tmp" }, { name = "work" }]
        mountPoints = [
          { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false },
          { sourceVolume = "work", containerPath = "/work", readOnly = false },
        ]
        environment = [
          { name = "UPLOADS_LOCATION", value = "s3://${module.buckets["uploads"].s3_bucket_id}" },
          { name = "RESULTS_LOCATION", value = "s3://${module.buckets["results"].s3_bucket_id}" },
          { name = "WORK_FOLDER", value = "/work" },
          { name = "LOG_LEVEL", value = "INFO" },
        ]
        secrets = [
          { name = "DATABASE_URL", valueFrom = "${aws_secretsmanager_secret.database["worker"].arn}:url::" },
        ]
        logConfiguration = {
          logDriver = "awslogs"
          options = {
            awslogs-group         = aws_cloudwatch_log_group.batch.name
            awslogs-region        = var.region
            awslogs-stream-prefix = "annotate"
          }
        }
      }
    }
  }
}

module "state_machine" {
  # checkov:skip=CKV_TF_1: registry modules are pinned by exact release (version =), as the registry is meant to be used; tests/terraform checks each call against that release
  source  = "terraform-aws-modules/step-functions/aws"
  version = "5.0.2"

  name = local.batch_job_name
  type = "STANDARD"
  definition = templatefile("${path.module}/../worker/statemachine/annotate.asl.json", {
    job_queue_arn = module.batch.job_queues["annotate"].arn
    # By name: Batch runs its newest active revision, the one the cluster registered last.
    job_definition_name = local.batch_job_name
  })

  service_integrations = {
    batch_Sync = {
      batch  = [module.batch.job_queues["annotate"].arn, "arn:aws:batch:${var.region}:${local.account_id}:job-definition/${local.batch_job_name}*"]
      events = true
    }
  }

  logging_configuration = {
    include_execution_data = false
    level                  = "ERROR"
  }
  cloudwatch_log_group_retention_in_days = var.log_retention_days
  cloudwatch_log_group_kms_key_id        = aws_kms_key.data.arn
}
