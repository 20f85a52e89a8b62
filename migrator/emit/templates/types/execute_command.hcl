object({
  log_group_arn = string
  kms_key_arn   = optional(string)
})
