"""EC2 security group rules: descriptions of group-referencing rules, and the error for an
unknown rule id.

Gap (moto 5.x): DescribeSecurityGroupRules reports `Description` only for CIDR rules; a rule
whose source is a security group (`referenced_security_group_id`) comes back without the
description it was created with, so every such `aws_vpc_security_group_ingress_rule` shows a
change in `terraform plan` after apply.
"""

from __future__ import annotations

from moto.ec2.exceptions import InvalidSecurityGroupRuleIdNotFoundError
from moto.ec2.models.security_groups import SecurityGroupBackend, SecurityGroupRule


def _description(self: SecurityGroupRule) -> str | None:
    for origin in (self.ip_range, self.source_group):
        if origin and origin.get("Description") is not None:
            return origin["Description"]
    return None


def describe_referenced_rules() -> None:
    SecurityGroupRule.description = property(_description)


# Gap (moto 5.x): RevokeSecurityGroupIngress/Egress by SecurityGroupRuleIds answers an unknown
# rule id with InvalidPermission.NotFound; AWS answers InvalidSecurityGroupRuleId.NotFound,
# which the provider takes as "already deleted". Under load a client retries a revoke whose
# first attempt succeeded, and moto's code then failed `terraform destroy`.
def _known_rule_ids(revoke, direction: str):
    def checked(self, group_name_or_id, *args, security_rule_ids=None, vpc_id=None, **kwargs):
        group = self.get_security_group_by_name_or_id(group_name_or_id, vpc_id)
        if group is not None and security_rule_ids:
            known = {rule.id for rule in getattr(group, f"{direction}_rules")}
            for rule_id in security_rule_ids:
                if rule_id not in known:
                    raise InvalidSecurityGroupRuleIdNotFoundError(rule_id)
        return revoke(self, group_name_or_id, *args, security_rule_ids=security_rule_ids,
                      vpc_id=vpc_id, **kwargs)

    checked.harness_patched = True
    return checked


def revoke_unknown_rule_ids_like_aws() -> None:
    for direction in ("ingress", "egress"):
        name = f"revoke_security_group_{direction}"
        if not getattr(getattr(SecurityGroupBackend, name), "harness_patched", False):
            setattr(SecurityGroupBackend, name, _known_rule_ids(getattr(SecurityGroupBackend, name), direction))
