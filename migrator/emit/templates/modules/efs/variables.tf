variable "name" {
  description = "Name of the file system, for example `shop-prod`."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the tasks."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the tasks: one mount target in each."
  type        = list(string)
}

variable "client_security_group_id" {
  description = "Security group of the tasks that may mount the file system."
  type        = string
}

variable "access_points" {
  description = "Access points by key, one per Kubernetes volume claim: root directory and the POSIX user files are created as."
  type = map(object({
    root_directory = string
    uid            = optional(number)
    gid            = optional(number)
  }))
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the file system."
  type        = string
}

variable "tags" {
  description = "Tags for every resource, on top of the provider's default tags."
  type        = map(string)
  default     = {}
}
