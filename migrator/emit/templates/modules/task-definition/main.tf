data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account   = data.aws_caller_identity.current.account_id
  partition = data.aws_partition.current.partition

  # IAM role names stop at 64 characters; longer ones keep a hash so they stay unique.
  execution_role_base = "${var.name}-execution"
  execution_role_name = length(local.execution_role_base) <= 64 ? local.execution_role_base : "${substr(local.execution_role_base, 0, 55)}-${substr(sha1(local.execution_role_base), 0, 8)}"
  task_role_base      = "${var.name}-task"
  task_role_name      = length(local.task_role_base) <= 64 ? local.task_role_base : "${substr(local.task_role_base, 0, 55)}-${substr(sha1(local.task_role_base), 0, 8)}"

  create_task_role = var.task_role_arn == ""
  task_role_arn    = local.create_task_role ? aws_iam_role.task[0].arn : var.task_role_arn

  all_secrets = flatten([for c in var.containers : c.secrets])
  # The execution role may read exactly the secrets the containers name, nothing else.
  secret_arns = sort(distinct(concat(
    [for s in local.all_secrets : var.secret_arns[s.secret] if s.secret != null],
    [for s in local.all_secrets : join(":", slice(split(":", s.value_from), 0, 7)) if s.value_from != null && startswith(coalesce(s.value_from, "-"), "arn:${local.partition}:secretsmanager:")],
    [for c in var.containers : c.repository_credentials if c.repository_credentials != ""],
  )))
  parameter_arns = sort(distinct([
    for s in local.all_secrets : s.value_from if s.value_from != null && startswith(coalesce(s.value_from, "-"), "arn:${local.partition}:ssm:")
  ]))

  container_definitions = [for c in var.containers : { for key, value in {
    name              = c.name
    image             = c.image
    essential         = c.essential
    entryPoint        = length(c.command) > 0 ? c.command : null
    command           = length(c.args) > 0 ? c.args : null
    cpu               = c.cpu
    memory            = c.memory
    memoryReservation = c.memory_reservation
    portMappings = [for p in c.port_mappings : merge(
      { name = p.name, containerPort = p.container_port, hostPort = p.container_port, protocol = p.protocol },
      p.app_protocol == "" ? {} : { appProtocol = p.app_protocol },
    )]
    environment = [for name, value in c.environment : { name = name, value = value }]
    secrets = [for s in c.secrets : {
      name      = s.name
      valueFrom = s.value_from != null ? s.value_from : "${var.secret_arns[s.secret]}:${s.key}::"
    }]
    healthCheck = c.health_check == null ? null : {
      command     = c.health_check.command
      interval    = c.health_check.interval
      timeout     = c.health_check.timeout
      retries     = c.health_check.retries
      startPeriod = c.health_check.start_period
    }
    user                   = c.user == "" ? null : c.user
    readonlyRootFilesystem = c.readonly_root_filesystem
    workingDirectory       = c.working_directory == "" ? null : c.working_directory
    mountPoints            = [for m in c.mount_points : { sourceVolume = m.source_volume, containerPath = m.container_path, readOnly = m.read_only }]
    dependsOn              = [for d in c.dependencies : { containerName = d.container, condition = d.condition }]
    stopTimeout            = c.stop_timeout
    repositoryCredentials  = c.repository_credentials == "" ? null : { credentialsParameter = c.repository_credentials }
    # An init process lets `aws ecs execute-command` sessions and PID 1 signal handling behave as
    # on Kubernetes; the for expression adds `capabilities` only when some are asked for.
    linuxParameters = merge({ initProcessEnabled = true }, {
      for key, value in { capabilities = { add = c.capabilities_add } } : key => value if length(c.capabilities_add) > 0
    })
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = var.region
        awslogs-stream-prefix = c.name
      }
    }
  } : key => value if value != null }]
}

resource "aws_cloudwatch_log_group" "this" {
  name              = var.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    # Only tasks of this account may assume the role (confused deputy protection).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = local.execution_role_name
  description        = "ECS agent for ${var.name}: pulls the image, writes logs, reads the task's secrets."
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  dynamic "statement" {
    for_each = length(local.secret_arns) > 0 ? [1] : []

    content {
      sid       = "ReadSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = local.secret_arns
    }
  }

  dynamic "statement" {
    for_each = length(local.parameter_arns) > 0 ? [1] : []

    content {
      sid       = "ReadParameters"
      actions   = ["ssm:GetParameters"]
      resources = local.parameter_arns
    }
  }

  dynamic "statement" {
    for_each = length(local.secret_arns) + length(local.parameter_arns) > 0 && var.kms_key_arn != null ? [1] : []

    content {
      sid       = "DecryptSecrets"
      actions   = ["kms:Decrypt"]
      resources = [var.kms_key_arn]
    }
  }

  dynamic "statement" {
    for_each = length(var.ecr_repository_arns) > 0 ? [1] : []

    content {
      sid       = "PullImages"
      actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
      resources = var.ecr_repository_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.ecr_repository_arns) > 0 ? [1] : []

    content {
      sid       = "EcrLogin"
      actions   = ["ecr:GetAuthorizationToken"]
      resources = ["*"] # GetAuthorizationToken has no resource-level permissions
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "execution"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

resource "aws_iam_role" "task" {
  count = local.create_task_role ? 1 : 0

  name               = local.task_role_name
  description        = "Application role of ${var.name}. Grant it what the application calls in AWS."
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "exec" {
  count = local.create_task_role && var.execute_command != null ? 1 : 0

  statement {
    sid = "ExecSessions"
    actions = [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]
    resources = ["*"] # the ssmmessages actions have no resource-level permissions
  }

  statement {
    sid       = "ExecLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${var.execute_command.log_group_arn}:*"]
  }

  statement {
    sid       = "ExecLogGroups"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:${local.partition}:logs:${var.region}:${local.account}:log-group:*"]
  }

  dynamic "statement" {
    for_each = var.execute_command.kms_key_arn == null ? [] : [1]

    content {
      sid       = "ExecEncryption"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.execute_command.kms_key_arn]
    }
  }
}

resource "aws_iam_role_policy" "exec" {
  count = local.create_task_role && var.execute_command != null ? 1 : 0

  name   = "ecs-exec"
  role   = aws_iam_role.task[0].id
  policy = data.aws_iam_policy_document.exec[0].json
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.task.cpu
  memory                   = var.task.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = local.task_role_arn
  container_definitions    = jsonencode(local.container_definitions)

  runtime_platform {
    operating_system_family = var.task.operating_system
    cpu_architecture        = var.task.cpu_architecture
  }

  dynamic "ephemeral_storage" {
    for_each = var.task.ephemeral_storage_gib > 20 ? [var.task.ephemeral_storage_gib] : []

    content {
      size_in_gib = ephemeral_storage.value
    }
  }

  dynamic "volume" {
    for_each = var.volumes

    content {
      name = volume.value.name

      dynamic "efs_volume_configuration" {
        for_each = volume.value.kind == "efs" ? [volume.value] : []

        content {
          file_system_id     = var.efs.file_system_id
          transit_encryption = "ENABLED"

          authorization_config {
            access_point_id = var.efs.access_point_ids[efs_volume_configuration.value.efs_access_point]
          }
        }
      }
    }
  }

  lifecycle {
    precondition {
      condition     = var.efs != null || alltrue([for v in var.volumes : v.kind != "efs"])
      error_message = "${var.name} mounts EFS volumes but no file system was given (efs)."
    }
  }

  tags = var.tags
}
