variable "name" {
  description = "Job name: the Kubernetes CronJob name."
  type        = string
}

variable "family" {
  description = "Task definition family and prefix of the job's other resources, for example `shop-prod-report`."
  type        = string
}

variable "region" {
  description = "AWS region the logs are written in."
  type        = string
}

variable "schedule" {
  description = "EventBridge Scheduler expression: `cron(...)` or `rate(...)`."
  type        = string
}

variable "timezone" {
  description = "IANA time zone the cron expression is read in."
  type        = string
  default     = "UTC"
}

variable "enabled" {
  description = "Run on schedule (false keeps the schedule but pauses it, like a suspended CronJob)."
  type        = bool
  default     = true
}

variable "retry_attempts" {
  description = "Times the scheduler retries a run that could not start."
  type        = number
  default     = 2
}

variable "capacity_provider_strategy" {
  description = "FARGATE / FARGATE_SPOT split of the runs. Empty: FARGATE."
  type = list(object({
    capacity_provider = string
    weight            = optional(number, 1)
    base              = optional(number, 0)
  }))
  default = []
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster the job runs in."
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
  description = "Security group of all tasks in the namespace, so the job may call the services."
  type        = string
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
  description = "Existing IAM role for the job. Empty creates one with no permissions."
  type        = string
  default     = ""
}

variable "log_group_name" {
  description = "CloudWatch log group of the containers."
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

variable "tags" {
  description = "Tags for every resource, on top of the provider's default tags."
  type        = map(string)
  default     = {}
}
