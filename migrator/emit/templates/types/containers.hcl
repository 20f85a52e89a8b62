list(object({
  name      = string
  image     = string
  essential = optional(bool, true)
  command   = optional(list(string), [])
  args      = optional(list(string), [])
  port_mappings = optional(list(object({
    name           = string
    container_port = number
    protocol       = optional(string, "tcp")
    app_protocol   = optional(string, "")
  })), [])
  environment = optional(map(string), {})
  secrets = optional(list(object({
    name       = string
    secret     = optional(string)
    key        = optional(string, "")
    value_from = optional(string)
  })), [])
  cpu                = optional(number, 0)
  memory             = optional(number)
  memory_reservation = optional(number)
  health_check = optional(object({
    command      = list(string)
    interval     = optional(number, 30)
    timeout      = optional(number, 5)
    retries      = optional(number, 3)
    start_period = optional(number, 0)
  }))
  user                     = optional(string, "")
  readonly_root_filesystem = optional(bool, false)
  working_directory        = optional(string, "")
  mount_points = optional(list(object({
    source_volume  = string
    container_path = string
    read_only      = optional(bool, false)
  })), [])
  dependencies = optional(list(object({
    container = string
    condition = string
  })), [])
  stop_timeout           = optional(number)
  repository_credentials = optional(string, "")
  capabilities_add       = optional(list(string), [])
}))
