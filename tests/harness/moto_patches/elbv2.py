"""ELBv2: deletion protection.

Gap (moto 5.x): DeleteLoadBalancer deletes a load balancer whose `deletion_protection.enabled`
attribute is true; AWS refuses with OperationNotPermitted. Without this, an end-to-end
`terraform destroy` of a production environment would pass against moto and fail on AWS.
"""

from __future__ import annotations

from moto.elbv2.exceptions import ELBClientError
from moto.elbv2.models import ELBv2Backend


class OperationNotPermitted(ELBClientError):
    def __init__(self, arn: str) -> None:
        super().__init__(
            "OperationNotPermitted",
            f"Load balancer '{arn}' cannot be deleted because deletion protection is enabled")


def _protected_delete(original):
    def delete_load_balancer(self: ELBv2Backend, arn: str) -> None:
        balancer = self.load_balancers.get(arn)
        if balancer is not None and balancer.attrs.get("deletion_protection.enabled") == "true":
            raise OperationNotPermitted(arn)
        return original(self, arn)

    delete_load_balancer.harness_patched = True
    return delete_load_balancer


def enforce_deletion_protection() -> None:
    if not getattr(ELBv2Backend.delete_load_balancer, "harness_patched", False):
        ELBv2Backend.delete_load_balancer = _protected_delete(ELBv2Backend.delete_load_balancer)
