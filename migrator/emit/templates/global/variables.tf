variable "project" {
  description = "Project name: the prefix of the repositories and the key alias."
  type        = string
}

variable "region" {
  description = "AWS region of the shared resources."
  type        = string
}

variable "tags" {
  description = "Extra tags for every resource (Project and ManagedBy are always set)."
  type        = map(string)
  default     = {}
}

variable "repositories" {
  description = "ECR repositories to create, one per service and scheduled task, as `<project>/<name>`."
  type        = list(string)
  default     = []
}

variable "keep_images" {
  description = "Images each repository keeps; older ones expire."
  type        = number
  default     = 30
}

variable "state_bucket" {
  description = "S3 bucket for the Terraform state of the environments (names are global: change it if taken)."
  type        = string
}

variable "state_version_retention_days" {
  description = "Days to keep superseded versions of state files."
  type        = number
  default     = 90
}

variable "lock_table" {
  description = "DynamoDB table for Terraform state locks."
  type        = string
}
