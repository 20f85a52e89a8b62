variable "name" {
  description = "ECS service name: the Kubernetes workload name."
  type        = string
}

variable "family" {
  description = "Task definition family and prefix of the service's other resources, for example `shop-prod-cart`."
  type        = string
}

variable "region" {
  description = "AWS region the logs are written in."
  type        = string
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster."
  type        = string
}

variable "cluster_name" {
  description = "Name of the ECS cluster (for the autoscaling resource ID)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the tasks."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the tasks."
  type        = list(string)
}

variable "peers_security_group_id" {
  description = "Security group of all tasks in the namespace: the only source of Service Connect traffic."
  type        = string
}

variable "service_connect_namespace_arn" {
  description = "Service Connect namespace. Every service joins it as a client; `service_connect` makes it a server too."
  type        = string
}

variable "service_connect" {
  description = "Names this service answers to: the Kubernetes Service name and port as client alias, mapped to a named container port."
  type = list(object({
    port_name      = string
    discovery_name = string
    dns_name       = string
    port           = number
    container_port = number
  }))
  default = []
}

variable "task" {
  description = "Task size; see the task-definition module."
  type = @@task@@
}

variable "containers" {
  description = "Containers of the task; see the task-definition module."
  type = @@containers@@
}

variable "volumes" {
  description = "Task volumes; see the task-definition module."
  type = @@volumes@@
  default = []
}

variable "efs" {
  description = "EFS file system and access point IDs by key, for the `efs` volumes. Null: none."
  type = object({
    file_system_id   = string
    access_point_ids = map(string)
  })
  default = null
}

variable "secret_arns" {
  description = "Secrets Manager ARNs by secret name."
  type        = map(string)
  default     = {}
}

variable "ecr_repository_arns" {
  description = "ECR repositories the images come from."
  type        = list(string)
  default     = []
}

variable "task_role_arn" {
  description = "Existing IAM role for the application. Empty creates one with no permissions."
  type        = string
  default     = ""
}

variable "execute_command" {
  description = "ECS Exec settings of the cluster. Null turns ECS Exec off for this service."
  type = @@execute_command@@
  default = null
}

variable "log_group_name" {
  description = "CloudWatch log group of the containers and the Service Connect proxy."
  type        = string
}

variable "log_retention_days" {
  description = "Days to keep logs."
  type        = number
  default     = 30
}

variable "kms_key_arn" {
  description = "KMS key of the log group and the secrets."
  type        = string
  default     = null
}

variable "desired_count" {
  description = "Tasks to run. With `autoscaling` this is only the starting count."
  type        = number
  default     = 1
}

variable "autoscaling" {
  description = "Target tracking autoscaling. Null: the task count is fixed at `desired_count`."
  type = object({
    min_capacity = number
    max_capacity = number
    policies = optional(map(object({
      metric             = optional(string)
      custom_metric      = optional(object({ namespace = string, name = string, statistic = optional(string, "Average") }))
      target_value       = number
      scale_in_cooldown  = optional(number, 300)
      scale_out_cooldown = optional(number, 60)
    })), {})
  })
  default = null
}

variable "deployment" {
  description = "Rolling deployment settings; the circuit breaker rolls a failed deployment back."
  type = object({
    minimum_healthy_percent   = optional(number, 100)
    maximum_percent           = optional(number, 200)
    circuit_breaker           = optional(bool, true)
    rollback                  = optional(bool, true)
    health_check_grace_period = optional(number, 0)
  })
  default = {}
}

variable "capacity_provider_strategy" {
  description = "FARGATE / FARGATE_SPOT split of the tasks."
  type = list(object({
    capacity_provider = string
    weight            = optional(number, 1)
    base              = optional(number, 0)
  }))
  default = [{ capacity_provider = "FARGATE" }]
}

variable "load_balancers" {
  description = "Target groups (keys of `target_groups`) this service registers with, the container port they send to, and the health check port when it is another one."
  type = list(object({
    target_group      = string
    load_balancer     = string
    container         = string
    container_port    = number
    health_check_port = optional(number)
  }))
  default = []
}

variable "target_groups" {
  description = "Target groups of all load balancers by key (ARN and ARN suffix)."
  type = map(object({
    arn        = string
    arn_suffix = string
  }))
  default = {}
}

variable "load_balancer_security_group_ids" {
  description = "Security group of each load balancer by key."
  type        = map(string)
  default     = {}
}

variable "load_balancer_arn_suffixes" {
  description = "ARN suffix of each load balancer by key (for request-count scaling)."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Tags for every resource, on top of the provider's default tags."
  type        = map(string)
  default     = {}
}
