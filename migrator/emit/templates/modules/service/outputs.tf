output "name" {
  description = "ECS service name."
  value       = var.name
}

output "arn" {
  description = "ARN of the ECS service."
  value       = one(concat(aws_ecs_service.this[*].id, aws_ecs_service.autoscaled[*].id))
}

output "task_definition_arn" {
  description = "ARN of the task definition revision the service runs."
  value       = module.task.arn
}

output "task_role_arn" {
  description = "Role the application runs as: grant it what the application calls in AWS."
  value       = module.task.task_role_arn
}

output "security_group_id" {
  description = "Security group of the tasks."
  value       = aws_security_group.this.id
}

output "log_group_name" {
  description = "Log group of the containers."
  value       = module.task.log_group_name
}
