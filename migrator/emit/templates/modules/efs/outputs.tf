# Tasks can mount only once a mount target exists in their subnet, so users wait for them.
output "file_system_id" {
  description = "ID of the file system."
  value       = aws_efs_file_system.this.id
  depends_on  = [aws_efs_mount_target.this]
}

output "access_point_ids" {
  description = "Access point ID by key."
  value       = { for key, ap in aws_efs_access_point.this : key => ap.id }
  depends_on  = [aws_efs_mount_target.this]
}
