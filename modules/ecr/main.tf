# The platform's own registry for the two programs it runs but does not build: the orchestration
# node and the PyGrid node. The task definitions pull from here by default, so a deploy never
# depends on a public registry's availability or on what a mutable public tag points at today.

locals {
  # Untagged layers (a pushed-over manifest list, an interrupted push) go first; then only the
  # newest keep_images images of each repository stay. ECR evaluates the lower priority first and
  # a tagStatus=any rule must have the highest priority number.
  lifecycle_policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Expire untagged images after ${var.untagged_expiry_days} days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.untagged_expiry_days
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep only the newest ${var.keep_images} images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.keep_images
        }
        action = { type = "expire" }
      },
    ]
  })
}

resource "aws_ecr_repository" "this" {
  for_each = var.repositories

  name = "${var.name}/${each.key}"
  # A tag names one image for ever: a task definition pinned to it cannot silently change.
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }

  tags = merge(var.tags, { Name = "${var.name}/${each.key}", holds = each.value })
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each = aws_ecr_repository.this

  repository = each.value.name
  policy     = local.lifecycle_policy
}
