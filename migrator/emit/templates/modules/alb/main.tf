locals {
  https = var.certificate_arn != ""

  # Load balancer and target group names stop at 32 characters; longer ones keep a hash.
  lb_name = length(var.name) <= 32 ? var.name : "${substr(var.name, 0, 23)}-${substr(sha1(var.name), 0, 8)}"
  target_group_names = {
    for key, tg in var.target_groups : key => (
      length("${var.name}-${key}") <= 32 ? "${var.name}-${key}" : "${substr("${var.name}-${key}", 0, 23)}-${substr(sha1("${var.name}-${key}"), 0, 8)}"
    )
  }

  # The rules live on the HTTPS listener when there is one. Port 80 then redirects to HTTPS
  # (`redirect_http_to_https`), and serves itself only the rules marked `http`: hosts the
  # certificate does not cover keep working over plain HTTP as they did before.
  rules_listener_arn = local.https ? aws_lb_listener.https[0].arn : aws_lb_listener.http.arn
  http_redirects     = local.https && var.redirect_http_to_https
  http_rules         = local.https ? { for key, rule in var.rules : key => rule if rule.http } : {}
  default_forward    = length(var.default_action.targets) > 0
  listener_rules = merge(
    { for key, rule in var.rules : key => merge(rule, { listener = "routing" }) },
    { for key, rule in local.http_rules : "http-${key}" => merge(rule, { listener = "http" }) },
  )
}

resource "aws_security_group" "this" {
  name        = "${var.name}-alb"
  description = "Load balancer ${var.name}: HTTP(S) from the internet, out to the tasks in the VPC."
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-alb" })
}

# Keyed by port and position, not by CIDR, so the keys are known before the VPC exists.
resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each = {
    for pair in setproduct(local.https ? [80, 443] : [80], range(length(var.ingress_cidr_blocks))) :
    "${pair[0]}-${pair[1]}" => { port = pair[0], cidr = var.ingress_cidr_blocks[pair[1]] }
  }

  security_group_id = aws_security_group.this.id
  description       = each.value.port == 443 ? "HTTPS" : "HTTP"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr
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
    type = local.http_redirects ? "redirect" : (local.default_forward ? "forward" : "fixed-response")

    dynamic "redirect" {
      for_each = local.http_redirects ? [1] : []

      content {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    }

    dynamic "forward" {
      for_each = !local.http_redirects && local.default_forward ? [var.default_action.targets] : []

      content {
        dynamic "target_group" {
          for_each = forward.value

          content {
            arn    = aws_lb_target_group.this[target_group.value.target_group].arn
            weight = target_group.value.weight
          }
        }
      }
    }

    dynamic "fixed_response" {
      for_each = !local.http_redirects && !local.default_forward ? [var.default_action.fixed_response] : []

      content {
        content_type = "text/plain"
        message_body = fixed_response.value == 404 ? "Not Found" : "Unavailable"
        status_code  = tostring(fixed_response.value)
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
    type = local.default_forward ? "forward" : "fixed-response"

    dynamic "forward" {
      for_each = local.default_forward ? [var.default_action.targets] : []

      content {
        dynamic "target_group" {
          for_each = forward.value

          content {
            arn    = aws_lb_target_group.this[target_group.value.target_group].arn
            weight = target_group.value.weight
          }
        }
      }
    }

    dynamic "fixed_response" {
      for_each = local.default_forward ? [] : [var.default_action.fixed_response]

      content {
        content_type = "text/plain"
        message_body = fixed_response.value == 404 ? "Not Found" : "Unavailable"
        status_code  = tostring(fixed_response.value)
      }
    }
  }

  tags = var.tags
}

resource "aws_lb_listener_rule" "this" {
  for_each = local.listener_rules

  listener_arn = each.value.listener == "http" ? aws_lb_listener.http.arn : local.rules_listener_arn
  priority     = each.value.priority

  action {
    type = each.value.fixed_response > 0 ? "fixed-response" : "forward"

    dynamic "forward" {
      for_each = each.value.fixed_response > 0 ? [] : [each.value.targets]

      content {
        dynamic "target_group" {
          for_each = forward.value

          content {
            arn    = aws_lb_target_group.this[target_group.value.target_group].arn
            weight = target_group.value.weight
          }
        }
      }
    }

    dynamic "fixed_response" {
      for_each = each.value.fixed_response > 0 ? [each.value.fixed_response] : []

      content {
        content_type = "text/plain"
        message_body = "Fixed response ${fixed_response.value}"
        status_code  = tostring(fixed_response.value)
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
