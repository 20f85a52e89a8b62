variable "name" {
  description = "Task definition family, also the prefix of its roles, for example `shop-prod-cart`."
  type        = string
}

variable "region" {
  description = "AWS region the logs are written in."
  type        = string
}

variable "task" {
  description = "Task size in CPU units (1024 = 1 vCPU) and MiB, on a valid Fargate combination."
  type = @@task@@
}

variable "containers" {
  description = "Containers of the task. `command` is the Kubernetes command (ECS entryPoint) and `args` the Kubernetes args (ECS command). A secret names either `secret` (a key of `secret_arns`) and its JSON `key`, or a full `value_from`."
  type = @@containers@@
}

variable "volumes" {
  description = "Task volumes: `task` (scratch space that lives as long as the task) or `efs` (an EFS access point)."
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
  description = "Secrets Manager ARNs by secret name, for the containers' `secret` references."
  type        = map(string)
  default     = {}
}

variable "ecr_repository_arns" {
  description = "ECR repositories the images come from; the execution role may pull from these only."
  type        = list(string)
  default     = []
}

variable "task_role_arn" {
  description = "Existing IAM role for the application. Empty creates a role with no permissions (ECS Exec aside)."
  type        = string
  default     = ""
}

variable "execute_command" {
  description = "ECS Exec settings of the cluster: the session log group and KMS key. Null disables ECS Exec permissions."
  type = @@execute_command@@
  default = null
}

variable "log_group_name" {
  description = "CloudWatch log group of the containers."
  type        = string
}

variable "log_retention_days" {
  description = "Days to keep container logs."
  type        = number
  default     = 30
}

variable "kms_key_arn" {
  description = "KMS key of the log group and the secrets. Null uses AWS-owned encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource, on top of the provider's default tags."
  type        = map(string)
  default     = {}
}
