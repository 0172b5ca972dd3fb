# One repository per image (chr21/gene-api, chr21/web, chr21/worker): tags immutable (a tag
# an environment pins never changes under it), scanned on push, KMS-encrypted, the newest
# var.image_count_kept images kept.
module "ecr" {
  # checkov:skip=CKV_TF_1: registry modules are pinned by exact release (version =), as the registry is meant to be used; tests/terraform checks each call against that release
  source   = "terraform-aws-modules/ecr/aws"
  version  = "3.2.0"
  for_each = toset(var.image_repositories)

  repository_name                 = "chr21/${each.key}"
  repository_image_tag_mutability = "IMMUTABLE"
  repository_image_scan_on_push   = true
  repository_encryption_type      = "KMS"
  repository_force_delete         = false

  create_lifecycle_policy = true
  repository_lifecycle_policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "keep the newest ${var.image_count_kept} images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.image_count_kept
        }
        action = {
          type = "expire"
        }
      }
    ]
  })
}
