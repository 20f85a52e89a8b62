output "repository_urls" {
  description = "Push images here: `docker push <url>:<tag>` (tags are immutable)."
  value       = { for name, repo in aws_ecr_repository.this : name => repo.repository_url }
}

output "state_bucket" {
  description = "S3 bucket of the environments' state."
  value       = aws_s3_bucket.state.bucket
}

output "lock_table" {
  description = "DynamoDB table of the state locks."
  value       = aws_dynamodb_table.lock.name
}

output "kms_key_arn" {
  description = "KMS key of the images and the state."
  value       = aws_kms_key.this.arn
}
