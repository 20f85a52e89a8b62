output "schedule_arn" {
  description = "ARN of the EventBridge Scheduler schedule."
  value       = aws_scheduler_schedule.this.arn
}

output "task_definition_arn" {
  description = "ARN of the task definition the schedule runs."
  value       = module.task.arn
}

output "task_role_arn" {
  description = "Role the job runs as: grant it what the job calls in AWS."
  value       = module.task.task_role_arn
}

output "log_group_name" {
  description = "Log group of the containers."
  value       = module.task.log_group_name
}
