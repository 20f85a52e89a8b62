variable "name" {
  description = "Cluster name, for example `shop-prod`."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the tasks (for the Service Connect peers security group)."
  type        = string
}

variable "service_connect_namespace" {
  description = "Cloud Map HTTP namespace for Service Connect, for example `prod.shop.internal`."
  type        = string
}

variable "container_insights" {
  description = "Collect CloudWatch Container Insights metrics for the cluster."
  type        = bool
  default     = true
}

variable "default_capacity_provider_strategy" {
  description = "Capacity provider strategy for tasks that do not set their own."
  type = list(object({
    capacity_provider = string
    weight            = optional(number, 1)
    base              = optional(number, 0)
  }))
  default = [{ capacity_provider = "FARGATE" }]
}

variable "log_retention_days" {
  description = "Days to keep ECS Exec session logs."
  type        = number
  default     = 30
}

variable "kms_key_arn" {
  description = "KMS key for ECS Exec sessions and their logs (its policy must let CloudWatch Logs use it)."
  type        = string
}

variable "tags" {
  description = "Tags for every resource, on top of the provider's default tags."
  type        = map(string)
  default     = {}
}
