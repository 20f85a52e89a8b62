locals {
  https = var.certificate_arn != ""

  # Load balancer and target group names stop at 32 characters; longer ones keep a hash.
  lb_name = length(var.name) <= 32 ? var.name : "${substr(var.name, 0, 23)}-${substr(sha1(var.name), 0, 8)}"
  target_group_names = {
    for key, tg in var.target_groups : key => (
      length("${var.name}-${key}") <= 32 ? "${var.name}-${key}" : "${substr("${var.name}-${key}", 0, 23)}-${substr(sha1("${var.name}-${key}"), 0, 8)}"
    )
  }

  # Rules attach to the HTTPS listener when there is one; plain HTTP then only redirects.
  rules_listener_arn = local.https ? aws_lb_listener.https[0].arn : aws_lb_listener.http.arn
  default_forward    = var.default_target != ""
}

resource "aws_security_group" "this" {
  name        = "${var.name}-alb"
  description = "Load balancer ${var.name}: HTTP(S) from the internet, out to the tasks in the VPC."
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-alb" })
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each = { for pair in setproduct(local.https ? [80, 443] : [80], var.ingress_cidr_blocks) : "${pair[0]}-${pair[1]}" => pair }

  security_group_id = aws_security_group.this.id
  description       = "HTTP${each.value[0] == 443 ? "S" : ""} from ${each.value[1]}"
  ip_protocol       = "tcp"
  from_port         = each.value[0]
  to_port           = each.value[0]
  cidr_ipv4         = each.value[1]
}

resource "aws_vpc_security_group_egress_rule" "tasks" {
  security_group_id = aws_security_group.this.id
  description       = "To the tasks in the VPC"
  ip_protocol       = "tcp"
  from_port         = 0
  to_port           = 65535
  cidr_ipv4         = var.vpc_cidr_block
}

resource "aws_lb" "this" {
  name                       = local.lb_name
  internal                   = var.internal
  load_balancer_type         = "application"
  security_groups            = [aws_security_group.this.id]
  subnets                    = var.subnet_ids
  idle_timeout               = var.idle_timeout
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection

  dynamic "access_logs" {
    for_each = var.access_logs == null ? [] : [var.access_logs]

    content {
      bucket  = access_logs.value.bucket
      prefix  = access_logs.value.prefix
      enabled = true
    }
  }

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_lb_target_group" "this" {
  for_each = var.target_groups

  name                 = local.target_group_names[each.key]
  vpc_id               = var.vpc_id
  target_type          = "ip"
  port                 = each.value.port
  protocol             = each.value.protocol
  protocol_version     = each.value.protocol_version
  deregistration_delay = each.value.deregistration_delay

  health_check {
    enabled             = true
    path                = each.value.health_check.path
    port                = each.value.health_check.port
    protocol            = each.value.health_check.protocol
    matcher             = each.value.health_check.matcher
    interval            = each.value.health_check.interval
    timeout             = each.value.health_check.timeout
    healthy_threshold   = each.value.health_check.healthy_threshold
    unhealthy_threshold = each.value.health_check.unhealthy_threshold
  }

  tags = merge(var.tags, { Name = local.target_group_names[each.key], Service = each.value.service })
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = local.https ? "redirect" : (local.default_forward ? "forward" : "fixed-response")
    target_group_arn = !local.https && local.default_forward ? aws_lb_target_group.this[var.default_target].arn : null

    dynamic "redirect" {
      for_each = local.https ? [1] : []

      content {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    }

    dynamic "fixed_response" {
      for_each = !local.https && !local.default_forward ? [1] : []

      content {
        content_type = "text/plain"
        message_body = "Not Found"
        status_code  = "404"
      }
    }
  }

  tags = var.tags
}

resource "aws_lb_listener" "https" {
  count = local.https ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = local.default_forward ? "forward" : "fixed-response"
    target_group_arn = local.default_forward ? aws_lb_target_group.this[var.default_target].arn : null

    dynamic "fixed_response" {
      for_each = local.default_forward ? [] : [1]

      content {
        content_type = "text/plain"
        message_body = "Not Found"
        status_code  = "404"
      }
    }
  }

  tags = var.tags
}

resource "aws_lb_listener_rule" "this" {
  for_each = var.rules

  listener_arn = local.rules_listener_arn
  priority     = each.value.priority

  action {
    type = "forward"

    forward {
      dynamic "target_group" {
        for_each = each.value.targets

        content {
          arn    = aws_lb_target_group.this[target_group.value.target_group].arn
          weight = target_group.value.weight
        }
      }
    }
  }

  dynamic "condition" {
    for_each = length(each.value.host_headers) > 0 ? [each.value.host_headers] : []

    content {
      host_header {
        values = condition.value
      }
    }
  }

  dynamic "condition" {
    for_each = length(each.value.path_patterns) > 0 ? [each.value.path_patterns] : []

    content {
      path_pattern {
        values = condition.value
      }
    }
  }

  dynamic "condition" {
    for_each = length(each.value.http_methods) > 0 ? [each.value.http_methods] : []

    content {
      http_request_method {
        values = condition.value
      }
    }
  }

  dynamic "condition" {
    for_each = each.value.http_headers

    content {
      http_header {
        http_header_name = condition.value.name
        values           = condition.value.values
      }
    }
  }

  tags = merge(var.tags, { Service = each.value.service })
}

resource "aws_wafv2_web_acl_association" "this" {
  count = var.web_acl_arn == null ? 0 : 1

  resource_arn = aws_lb.this.arn
  web_acl_arn  = var.web_acl_arn
}
