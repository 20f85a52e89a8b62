locals {
  autoscaled = var.autoscaling != null

  security_group_base = "${var.family}-service"
  security_group_name = length(local.security_group_base) <= 255 ? local.security_group_base : "${substr(local.security_group_base, 0, 246)}-${substr(sha1(local.security_group_base), 0, 8)}"

  # Ports the load balancers send traffic and health checks to: only their security groups get
  # in. (Several target groups of one load balancer may share a port: one rule covers them.)
  alb_ports = flatten([for lb in var.load_balancers : [
    for port in distinct(compact([tostring(lb.container_port), lb.health_check_port == null ? "" : tostring(lb.health_check_port)])) :
    { load_balancer = lb.load_balancer, port = tonumber(port) }
  ]])
  alb_ingress = { for entry in local.alb_ports : "${entry.load_balancer}-${entry.port}" => entry... }
  # Service Connect ports: only tasks in the peers security group get in.
  peer_ports = toset([for entry in var.service_connect : tostring(entry.container_port)])

  first_target_group = length(var.load_balancers) > 0 ? var.target_groups[var.load_balancers[0].target_group] : null
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
  execute_command     = var.execute_command
  log_group_name      = var.log_group_name
  log_retention_days  = var.log_retention_days
  kms_key_arn         = var.kms_key_arn
  tags                = var.tags
}

resource "aws_security_group" "this" {
  name        = local.security_group_name
  description = "Tasks of ${var.name}: traffic from its load balancers and Service Connect peers only."
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = local.security_group_name })
}

resource "aws_vpc_security_group_ingress_rule" "alb" {
  for_each = local.alb_ingress

  security_group_id            = aws_security_group.this.id
  description                  = "From load balancer ${each.value[0].load_balancer}"
  ip_protocol                  = "tcp"
  from_port                    = each.value[0].port
  to_port                      = each.value[0].port
  referenced_security_group_id = var.load_balancer_security_group_ids[each.value[0].load_balancer]
}

resource "aws_vpc_security_group_ingress_rule" "peers" {
  for_each = local.peer_ports

  security_group_id            = aws_security_group.this.id
  description                  = "Service Connect from the other services"
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.value)
  to_port                      = tonumber(each.value)
  referenced_security_group_id = var.peers_security_group_id
}

# Tasks reach images, AWS APIs and the outside services the application calls.
resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.this.id
  description       = "Images, AWS APIs and the services the application calls"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# Two variants of one service: when autoscaling owns the task count, Terraform must not reset
# it on every apply, and `ignore_changes` cannot be switched by a variable.
resource "aws_ecs_service" "this" {
  count = local.autoscaled ? 0 : 1

  name                               = var.name
  cluster                            = var.cluster_arn
  task_definition                    = module.task.arn
  desired_count                      = var.desired_count
  enable_execute_command             = var.execute_command != null
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  health_check_grace_period_seconds  = length(var.load_balancers) > 0 ? var.deployment.health_check_grace_period : null
  deployment_minimum_healthy_percent = var.deployment.minimum_healthy_percent
  deployment_maximum_percent         = var.deployment.maximum_percent

  deployment_circuit_breaker {
    enable   = var.deployment.circuit_breaker
    rollback = var.deployment.rollback
  }

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

  dynamic "load_balancer" {
    for_each = var.load_balancers

    content {
      target_group_arn = var.target_groups[load_balancer.value.target_group].arn
      container_name   = load_balancer.value.container
      container_port   = load_balancer.value.container_port
    }
  }

  service_connect_configuration {
    enabled   = true
    namespace = var.service_connect_namespace_arn

    log_configuration {
      log_driver = "awslogs"
      options = {
        awslogs-group         = module.task.log_group_name
        awslogs-region        = var.region
        awslogs-stream-prefix = "service-connect"
      }
    }

    dynamic "service" {
      for_each = var.service_connect

      content {
        port_name      = service.value.port_name
        discovery_name = service.value.discovery_name

        client_alias {
          dns_name = service.value.dns_name
          port     = service.value.port
        }
      }
    }
  }

  tags = var.tags
}

resource "aws_ecs_service" "autoscaled" {
  count = local.autoscaled ? 1 : 0

  name                               = var.name
  cluster                            = var.cluster_arn
  task_definition                    = module.task.arn
  desired_count                      = var.desired_count
  enable_execute_command             = var.execute_command != null
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  health_check_grace_period_seconds  = length(var.load_balancers) > 0 ? var.deployment.health_check_grace_period : null
  deployment_minimum_healthy_percent = var.deployment.minimum_healthy_percent
  deployment_maximum_percent         = var.deployment.maximum_percent

  deployment_circuit_breaker {
    enable   = var.deployment.circuit_breaker
    rollback = var.deployment.rollback
  }

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

  dynamic "load_balancer" {
    for_each = var.load_balancers

    content {
      target_group_arn = var.target_groups[load_balancer.value.target_group].arn
      container_name   = load_balancer.value.container
      container_port   = load_balancer.value.container_port
    }
  }

  service_connect_configuration {
    enabled   = true
    namespace = var.service_connect_namespace_arn

    log_configuration {
      log_driver = "awslogs"
      options = {
        awslogs-group         = module.task.log_group_name
        awslogs-region        = var.region
        awslogs-stream-prefix = "service-connect"
      }
    }

    dynamic "service" {
      for_each = var.service_connect

      content {
        port_name      = service.value.port_name
        discovery_name = service.value.discovery_name

        client_alias {
          dns_name = service.value.dns_name
          port     = service.value.port
        }
      }
    }
  }

  lifecycle {
    ignore_changes = [desired_count]
  }

  tags = var.tags
}

resource "aws_appautoscaling_target" "this" {
  count = local.autoscaled ? 1 : 0

  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${var.cluster_name}/${aws_ecs_service.autoscaled[0].name}"
  min_capacity       = var.autoscaling.min_capacity
  max_capacity       = var.autoscaling.max_capacity
}

resource "aws_appautoscaling_policy" "this" {
  for_each = local.autoscaled ? var.autoscaling.policies : {}

  name               = "${var.name}-${each.key}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[0].resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = each.value.target_value
    scale_in_cooldown  = each.value.scale_in_cooldown
    scale_out_cooldown = each.value.scale_out_cooldown

    dynamic "predefined_metric_specification" {
      for_each = each.value.custom_metric == null ? [each.value.metric] : []

      content {
        predefined_metric_type = predefined_metric_specification.value
        # Request count per target needs to know which load balancer and target group.
        resource_label = predefined_metric_specification.value == "ALBRequestCountPerTarget" ? "${var.load_balancer_arn_suffixes[var.load_balancers[0].load_balancer]}/${local.first_target_group.arn_suffix}" : null
      }
    }

    dynamic "customized_metric_specification" {
      for_each = each.value.custom_metric == null ? [] : [each.value.custom_metric]

      content {
        namespace   = customized_metric_specification.value.namespace
        metric_name = customized_metric_specification.value.name
        statistic   = customized_metric_specification.value.statistic
      }
    }
  }
}
