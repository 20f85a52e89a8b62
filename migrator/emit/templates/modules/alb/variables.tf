variable "name" {
  description = "Load balancer name and prefix of its target groups, for example `shop-prod-main`."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the load balancer and its targets."
  type        = string
}

variable "vpc_cidr_block" {
  description = "IPv4 range of the VPC: the load balancer may send traffic only there."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets of the load balancer (public ones for an internet-facing one), in at least two AZs."
  type        = list(string)
}

variable "internal" {
  description = "Make the load balancer reachable only from inside the VPC."
  type        = bool
  default     = false
}

variable "ingress_cidr_blocks" {
  description = "Who may connect to the listeners."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "certificate_arn" {
  description = "ACM certificate for the HTTPS listener. Empty: HTTP only, no redirect."
  type        = string
  default     = ""
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener (TLS 1.3 with TLS 1.2 fallback by default)."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "deletion_protection" {
  description = "Refuse to delete the load balancer until this is turned off."
  type        = bool
  default     = false
}

variable "idle_timeout" {
  description = "Seconds a connection may stay idle."
  type        = number
  default     = 60
}

variable "access_logs" {
  description = "S3 bucket (and prefix) for access logs. Null: no access logs."
  type = object({
    bucket = string
    prefix = optional(string, "")
  })
  default = null
}

variable "web_acl_arn" {
  description = "WAFv2 web ACL to associate with the load balancer. Null: none."
  type        = string
  default     = null
}

variable "redirect_http_to_https" {
  description = "With a certificate: port 80 redirects to HTTPS, except the rules marked `http`."
  type        = bool
  default     = false
}

variable "default_action" {
  description = "What requests no rule matches get: a weighted forward to target groups (keys of `target_groups`), else a fixed response with this status."
  type = object({
    targets = optional(list(object({
      target_group = string
      weight       = optional(number, 1)
    })), [])
    fixed_response = optional(number, 404)
  })
  default = {}
}

variable "target_groups" {
  description = "Target groups by key: the container port of a service (`service` is for tags and review)."
  type = map(object({
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
  }))
  default = {}
}

variable "rules" {
  description = "Listener rules by key, with the planned priorities (lower wins): a weighted forward to target groups, or a fixed response. `http` also serves the rule on port 80 when there is HTTPS."
  type = map(object({
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
  }))
  default = {}
}

variable "tags" {
  description = "Tags for every resource, on top of the provider's default tags."
  type        = map(string)
  default     = {}
}
