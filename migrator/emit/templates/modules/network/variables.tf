variable "name" {
  description = "Name of the VPC and prefix of everything in it, for example `shop-prod`."
  type        = string
}

variable "cidr_block" {
  description = "IPv4 range of a new VPC. Public /24s and private /20s are carved from it, so use a /16."
  type        = string
  default     = "10.0.0.0/16"
}

variable "az_count" {
  description = "Availability zones to spread subnets (and so tasks) over."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 1 && var.az_count <= 6
    error_message = "az_count must be between 1 and 6."
  }
}

variable "availability_zones" {
  description = "Zones to use, for example [\"us-east-1a\", \"us-east-1b\"]. Empty: the first `az_count` zones of the region."
  type        = list(string)
  default     = []
}

variable "nat_gateway_count" {
  description = "NAT gateways for the private subnets: one per AZ for resilience, 1 to save cost, 0 for none (tasks then need VPC endpoints to pull images)."
  type        = number
  default     = 1

  validation {
    condition     = var.nat_gateway_count >= 0
    error_message = "nat_gateway_count cannot be negative."
  }
}

variable "existing_vpc" {
  description = "Use this VPC and its subnets instead of creating one. Null creates a VPC."
  type = object({
    id                 = string
    public_subnet_ids  = list(string)
    private_subnet_ids = list(string)
  })
  default = null
}

variable "flow_log_retention_days" {
  description = "Days to keep VPC flow logs of a new VPC."
  type        = number
  default     = 30
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the flow log group. Null uses CloudWatch's own encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource, on top of the provider's default tags."
  type        = map(string)
  default     = {}
}
