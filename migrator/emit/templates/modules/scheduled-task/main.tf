data "aws_caller_identity" "current" {}

locals {
  account = data.aws_caller_identity.current.account_id

  # Schedule, role and security group names have length limits; long ones keep a hash.
  schedule_name       = length(var.family) <= 64 ? var.family : "${substr(var.family, 0, 55)}-${substr(sha1(var.family), 0, 8)}"
  scheduler_role      = "${var.family}-scheduler"
  scheduler_role_name = length(local.scheduler_role) <= 64 ? local.scheduler_role : "${substr(local.scheduler_role, 0, 55)}-${substr(sha1(local.scheduler_role), 0, 8)}"
}

module "task" {
  source = "../task-definition"

  name                = var.family
  region              = var.region
  task                = var.task
  containers          = var.containers
  volumes             = var.volumes
  efs                 = var.efs
  secret_arns         = var.secret_arns
  ecr_repository_arns = var.ecr_repository_arns
  task_role_arn       = var.task_role_arn
  execute_command     = null
  log_group_name      = var.log_group_name
  log_retention_days  = var.log_retention_days
  kms_key_arn         = var.kms_key_arn
  tags                = var.tags
}

# A job accepts no connections; it only calls out.
resource "aws_security_group" "this" {
  name        = "${var.family}-job"
  description = "Scheduled task ${var.name}: no inbound traffic."
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.family}-job" })
}

resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.this.id
  description       = "Images, AWS APIs and the services the job calls"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name               = local.scheduler_role_name
  description        = "EventBridge Scheduler starts ${var.name} with it."
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "RunTask"
    actions   = ["ecs:RunTask"]
    resources = [module.task.arn]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.cluster_arn]
    }
  }

  statement {
    sid       = "PassTaskRoles"
    actions   = ["iam:PassRole"]
    resources = [module.task.execution_role_arn, module.task.task_role_arn]
  }

  # The schedule is encrypted with the environment key; the scheduler decrypts it to run.
  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]

    content {
      sid       = "DecryptSchedule"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "run-task"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

resource "aws_scheduler_schedule" "this" {
  name        = local.schedule_name
  description = "Kubernetes CronJob ${var.name}"
  state       = var.enabled ? "ENABLED" : "DISABLED"

  schedule_expression          = var.schedule
  schedule_expression_timezone = var.timezone
  kms_key_arn                  = var.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = var.cluster_arn
    role_arn = aws_iam_role.scheduler.arn

    ecs_parameters {
      task_definition_arn     = module.task.arn
      task_count              = 1
      launch_type             = length(var.capacity_provider_strategy) > 0 ? null : "FARGATE"
      enable_ecs_managed_tags = true
      propagate_tags          = "TASK_DEFINITION"

      dynamic "capacity_provider_strategy" {
        for_each = var.capacity_provider_strategy

        content {
          capacity_provider = capacity_provider_strategy.value.capacity_provider
          weight            = capacity_provider_strategy.value.weight
          base              = capacity_provider_strategy.value.base
        }
      }

      network_configuration {
        subnets          = var.subnet_ids
        security_groups  = [aws_security_group.this.id, var.peers_security_group_id]
        assign_public_ip = false
      }
    }

    retry_policy {
      maximum_retry_attempts       = var.retry_attempts
      maximum_event_age_in_seconds = 3600
    }
  }
}
