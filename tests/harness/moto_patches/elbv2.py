"""ELBv2: deletion protection, and idempotent creates.

Gap (moto 5.x): DeleteLoadBalancer deletes a load balancer whose `deletion_protection.enabled`
attribute is true; AWS refuses with OperationNotPermitted. Without this, an end-to-end
`terraform destroy` of a production environment would pass against moto and fail on AWS.

Gap (moto 5.x): CreateTargetGroup fails when called again with the same settings, and
CreateListener adds a second listener on a port that has one (its duplicate check compares
the port with listener ARNs); AWS documents both as idempotent ("each call succeeds") and
refuses a different listener on a taken port with DuplicateListener. When a request is retried
(the provider retries after a slow or failed answer on a loaded machine), moto answered
DuplicateTargetGroupName and the apply failed where AWS would have carried on.
"""

from __future__ import annotations

from moto.elbv2.exceptions import DuplicateListenerError, ELBClientError
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


def _idempotent_target_group(original):
    def create_target_group(self: ELBv2Backend, name: str, **kwargs):
        for existing in self.target_groups.values():
            if existing.name == name and _same_target_group(existing, kwargs):
                return existing
        return original(self, name, **kwargs)

    create_target_group.harness_patched = True
    return create_target_group


def _same_target_group(existing, requested: dict) -> bool:
    return (existing.vpc_id, str(existing.port), existing.protocol, existing.target_type) == (
        requested.get("vpc_id"), str(requested.get("port")), requested.get("protocol"),
        requested.get("target_type"))


def _idempotent_listener(original):
    def create_listener(self: ELBv2Backend, load_balancer_arn: str, protocol: str, port: str,
                        *args, **kwargs):
        balancer = self.load_balancers.get(load_balancer_arn)
        on_port = [item for item in (balancer.listeners.values() if balancer else ())
                   if str(item.port) == str(port)]
        if on_port and on_port[0].protocol == protocol:
            return on_port[0]
        if on_port:
            raise DuplicateListenerError()
        return original(self, load_balancer_arn, protocol, port, *args, **kwargs)

    create_listener.harness_patched = True
    return create_listener


def idempotent_creates() -> None:
    if not getattr(ELBv2Backend.create_target_group, "harness_patched", False):
        ELBv2Backend.create_target_group = _idempotent_target_group(ELBv2Backend.create_target_group)
    if not getattr(ELBv2Backend.create_listener, "harness_patched", False):
        ELBv2Backend.create_listener = _idempotent_listener(ELBv2Backend.create_listener)


def enforce_deletion_protection() -> None:
    if not getattr(ELBv2Backend.delete_load_balancer, "harness_patched", False):
        ELBv2Backend.delete_load_balancer = _protected_delete(ELBv2Backend.delete_load_balancer)
