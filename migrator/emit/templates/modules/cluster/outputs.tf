# Services may name FARGATE_SPOT only once the cluster has it, so users of the cluster wait for
# the capacity providers.
output "arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
  depends_on  = [aws_ecs_cluster_capacity_providers.this]
}

output "name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
  depends_on  = [aws_ecs_cluster_capacity_providers.this]
}

output "service_connect_namespace_arn" {
  description = "ARN of the Service Connect (Cloud Map HTTP) namespace."
  value       = aws_service_discovery_http_namespace.this.arn
}

output "peers_security_group_id" {
  description = "Security group every task joins; services admit Service Connect traffic from it."
  value       = aws_security_group.peers.id
}

output "exec_log_group_arn" {
  description = "Log group of ECS Exec sessions (task roles need write access to it)."
  value       = aws_cloudwatch_log_group.exec.arn
}
