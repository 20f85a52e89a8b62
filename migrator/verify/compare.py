"""Compare a planned service with the live one, model to model, with deepdiff.

Both sides become plain data first: collections of named things are keyed by their name (so
order never matters), fields AWS cannot know are dropped (IGNORED, each with its reason), and
ARNs are reduced to what the plan can name. Every remaining difference is one Drift line:
field path, expected, actual.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from deepdiff import DeepDiff

from migrator.plan import model as p
from migrator.verify import names

ABSENT = "(absent)"

# "Class.field" -> why verify does not compare it.
IGNORED = {
    "ServicePlan.namespace": "Kubernetes namespace: plan metadata, not in AWS",
    "ServicePlan.workload_kind": "Kubernetes kind: plan metadata",
    "ServicePlan.source": "manifest location: plan metadata",
    "ServicePlan.wave": "cutover order: plan metadata",
    "ServicePlan.group": "service group: plan metadata (its capacity providers are compared)",
    "ServicePlan.monthly_cost_usd": "estimate: plan metadata",
    "ServicePlan.cost": "estimate: plan metadata",
    "ServicePlan.count_owner": "derived from autoscaling, which is compared",
    "ServicePlan.health_check": "the traffic mapper copies it into load_balancers[].health_check, compared there",
    "ServicePlan.health_check_container": "the traffic mapper copies it into load_balancers[].health_check",
    "TaskSize.requested_cpu": "Kubernetes requests before rounding to a Fargate size",
    "TaskSize.requested_memory": "Kubernetes requests before rounding to a Fargate size",
    "ScalingPolicy.name": "policies are matched by metric; the AWS name is emit's choice",
    "ScalingPolicy.kubernetes_target": "the HPA target it came from: plan metadata",
    "VolumePlan.efs_access_point": "an emit-side key; AWS holds the generated access point id",
    "VolumePlan.efs_root_directory": "a property of the EFS access point, not of the task",
    "VolumePlan.efs_uid": "a property of the EFS access point, not of the task",
    "VolumePlan.efs_gid": "a property of the EFS access point, not of the task",
    "VolumePlan.size_gib": "what Kubernetes asked for; EFS is elastic",
    "VolumePlan.claim": "the claim it came from: plan metadata",
    "VolumePlan.source": "manifest location: plan metadata",
    "ListenerRule.source": "manifest location: plan metadata",
    "LoadBalancerPlan.name": "matched by tag or name before comparing",
    "LoadBalancerPlan.hosts": "the hosts are compared through the rules' host conditions",
    "LoadBalancerPlan.tls_hosts": "hosts the certificate covers: a property of the ACM certificate",
    "ListenerRule.origin": "the Kubernetes route it reproduces: plan metadata",
    "ServiceConnectEntry.kubernetes_service": "the Service it came from: plan metadata",
    "ServiceConnectEntry.source": "manifest location: plan metadata",
}

# Tuples of named things, compared as mappings keyed by name.
_KEYED = {
    "containers": lambda c: c["name"],
    "secrets": lambda s: s["name"],
    "port_mappings": lambda m: m["name"] or str(m["container_port"]),
    "mount_points": lambda m: m["container_path"],
    "service_connect": lambda e: f"{e['dns_name']}:{e['port']}",
    "load_balancers": lambda t: t["target_group"],
    "policies": lambda x: x["metric"],
    "capacity_provider_strategy": lambda c: c["capacity_provider"],
    "volumes": lambda v: v["name"],
}
_BRACKETED = set(_KEYED) | {"environment", "depends_on"}


@dataclass(frozen=True)
class Drift:
    field: str
    expected: Any
    actual: Any

    def __str__(self) -> str:
        return f"{self.field}: expected {show(self.expected)}, actual {show(self.actual)}"


def show(value: Any) -> str:
    if value == ABSENT:
        return ABSENT
    return json.dumps(value, separators=(", ", ": "), default=str)


def plain(obj: Any, name: str = "") -> Any:
    """Plan object -> comparable plain data (see module docstring)."""
    if dataclasses.is_dataclass(obj):
        cls = type(obj).__name__
        return {f.name: plain(getattr(obj, f.name), f.name) for f in dataclasses.fields(obj)
                if f"{cls}.{f.name}" not in IGNORED}
    if isinstance(obj, (tuple, list)):
        items = [plain(item) for item in obj]
        if name == "depends_on":
            return {container: condition for container, condition in items}
        if name in _KEYED:
            return {_KEYED[name](item): item for item in items}
        return items
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    return obj


def align_secrets(expected: p.ServicePlan, live: p.ServicePlan) -> p.ServicePlan:
    """Live secret references that name the planned secret take the plan's spelling."""
    planned = {c.name: c for c in expected.containers}

    def aligned(container: p.ContainerPlan) -> p.ContainerPlan:
        want = planned.get(container.name)
        if want is None:
            return container
        refs = {s.name: s.value_from for s in want.secrets}
        secrets = tuple(p.SecretRef(s.name, refs[s.name]) if s.name in refs and names.same_secret(
            refs[s.name], s.value_from) else s for s in container.secrets)
        credentials = want.repository_credentials if names.same_secret(
            want.repository_credentials, container.repository_credentials) else container.repository_credentials
        return dataclasses.replace(container, secrets=secrets, repository_credentials=credentials)

    return dataclasses.replace(live, containers=tuple(aligned(c) for c in live.containers))


def service_drifts(expected: p.ServicePlan, live: p.ServicePlan) -> list[Drift]:
    left, right = plain(expected), plain(align_secrets(expected, live))
    if not expected.load_balancers:  # ECS uses the grace period only with load balancers; emit omits it
        left["deployment"].pop("health_check_grace_period")
        right["deployment"].pop("health_check_grace_period")
    drifts: list[Drift] = []
    if expected.autoscaling is not None:
        left.pop("desired_count")
        right.pop("desired_count")
        drifts += _desired_in_range(live)
    if not expected.task_role_arn:  # emit creates a per-service role; its ARN is AWS's
        left.pop("task_role_arn")
        right.pop("task_role_arn")
    return drifts + diff(left, right)


def _desired_in_range(live: p.ServicePlan) -> list[Drift]:
    scaling = live.autoscaling
    if scaling is None:
        return []
    if live.desired_count < scaling.min_capacity:
        return [Drift("desired_count", f">= {scaling.min_capacity} (autoscaling min_capacity)", live.desired_count)]
    if live.desired_count > scaling.max_capacity:
        return [Drift("desired_count", f"<= {scaling.max_capacity} (autoscaling max_capacity)", live.desired_count)]
    return []


def diff(expected: Any, actual: Any) -> list[Drift]:
    """One Drift per differing field of two plain values; a list of scalars (command, args,
    hosts) is reported whole rather than item by item."""
    if expected == actual:  # the common case, and far cheaper than building deepdiff's tree
        return []
    tree = DeepDiff(expected, actual, view="tree", ignore_numeric_type_changes=True, threshold_to_diff_deeper=0)
    paths: dict[tuple, None] = {}
    for levels in tree.values():
        for level in levels:
            path = tuple(level.path(output_format="list"))
            cut = next((i for i, part in enumerate(path) if isinstance(part, int)), len(path))
            paths[path[:cut]] = None
    return [Drift(field_path(path), _at(expected, path), _at(actual, path)) for path in sorted(paths, key=str)]


def _at(value: Any, path: tuple) -> Any:
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return ABSENT
        value = value[part]
    return value


def field_path(path: tuple) -> str:
    """('containers', 'api', 'environment', 'PORT') -> 'containers[api].environment[PORT]'."""
    out, key_next = "", False
    for part in path:
        if key_next:
            out += f"[{part}]"
            key_next = False
        else:
            out += ("." if out else "") + str(part)
            key_next = part in _BRACKETED
    return out
