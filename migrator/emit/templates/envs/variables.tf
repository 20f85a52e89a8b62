variable "project" {
  description = "Project name: the prefix of every resource name."
  type        = string
}

variable "environment" {
  description = "Environment name, for example `prod`."
  type        = string
}

variable "region" {
  description = "AWS region of the environment."
  type        = string
}

variable "tags" {
  description = "Extra tags for every resource (Project, Environment and ManagedBy are always set)."
  type        = map(string)
  default     = {}
}

variable "vpc_cidr_block" {
  description = "IPv4 range of the new VPC (ignored with `existing_vpc`)."
  type        = string
  default     = "10.0.0.0/16"
}

variable "existing_vpc" {
  description = "Run in this VPC and these subnets instead of creating a VPC. Set it in a file of your own, for example `network.auto.tfvars`."
  type = object({
    id                 = string
    public_subnet_ids  = list(string)
    private_subnet_ids = list(string)
  })
  default = null
}

variable "az_count" {
  description = "Availability zones to spread the tasks over."
  type        = number
}

variable "availability_zones" {
  description = "Zones to use. Empty: the first `az_count` zones of the region."
  type        = list(string)
  default     = []
}

variable "nat_gateway_count" {
  description = "NAT gateways: one per AZ for resilience, fewer to save cost."
  type        = number
}

variable "log_retention_days" {
  description = "Days to keep container, ECS Exec and flow logs."
  type        = number
}

variable "container_insights" {
  description = "Collect CloudWatch Container Insights metrics."
  type        = bool
}

variable "deletion_protection" {
  description = "Protect load balancers from deletion."
  type        = bool
}

variable "enable_execute_command" {
  description = "Allow `aws ecs execute-command` into service tasks (sessions are logged and encrypted)."
  type        = bool
  default     = true
}

variable "default_capacity_provider_strategy" {
  description = "Capacity provider strategy of services that do not set their own."
  type = list(object({
    capacity_provider = string
    weight            = optional(number, 1)
    base              = optional(number, 0)
  }))
}

variable "service_connect_namespace" {
  description = "Service Connect namespace, for example `prod.shop.internal`."
  type        = string
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret can still be restored (0 deletes at once)."
  type        = number
  default     = 30
}

variable "efs_access_points" {
  description = "EFS access points by key, one per Kubernetes volume claim the tasks mount. Empty: no file system."
  type = map(object({
    root_directory = string
    uid            = optional(number)
    gid            = optional(number)
  }))
  default = {}
}

variable "alb_ingress_cidr_blocks" {
  description = "Who may connect to the load balancers."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "alb_access_logs" {
  description = "S3 bucket (and prefix) for load balancer access logs. Null: none."
  type = object({
    bucket = string
    prefix = optional(string, "")
  })
  default = null
}

variable "alb_web_acl_arn" {
  description = "WAFv2 web ACL for the load balancers. Null: none."
  type        = string
  default     = null
}

variable "secrets" {
  description = "Secrets Manager secrets by name, one per Kubernetes Secret, with the JSON keys the containers read. Values are never in Terraform."
  type = map(object({
    description = optional(string, "")
    keys        = list(string)
  }))
  default = {}
}

variable "load_balancers" {
  description = "Application Load Balancers by key, with their target groups and listener rules; see modules/alb."
  type = map(object({
    internal               = optional(bool, false)
    certificate_arn        = optional(string, "")
    redirect_http_to_https = optional(bool, false)
    default_action = optional(object({
      targets = optional(list(object({
        target_group = string
        weight       = optional(number, 1)
      })), [])
      fixed_response = optional(number, 404)
    }), {})
    target_groups = optional(map(object({
      service              = string
      port                 = number
      protocol             = optional(string, "HTTP")
      protocol_version     = optional(string, "HTTP1")
      deregistration_delay = optional(number, 30)
      health_check = optional(object({
        path                = optional(string, "/")
        port                = optional(string, "traffic-port")
        protocol            = optional(string, "HTTP")
        matcher             = optional(string, "200-399")
        interval            = optional(number, 30)
        timeout             = optional(number, 5)
        healthy_threshold   = optional(number, 3)
        unhealthy_threshold = optional(number, 3)
      }), {})
    })), {})
    rules = optional(map(object({
      priority       = number
      service        = optional(string, "")
      fixed_response = optional(number, 0)
      http           = optional(bool, false)
      host_headers   = optional(list(string), [])
      path_patterns  = optional(list(string), [])
      http_methods   = optional(list(string), [])
      http_headers = optional(list(object({
        name   = string
        values = list(string)
      })), [])
      targets = optional(list(object({
        target_group = string
        weight       = optional(number, 1)
      })), [])
    })), {})
  }))
  default = {}
}

variable "services" {
  description = "ECS services by name; see modules/service. Generated from the migration plan."
  type = map(object({
    task = @@task@@
    containers = @@containers@@
    volumes = optional(@@volumes@@, [])
    desired_count = optional(number, 1)
    autoscaling = optional(object({
      min_capacity = number
      max_capacity = number
      policies = optional(map(object({
        metric             = optional(string)
        custom_metric      = optional(object({ namespace = string, name = string, statistic = optional(string, "Average") }))
        target_value       = number
        scale_in_cooldown  = optional(number, 300)
        scale_out_cooldown = optional(number, 60)
      })), {})
    }))
    deployment = optional(object({
      minimum_healthy_percent   = optional(number, 100)
      maximum_percent           = optional(number, 200)
      circuit_breaker           = optional(bool, true)
      rollback                  = optional(bool, true)
      health_check_grace_period = optional(number, 0)
    }), {})
    capacity_provider_strategy = optional(list(object({
      capacity_provider = string
      weight            = optional(number, 1)
      base              = optional(number, 0)
    })), [])
    service_connect = optional(list(object({
      port_name      = string
      discovery_name = string
      dns_name       = string
      port           = number
      container_port = number
    })), [])
    load_balancers = optional(list(object({
      target_group      = string
      load_balancer     = string
      container         = string
      container_port    = number
      health_check_port = optional(number)
    })), [])
    ecr_repository_arns = optional(list(string), [])
    task_role_arn       = optional(string, "")
  }))
  default = {}
}

variable "scheduled_tasks" {
  description = "Scheduled tasks (Kubernetes CronJobs) by name; see modules/scheduled-task."
  type = map(object({
    schedule = string
    timezone = optional(string, "UTC")
    enabled  = optional(bool, true)
    task = @@task@@
    containers = @@containers@@
    volumes = optional(@@volumes@@, [])
    ecr_repository_arns = optional(list(string), [])
    task_role_arn       = optional(string, "")
    capacity_provider_strategy = optional(list(object({
      capacity_provider = string
      weight            = optional(number, 1)
      base              = optional(number, 0)
    })), [])
  }))
  default = {}
}

variable "jobs" {
  description = "One-off tasks (Kubernetes Jobs) by name: task definitions to start with `aws ecs run-task` (see the `jobs` output)."
  type = map(object({
    task = @@task@@
    containers = @@containers@@
    volumes = optional(@@volumes@@, [])
    ecr_repository_arns = optional(list(string), [])
    task_role_arn       = optional(string, "")
  }))
  default = {}
}
