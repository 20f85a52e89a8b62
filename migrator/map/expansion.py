"""What a container sees in its environment that ECS will not compute for it: `$(VAR)`
references, the downward API (`fieldRef`) and container resources (`resourceFieldRef`).

Kubernetes resolves these when it starts the pod; ECS passes environment values and commands
through as written. So every value that is static is resolved here, and every value that only
exists at run time is reported with the ECS way to get it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable

from migrator.model.objects import Container, Workload
from migrator.model.quantity import QuantityError, parse_quantity
from migrator.plan.model import TaskSize

_METADATA = "the ECS task metadata endpoint (${ECS_CONTAINER_METADATA_URI_V4}/task)"
# fieldRef paths whose value exists only once the pod runs, with where the value lives on ECS.
RUNTIME_FIELDS = {
    "metadata.name": f"the task ID: read TaskARN from {_METADATA}",
    "metadata.uid": f"the task ID: read TaskARN from {_METADATA}",
    "spec.nodeName": f"Fargate has no nodes; read AvailabilityZone from {_METADATA}",
    "status.hostIP": f"Fargate has no host address to reach; read the task address from {_METADATA}",
    "status.hostIPs": f"Fargate has no host address to reach; read the task address from {_METADATA}",
    "status.podIP": f"read Containers[].Networks[].IPv4Addresses from {_METADATA} "
                    "(in awsvpc mode every container shares the task's address)",
    "status.podIPs": f"read Containers[].Networks[].IPv4Addresses from {_METADATA}",
}
# Labels Kubernetes controllers add to running pods: not in the template, so not static.
RUNTIME_LABELS = {"pod-template-hash", "controller-revision-hash", "statefulset.kubernetes.io/pod-name",
                  "apps.kubernetes.io/pod-index", "controller-uid", "batch.kubernetes.io/controller-uid",
                  "job-name", "batch.kubernetes.io/job-name", "batch.kubernetes.io/job-completion-index"}
_META_KEY = re.compile(r"""^metadata\.(labels|annotations)\[['"](.+)['"]\]$""")


@dataclass(frozen=True)
class Resolved:
    """A static value (`value`), or why there is none (`problem`, for a finding)."""

    value: str | None = None
    problem: str = ""
    code: str = ""


def expand(text: str, lookup: Callable[[str], str | None]) -> str:
    """Kubernetes `$(VAR)` expansion (k8s.io/kubernetes third_party/forked/golang/expansion):
    `$$` is a literal `$`; `$(NAME)` is replaced when lookup(NAME) is not None and kept verbatim
    otherwise; a `$` that starts neither is kept, and so is an unclosed `$(`."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch != "$" or i + 1 == n:
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "$":
            out.append("$")
            i += 2
        elif nxt == "(":
            close = text.find(")", i + 2)
            if close < 0:
                out.append("$(")
                i += 2
                continue
            name = text[i + 2:close]
            value = lookup(name)
            out.append(f"$({name})" if value is None else value)
            i = close + 1
        else:
            out.append("$" + nxt)
            i += 2
    return "".join(out)


def references(text: str) -> list[str]:
    """The variable names `$(...)` in text refers to, as `expand` reads them."""
    found: list[str] = []

    def record(name: str) -> None:
        found.append(name)
        return None

    expand(text, record)
    return found


def field_ref_value(workload: Workload, field_path: str) -> Resolved:
    """The value of a downward-API `fieldRef` when it is the same for every replica."""
    pod = workload.pod
    if field_path == "metadata.namespace":
        return Resolved(workload.namespace)
    if field_path == "metadata.name" and workload.kind == "Pod":
        return Resolved(workload.name)
    if field_path == "spec.serviceAccountName":
        return Resolved(pod.service_account or "default")
    match = _META_KEY.match(field_path)
    if match:
        table, key = match.groups()
        if table == "labels" and key in RUNTIME_LABELS:
            return Resolved(problem=f"label {key} is set by Kubernetes on the running pod; ECS has no "
                                    f"equivalent: read the task ID from {_METADATA}", code="config.runtime-field")
        values = pod.labels if table == "labels" else pod.annotations
        return Resolved(values.get(key, ""))
    if field_path in RUNTIME_FIELDS:
        return Resolved(problem=f"{field_path} is known only when the task runs: {RUNTIME_FIELDS[field_path]}",
                        code="config.runtime-field")
    return Resolved(problem=f"fieldRef {field_path!r} is not a field the downward API offers to env vars",
                    code="config.unknown-field-ref")


def parse_resource_field(spec: str) -> tuple[str, str, str]:
    """(containerName or "", resource, divisor) from build.py's `[container/]resource[/divisor]`."""
    parts = spec.split("/")
    container = ""
    if parts and not parts[0].startswith(("limits.", "requests.")) and len(parts) > 1:
        container, parts = parts[0], parts[1:]
    return container, parts[0], parts[1] if len(parts) > 1 else "1"


def resource_field_value(container: Container, task: TaskSize, resource: str, divisor_text: str) -> Resolved:
    """`resourceFieldRef` of `container`: Kubernetes rounds up (ceil(value / divisor)); memory is
    read from the model in MiB, so it is exact for Mi-aligned quantities."""
    try:
        divisor = parse_quantity(divisor_text)
    except QuantityError:
        return Resolved(problem=f"resourceFieldRef divisor {divisor_text!r} is not a quantity",
                        code="config.bad-resource-field")
    if divisor <= 0:
        return Resolved(problem="resourceFieldRef divisor must be positive", code="config.bad-resource-field")
    res = container.resources
    if resource in ("limits.cpu", "requests.cpu"):
        units = _pick(resource, res.cpu_request, res.cpu_limit, task.cpu)
        millicores = (units * 1000) // 1024  # the exact inverse of quantity.cpu_units for whole millicores
        return Resolved(str(math.ceil(millicores / (divisor * 1000))))
    if resource in ("limits.memory", "requests.memory"):
        octets = _pick(resource, res.memory_request, res.memory_limit, task.memory) * 2 ** 20
        return Resolved(str(math.ceil(octets / divisor)))
    if resource.endswith("ephemeral-storage"):
        return Resolved(problem=f"{resource} has no per-container value on Fargate (the task shares "
                                f"{task.ephemeral_storage_gib or 20} GiB); set the value the app needs as a literal",
                        code="config.runtime-field")
    return Resolved(problem=f"resourceFieldRef {resource!r} is not a container resource",
                    code="config.bad-resource-field")


def _pick(resource: str, request: int | None, limit: int | None, task_value: int) -> int:
    """Kubernetes defaults a missing request to the limit (API defaulting) and a missing limit
    to the node's allocatable (the kubelet), which on Fargate is the task size."""
    if resource.startswith("requests."):
        return request if request is not None else (limit or 0)
    return limit if limit is not None else task_value


def limit_from_task(container: Container, resource: str) -> bool:
    """True when a resourceFieldRef reads a limit the container does not set (so the task size)."""
    res = container.resources
    return (resource == "limits.cpu" and res.cpu_limit is None) or \
        (resource == "limits.memory" and res.memory_limit is None)
