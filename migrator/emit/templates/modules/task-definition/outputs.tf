output "arn" {
  description = "ARN of the task definition revision."
  value       = aws_ecs_task_definition.this.arn
}

output "family" {
  description = "Task definition family."
  value       = aws_ecs_task_definition.this.family
}

output "task_role_arn" {
  description = "Role the application runs as."
  value       = local.task_role_arn
}

output "execution_role_arn" {
  description = "Role the ECS agent uses to start the task."
  value       = aws_iam_role.execution.arn
}

output "log_group_name" {
  description = "Log group of the containers."
  value       = aws_cloudwatch_log_group.this.name
}
