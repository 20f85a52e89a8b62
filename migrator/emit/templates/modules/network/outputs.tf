output "vpc_id" {
  description = "ID of the VPC the environment runs in."
  value       = local.create ? aws_vpc.this[0].id : var.existing_vpc.id
}

output "vpc_cidr_block" {
  description = "IPv4 range of the VPC."
  value       = local.create ? aws_vpc.this[0].cidr_block : data.aws_vpc.existing[0].cidr_block
}

output "public_subnet_ids" {
  description = "Subnets for internet-facing load balancers."
  value       = local.create ? aws_subnet.public[*].id : var.existing_vpc.public_subnet_ids
}

output "private_subnet_ids" {
  description = "Subnets for tasks: no public IPs, internet through NAT."
  value       = local.create ? aws_subnet.private[*].id : var.existing_vpc.private_subnet_ids
}

output "nat_public_ips" {
  description = "Public addresses of the NAT gateways (what third parties see from the tasks)."
  value       = aws_eip.nat[*].public_ip
}
