locals {
  name = "${var.project}-${var.environment}"

  target_groups = merge([for key, alb in module.alb : alb.target_groups]...)

  efs = length(var.efs_access_points) > 0 ? {
    file_system_id   = module.efs[0].file_system_id
    access_point_ids = module.efs[0].access_point_ids
  } : null

  execute_command = var.enable_execute_command ? {
    log_group_arn = module.cluster.exec_log_group_arn
    kms_key_arn   = aws_kms_key.this.arn
  } : null
}

provider "aws" {
  region = var.region

  default_tags {
    tags = merge(var.tags, {
      Project     = var.project
      Environment = var.environment
      ManagedBy   = "terraform"
    })
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

# One key per environment for logs, secrets and ECS Exec sessions.
data "aws_iam_policy_document" "kms" {
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"] # in a key policy, "*" is this key

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsUsesForThisAccount"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"] # in a key policy, "*" is this key

    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${data.aws_partition.current.partition}:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:*"]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${local.name}: container logs, secrets and ECS Exec sessions"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms.json
}

resource "aws_kms_alias" "this" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.this.key_id
}

module "network" {
  source = "../../modules/network"

  name                    = local.name
  cidr_block              = var.vpc_cidr_block
  az_count                = var.az_count
  availability_zones      = var.availability_zones
  nat_gateway_count       = var.nat_gateway_count
  existing_vpc            = var.existing_vpc
  flow_log_retention_days = var.log_retention_days
  kms_key_arn             = aws_kms_key.this.arn
}

module "cluster" {
  source = "../../modules/cluster"

  name                               = local.name
  vpc_id                             = module.network.vpc_id
  service_connect_namespace          = var.service_connect_namespace
  container_insights                 = var.container_insights
  default_capacity_provider_strategy = var.default_capacity_provider_strategy
  log_retention_days                 = var.log_retention_days
  kms_key_arn                        = aws_kms_key.this.arn
}

module "efs" {
  source = "../../modules/efs"
  count  = length(var.efs_access_points) > 0 ? 1 : 0

  name                     = local.name
  vpc_id                   = module.network.vpc_id
  subnet_ids               = module.network.private_subnet_ids
  client_security_group_id = module.cluster.peers_security_group_id
  access_points            = var.efs_access_points
  kms_key_arn              = aws_kms_key.this.arn
}

# Containers for the Kubernetes Secrets, without values: load them as README.md says.
resource "aws_secretsmanager_secret" "this" {
  for_each = var.secrets

  name                    = each.key
  description             = each.value.description
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = { Keys = substr(join(" ", each.value.keys), 0, 256) }
}

module "alb" {
  source   = "../../modules/alb"
  for_each = var.load_balancers

  name           = "${local.name}-${each.key}"
  vpc_id         = module.network.vpc_id
  vpc_cidr_block = module.network.vpc_cidr_block
  internal       = each.value.internal
  # Internal load balancers sit with the tasks and answer only inside the VPC.
  subnet_ids             = each.value.internal ? module.network.private_subnet_ids : module.network.public_subnet_ids
  ingress_cidr_blocks    = each.value.internal ? [module.network.vpc_cidr_block] : var.alb_ingress_cidr_blocks
  certificate_arn        = each.value.certificate_arn
  redirect_http_to_https = each.value.redirect_http_to_https
  deletion_protection    = var.deletion_protection
  access_logs            = var.alb_access_logs
  web_acl_arn            = var.alb_web_acl_arn
  default_action         = each.value.default_action
  target_groups          = each.value.target_groups
  rules                  = each.value.rules
}

module "service" {
  source   = "../../modules/service"
  for_each = var.services

  name                          = each.key
  family                        = "${local.name}-${each.key}"
  region                        = var.region
  cluster_arn                   = module.cluster.arn
  cluster_name                  = module.cluster.name
  vpc_id                        = module.network.vpc_id
  subnet_ids                    = module.network.private_subnet_ids
  peers_security_group_id       = module.cluster.peers_security_group_id
  service_connect_namespace_arn = module.cluster.service_connect_namespace_arn
  service_connect               = each.value.service_connect

  task                = each.value.task
  containers          = each.value.containers
  volumes             = each.value.volumes
  efs                 = local.efs
  secret_arns         = { for name, secret in aws_secretsmanager_secret.this : name => secret.arn }
  ecr_repository_arns = each.value.ecr_repository_arns
  task_role_arn       = each.value.task_role_arn
  execute_command     = local.execute_command
  log_group_name      = "/ecs/${local.name}/${each.key}"
  log_retention_days  = var.log_retention_days
  kms_key_arn         = aws_kms_key.this.arn

  desired_count              = each.value.desired_count
  autoscaling                = each.value.autoscaling
  deployment                 = each.value.deployment
  capacity_provider_strategy = coalescelist(each.value.capacity_provider_strategy, var.default_capacity_provider_strategy)

  load_balancers                   = each.value.load_balancers
  target_groups                    = local.target_groups
  load_balancer_security_group_ids = { for key, alb in module.alb : key => alb.security_group_id }
  load_balancer_arn_suffixes       = { for key, alb in module.alb : key => alb.arn_suffix }
}

module "scheduled_task" {
  source   = "../../modules/scheduled-task"
  for_each = var.scheduled_tasks

  name                       = each.key
  family                     = "${local.name}-${each.key}"
  region                     = var.region
  schedule                   = each.value.schedule
  timezone                   = each.value.timezone
  enabled                    = each.value.enabled
  capacity_provider_strategy = each.value.capacity_provider_strategy
  cluster_arn                = module.cluster.arn
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.private_subnet_ids
  peers_security_group_id    = module.cluster.peers_security_group_id

  task                = each.value.task
  containers          = each.value.containers
  volumes             = each.value.volumes
  efs                 = local.efs
  secret_arns         = { for name, secret in aws_secretsmanager_secret.this : name => secret.arn }
  ecr_repository_arns = each.value.ecr_repository_arns
  task_role_arn       = each.value.task_role_arn
  log_group_name      = "/ecs/${local.name}/${each.key}"
  log_retention_days  = var.log_retention_days
  kms_key_arn         = aws_kms_key.this.arn
}

module "job" {
  source   = "../../modules/task-definition"
  for_each = var.jobs

  name                = "${local.name}-${each.key}"
  region              = var.region
  task                = each.value.task
  containers          = each.value.containers
  volumes             = each.value.volumes
  efs                 = local.efs
  secret_arns         = { for name, secret in aws_secretsmanager_secret.this : name => secret.arn }
  ecr_repository_arns = each.value.ecr_repository_arns
  task_role_arn       = each.value.task_role_arn
  log_group_name      = "/ecs/${local.name}/${each.key}"
  log_retention_days  = var.log_retention_days
  kms_key_arn         = aws_kms_key.this.arn
}

# One-off jobs accept no connections; they call out, and join the peers group to reach services.
resource "aws_security_group" "jobs" {
  count = length(var.jobs) > 0 ? 1 : 0

  name        = "${local.name}-jobs"
  description = "One-off tasks of ${local.name}: no inbound traffic."
  vpc_id      = module.network.vpc_id
  tags        = { Name = "${local.name}-jobs" }
}

resource "aws_vpc_security_group_egress_rule" "jobs" {
  count = length(var.jobs) > 0 ? 1 : 0

  security_group_id = aws_security_group.jobs[0].id
  description       = "Images, AWS APIs and the services the jobs call"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}
