# Shared storage for the Kubernetes volumes that outlive a pod (PersistentVolumeClaims). Each
# claim becomes an access point: its own root directory, owned by the user the pod ran as.
resource "aws_efs_file_system" "this" {
  creation_token   = var.name
  encrypted        = true
  kms_key_id       = var.kms_key_arn
  performance_mode = "generalPurpose"
  throughput_mode  = "elastic"

  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_efs_backup_policy" "this" {
  file_system_id = aws_efs_file_system.this.id

  backup_policy {
    status = "ENABLED"
  }
}

resource "aws_security_group" "this" {
  name        = "${var.name}-efs"
  description = "EFS ${var.name}: NFS from the tasks only."
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-efs" })
}

resource "aws_vpc_security_group_ingress_rule" "nfs" {
  security_group_id            = aws_security_group.this.id
  description                  = "NFS from the tasks"
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  referenced_security_group_id = var.client_security_group_id
}

resource "aws_efs_mount_target" "this" {
  count = length(var.subnet_ids)

  file_system_id  = aws_efs_file_system.this.id
  subnet_id       = var.subnet_ids[count.index]
  security_groups = [aws_security_group.this.id]
}

resource "aws_efs_access_point" "this" {
  for_each = var.access_points

  file_system_id = aws_efs_file_system.this.id

  root_directory {
    path = each.value.root_directory

    creation_info {
      owner_uid   = coalesce(each.value.uid, 0)
      owner_gid   = coalesce(each.value.gid, 0)
      permissions = "0755"
    }
  }

  dynamic "posix_user" {
    for_each = each.value.uid == null ? [] : [each.value]

    content {
      uid = posix_user.value.uid
      gid = coalesce(posix_user.value.gid, posix_user.value.uid)
    }
  }

  tags = merge(var.tags, { Name = each.key })
}
