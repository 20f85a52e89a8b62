list(object({
  name             = string
  kind             = optional(string, "task")
  efs_access_point = optional(string, "")
}))
