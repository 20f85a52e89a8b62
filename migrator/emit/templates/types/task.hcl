object({
  cpu                   = number
  memory                = number
  cpu_architecture      = optional(string, "X86_64")
  operating_system      = optional(string, "LINUX")
  ephemeral_storage_gib = optional(number, 20)
})
