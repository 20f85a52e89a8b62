"""EC2 security group rules: descriptions of rules that reference another security group.

Gap (moto 5.x): DescribeSecurityGroupRules reports `Description` only for CIDR rules; a rule
whose source is a security group (`referenced_security_group_id`) comes back without the
description it was created with, so every such `aws_vpc_security_group_ingress_rule` shows a
change in `terraform plan` after apply.
"""

from __future__ import annotations

from moto.ec2.models.security_groups import SecurityGroupRule


def _description(self: SecurityGroupRule) -> str | None:
    for origin in (self.ip_range, self.source_group):
        if origin and origin.get("Description") is not None:
            return origin["Description"]
    return None


def describe_referenced_rules() -> None:
    SecurityGroupRule.description = property(_description)
