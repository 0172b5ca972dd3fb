# Aurora PostgreSQL: the gene API's and worker's database (genes) and the frontend's (web).
# Encrypted, the master password kept by Secrets Manager (never in state), reachable only
# from the cluster's nodes (and so its pods), backed up daily by AWS Backup besides Aurora's
# own continuous backups. prod: a writer and a reader in two zones, deletion protection.
module "aurora" {
  # checkov:skip=CKV_TF_1: registry modules are pinned by exact release (version =), as the registry is meant to be used; tests/terraform checks each call against that release
  source  = "terraform-aws-modules/rds-aurora/aws"
  version = "10.2.0"

  name           = local.name
  engine         = "aurora-postgresql"
  engine_version = var.aurora_engine_version
  database_name  = "genes"

  cluster_instance_class = var.aurora_instance_class
  instances              = { for i in range(var.aurora_instance_count) : "instance-${i + 1}" => {} }

  vpc_id               = module.vpc.vpc_id
  db_subnet_group_name = module.vpc.database_subnet_group_name
  security_group_ingress_rules = {
    cluster_nodes = {
      description                  = "PostgreSQL from the EKS nodes (and their pods)"
      referenced_security_group_id = module.eks.node_security_group_id
    }
    batch_jobs = {
      description                  = "PostgreSQL from the pipeline's Batch jobs"
      referenced_security_group_id = aws_security_group.batch.id
    }
  }

  storage_encrypted           = true
  kms_key_id                  = aws_kms_key.data.arn
  manage_master_user_password = true
  master_username             = "chr21_admin"

  deletion_protection       = var.environment == "prod"
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.name}-final"
  backup_retention_period   = var.aurora_backup_retention_days
  preferred_backup_window   = "02:00-03:00"
  copy_tags_to_snapshot     = true

  enabled_cloudwatch_logs_exports = ["postgresql"]
  create_cloudwatch_log_group     = true
}

# A daily AWS Backup of the cluster, kept as long as Aurora's own backups, in a vault of its own.
resource "aws_backup_vault" "aurora" {
  name        = "${local.name}-aurora"
  kms_key_arn = aws_kms_key.data.arn
}

resource "aws_backup_plan" "aurora" {
  name = "${local.name}-aurora"

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.aurora.name
    schedule          = "cron(0 3 * * ? *)"

    lifecycle {
      delete_after = var.aurora_backup_retention_days * 5
    }
  }
}

resource "aws_iam_role" "backup" {
  name = "${local.name}-backup"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "backup.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "backup" {
  role       = aws_iam_role.backup.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
}

resource "aws_backup_selection" "aurora" {
  name         = "${local.name}-aurora"
  plan_id      = aws_backup_plan.aurora.id
  iam_role_arn = aws_iam_role.backup.arn
  resources    = [module.aurora.cluster_arn]
}

# Each app's database credentials, at the keys the charts' ExternalSecrets read
# (chr21/<environment>/<app>/database: {"username", "password"}, and "url", the whole
# DATABASE_URL, for the Batch job). The password is made here and kept by Secrets Manager;
# database.tf makes the role it belongs to in PostgreSQL with it.
locals {
  # The gene API and the worker share the catalogue and job records; the frontend has its own.
  database_names = { gene-api = "genes", worker = "genes", web = "web" }
}
resource "random_password" "database" {
  for_each = toset(var.database_users)

  length  = 40
  special = false
}

resource "aws_secretsmanager_secret" "database" {
  # checkov:skip=CKV2_AWS_57: a new password must reach the PostgreSQL role in the same step; rotation is a runbook (docs/runbooks), not a Lambda here
  for_each = toset(var.database_users)

  name       = "chr21/${var.environment}/${each.key}/database"
  kms_key_id = aws_kms_key.data.arn
}

resource "aws_secretsmanager_secret_version" "database" {
  for_each = toset(var.database_users)

  secret_id = aws_secretsmanager_secret.database[each.key].id
  secret_string = jsonencode({
    username = replace(each.key, "-", "_")
    password = random_password.database[each.key].result
    url = format(
      "postgresql+psycopg://%s:%s@%s:%d/%s",
      replace(each.key, "-", "_"), random_password.database[each.key].result,
      module.aurora.cluster_endpoint, module.aurora.cluster_port, local.database_names[each.key],
    )
  })
}
