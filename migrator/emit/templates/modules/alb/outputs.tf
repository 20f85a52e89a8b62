output "arn" {
  description = "ARN of the load balancer."
  value       = aws_lb.this.arn
}

output "arn_suffix" {
  description = "ARN suffix of the load balancer, for CloudWatch metrics."
  value       = aws_lb.this.arn_suffix
}

output "dns_name" {
  description = "DNS name to point the hosts at (CNAME or alias record)."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Route 53 zone of the load balancer, for alias records."
  value       = aws_lb.this.zone_id
}

output "security_group_id" {
  description = "Security group of the load balancer; tasks admit traffic from it."
  value       = aws_security_group.this.id
}

output "listener_arn" {
  description = "Listener the rules are on (HTTPS when there is a certificate)."
  value       = local.rules_listener_arn
}

# ECS refuses a target group that no listener uses yet, so services wait for the rules.
output "target_groups" {
  description = "Target groups by key: ARN and ARN suffix (for request-count scaling)."
  value       = { for key, tg in aws_lb_target_group.this : key => { arn = tg.arn, arn_suffix = tg.arn_suffix } }
  depends_on  = [aws_lb_listener_rule.this, aws_lb_listener.http, aws_lb_listener.https]
}
