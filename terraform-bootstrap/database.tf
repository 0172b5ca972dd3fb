# The apps' PostgreSQL roles and databases, made from the credentials aurora.tf keeps in
# Secrets Manager: database/roles.py, run by a Kubernetes Job (Aurora is reachable from the
# cluster's nodes only), as Aurora's master user, at every apply where the credentials changed.
# The owner of a database runs its migrations (the gene API's and the frontend's migrate Jobs);
# the worker reads and writes the gene API's tables and creates nothing.
locals {
  database_owners = ["gene-api", "web"]
  database_apps = [
    for user in var.database_users : {
      username = replace(user, "-", "_")
      password = random_password.database[user].result
      database = local.database_names[user]
      owner    = contains(local.database_owners, user)
    }
  ]
  aurora_master = jsondecode(data.aws_secretsmanager_secret_version.aurora_master.secret_string)
}

# The worker image the environment runs: the `image` of environments/<env>/apps/worker.yaml,
# the lines a release or promotion commits (a digest when it has one, else the tag). The roles
# Job runs it from this account's ECR (at each apply where it changed); the Batch jobs run it
# too, registered by the cluster (pipeline.tf).
locals {
  worker_image  = yamldecode(file("${path.module}/../environments/${var.environment}/apps/worker.yaml")).image
  worker_pinned = try(local.worker_image.digest, local.worker_image.tag)
}

locals {
  worker_image_reference = format(
    can(local.worker_image.digest) ? "%s@%s" : "%s:%s", module.ecr["worker"].repository_url, local.worker_pinned,
  )
}

# Every image the worker's repository holds: the roles Job checks its image is among them before
# it runs (README, "From an empty account": the images are pushed between the two applies).
data "aws_ecr_images" "worker" {
  repository_name = module.ecr["worker"].repository_name
}

data "aws_secretsmanager_secret_version" "aurora_master" {
  secret_id = module.aurora.cluster_master_user_secret[0].secret_arn
}

resource "kubernetes_namespace_v1" "database_bootstrap" {
  metadata {
    name = "chr21-database-bootstrap"
    labels = {
      "pod-security.kubernetes.io/enforce" = "restricted"
    }
  }
}

resource "kubernetes_secret_v1" "database_bootstrap" {
  metadata {
    name      = "database-roles"
    namespace = kubernetes_namespace_v1.database_bootstrap.metadata[0].name
  }

  data = {
    ADMIN_URL = format(
      "postgresql://%s:%s@%s:%d/genes",
      urlencode(local.aurora_master.username), urlencode(local.aurora_master.password),
      module.aurora.cluster_endpoint, module.aurora.cluster_port,
    )
    APPS = jsonencode(local.database_apps)
  }
}

resource "kubernetes_config_map_v1" "database_roles" {
  metadata {
    name      = "database-roles"
    namespace = kubernetes_namespace_v1.database_bootstrap.metadata[0].name
  }

  data = {
    "roles.py" = file("${path.module}/database/roles.py")
  }
}

resource "kubernetes_job_v1" "database_roles" {
  metadata {
    name      = "database-roles"
    namespace = kubernetes_namespace_v1.database_bootstrap.metadata[0].name
  }

  spec {
    backoff_limit              = 3
    active_deadline_seconds    = 300
    ttl_seconds_after_finished = 3600

    template {
      metadata {}
      spec {
        restart_policy                  = "Never"
        automount_service_account_token = false

        security_context {
          run_as_non_root = true
          run_as_user     = 10001
          run_as_group    = 10001
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }

        container {
          name = "roles"
          # The worker image (above): it has Python and psycopg, and is in this account's ECR.
          image   = local.worker_image_reference
          command = ["python", "/scripts/roles.py"]

          env_from {
            secret_ref {
              name = kubernetes_secret_v1.database_bootstrap.metadata[0].name
            }
          }

          security_context {
            read_only_root_filesystem  = true
            allow_privilege_escalation = false
            capabilities {
              drop = ["ALL"]
            }
          }

          resources {
            requests = { cpu = "50m", memory = "64Mi" }
            limits   = { cpu = "500m", memory = "128Mi" }
          }

          volume_mount {
            name       = "scripts"
            mount_path = "/scripts"
            read_only  = true
          }
        }

        volume {
          name = "scripts"
          config_map {
            name = kubernetes_config_map_v1.database_roles.metadata[0].name
          }
        }
      }
    }
  }

  wait_for_completion = true

  timeouts {
    create = "6m"
    update = "6m"
  }

  lifecycle {
    replace_triggered_by = [kubernetes_secret_v1.database_bootstrap, kubernetes_config_map_v1.database_roles]

    # Stops the apply with what to do, instead of a Job that waits on an image pull until it times out.
    precondition {
      condition = contains(
        concat(data.aws_ecr_images.worker.image_ids[*].image_digest, data.aws_ecr_images.worker.image_ids[*].image_tag),
        local.worker_pinned,
      )
      error_message = "The worker image environments/${var.environment}/apps/worker.yaml names (${local.worker_pinned}) is not in ${module.ecr["worker"].repository_url} yet: push the images first (terraform-bootstrap/README.md, From an empty account, step 2), or release or promote one to ${var.environment} on main."
    }
  }

  depends_on = [module.eks, aws_secretsmanager_secret_version.database]
}
