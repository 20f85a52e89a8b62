output "cluster_name" {
  description = "ECS cluster of the environment."
  value       = module.cluster.name
}

output "vpc_id" {
  description = "VPC the environment runs in."
  value       = module.network.vpc_id
}

output "nat_public_ips" {
  description = "Addresses the tasks call out from (for allow-lists of third parties)."
  value       = module.network.nat_public_ips
}

output "load_balancers" {
  description = "DNS name and zone of each load balancer: point the hosts at them at cutover."
  value       = { for key, alb in module.alb : key => { dns_name = alb.dns_name, zone_id = alb.zone_id } }
}

output "secret_arns" {
  description = "Secrets Manager ARNs by name: load the values into these (see README.md)."
  value       = { for name, secret in aws_secretsmanager_secret.this : name => secret.arn }
}

output "task_role_arns" {
  description = "Application role of each service and scheduled task: grant them what the code calls in AWS."
  value = merge(
    { for name, service in module.service : name => service.task_role_arn },
    { for name, job in module.scheduled_task : name => job.task_role_arn },
  )
}

output "jobs" {
  description = "How to start each one-off job: `aws ecs run-task --cluster <cluster> --task-definition <task_definition> --launch-type FARGATE --network-configuration '<network_configuration>'`."
  value = {
    for name, job in module.job : name => {
      cluster         = module.cluster.name
      task_definition = job.arn
      network_configuration = jsonencode({
        awsvpcConfiguration = {
          subnets        = module.network.private_subnet_ids
          securityGroups = [aws_security_group.jobs[0].id, module.cluster.peers_security_group_id]
          assignPublicIp = "DISABLED"
        }
      })
    }
  }
}
