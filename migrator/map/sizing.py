"""Task size: the smallest valid Fargate CPU/memory combination that covers what Kubernetes
asked for. The table of valid sizes is data (mappings/fargate.yaml)."""

from __future__ import annotations

import dataclasses
import functools
from typing import NamedTuple

from migrator import data
from migrator.findings import Finding, SourceRef, error, info, warning


@functools.cache
def fargate_sizes() -> tuple[tuple[int, int], ...]:
    """Every valid (cpu units, memory MiB) pair, ordered by cost (cpu, then memory)."""
    sizes = []
    for row in data.table("fargate")["sizes"]:
        memory = row["memory"]
        options = memory if isinstance(memory, list) else range(memory["from"], memory["to"] + 1, memory["step"])
        sizes.extend((row["cpu"], mib) for mib in options)
    return tuple(sorted(sizes))


def fargate_size_for(cpu: int, memory: int) -> tuple[int, int] | None:
    """Smallest valid size with at least `cpu` units and `memory` MiB; None if none is big enough.

    "Smallest" is by CPU first (CPU dominates Fargate's price), then memory, so 0.25 vCPU/2 GB
    is preferred to 0.5 vCPU/1 GB for a task that needs 1.5 GB."""
    for size_cpu, size_memory in fargate_sizes():
        if size_cpu >= cpu and size_memory >= memory:
            return size_cpu, size_memory
    return None


def largest_fargate_size() -> tuple[int, int]:
    return max(fargate_sizes(), key=lambda s: (s[0], s[1]))


def service_connect_proxy_room() -> tuple[int, int]:
    """(CPU units, MiB) added to a service's task for the Service Connect proxy ECS injects;
    the figure and its AWS source are in mappings/fargate.yaml."""
    room = data.table("fargate")["service_connect_proxy"]
    return int(room["cpu"]), int(room["memory"])


def container_amount(request: int | None, limit: int | None, size_from: str) -> int:
    """One container's CPU or memory as `--size-from` reads it: requests (limits where a request
    is missing), limits (requests where a limit is missing) or the larger of the two."""
    if size_from == "limits":
        return limit if limit is not None else (request or 0)
    if size_from == "max":
        return max(request or 0, limit or 0)
    return request if request is not None else (limit or 0)


def pod_amount(app_containers, init_containers, amount) -> int:
    """What a pod needs at its peak, as the kubelet computes a pod's effective request: the
    app containers plus native sidecars, or an init container plus the sidecars started before
    it, whichever is larger. Init containers run one at a time, so they count as a maximum."""
    sidecars = 0
    peak_init = 0
    for container in init_containers:
        if container.is_sidecar:
            sidecars += amount(container)
        else:
            peak_init = max(peak_init, sidecars + amount(container))
    return max(sum(amount(c) for c in app_containers) + sidecars, peak_init)


def pod_requests(pod, size_from: str = "requests") -> tuple[int, int]:
    """(CPU units, MiB) the pod needs, read per `--size-from`."""
    def cpu(c):
        return container_amount(c.resources.cpu_request, c.resources.cpu_limit, size_from)

    def memory(c):
        return container_amount(c.resources.memory_request, c.resources.memory_limit, size_from)

    return (pod_amount(pod.containers, pod.init_containers, cpu),
            pod_amount(pod.containers, pod.init_containers, memory))


ARCH_LABELS = ("kubernetes.io/arch", "beta.kubernetes.io/arch")
OS_LABELS = ("kubernetes.io/os", "beta.kubernetes.io/os")
FARGATE_ARCHITECTURES = {"amd64": "X86_64", "x86_64": "X86_64", "arm64": "ARM64", "aarch64": "ARM64"}
# Labels that only say "run on Fargate" or name a zone (ECS spreads tasks over the subnets' AZs).
HARMLESS_LABELS = {"eks.amazonaws.com/compute-type"}


def runtime_platform_for(workload) -> tuple[str, list[Finding]]:
    """The task's CPU architecture from the pod's nodeSelector, and a finding for every
    selector Fargate cannot honour (it picks the host; there are no nodes to select)."""
    findings: list[Finding] = []
    architecture = "X86_64"
    where = workload.pod.ref("nodeSelector")
    for key, value in sorted(workload.pod.node_selector.items()):
        if key in ARCH_LABELS:
            if value not in FARGATE_ARCHITECTURES:
                findings.append(error("size.architecture", f"{workload.name} selects {key}={value}; Fargate runs "
                                      "only X86_64 and ARM64 tasks: rebuild the image for amd64 or arm64", where))
                continue
            architecture = FARGATE_ARCHITECTURES[value]
            if architecture == "ARM64":
                findings.append(info("size.arm64", f"{workload.name} selects {key}={value}: its task runs on "
                                     "ARM64 (Graviton); every image in it must be arm64 or multi-arch", where))
        elif key in OS_LABELS:
            if value != "linux":
                findings.append(error("size.windows", f"{workload.name} selects {key}={value}; migrator plans Linux "
                                      "tasks only: plan this workload by hand on a Windows Fargate task definition "
                                      "(different sizes and images) or port it to Linux", where))
        elif key not in HARMLESS_LABELS:
            findings.append(warning("size.node-selector", f"{workload.name} selects nodes with {key}={value}, which "
                                    "Fargate cannot honour (it picks the host); if those nodes gave the pod more "
                                    "than it requests, set services.<name>.cpu / memory in migrate.yaml", where))
    return architecture, findings


def sets_no_resources(container) -> bool:
    """No CPU or memory request or limit: Kubernetes' BestEffort, for this container."""
    r = container.resources
    return all(v is None for v in (r.cpu_request, r.cpu_limit, r.memory_request, r.memory_limit))


def no_resources_findings(workload, service_name: str, task, proxy_room: bool) -> list[Finding]:
    """A container that sets no resources adds nothing to the task size (pod_requests reads 0),
    so it is sized as if it needed nothing, while on Kubernetes it could use a whole node's spare
    CPU and memory. On Fargate the task's memory is a hard cap (the task is stopped with an
    out-of-memory error above it) and its CPU a ceiling. One warning per app container."""
    app = [c for c in (*workload.pod.init_containers, *workload.pod.containers) if not c.is_init or c.is_sidecar]
    pod = (*workload.pod.init_containers, *workload.pod.containers)
    best_effort = all(sets_no_resources(c) for c in pod)
    size = f"{task.cpu} CPU units / {task.memory} MiB"
    if best_effort:
        proxy = ", shared with the Service Connect proxy" if proxy_room else ""
        got = (f"the pod ran BestEffort on Kubernetes, free to use its node's spare CPU and memory. The plan sizes "
               f"tasks from requests, so it gets the smallest task the environment allows ({size}{proxy})")
    else:
        got = ("on Kubernetes it could use its node's spare CPU and memory. The plan sizes tasks from requests, "
               f"so it adds nothing to the {size} task sized from the other containers")
    return [warning("size.no-resources", f"{workload.kind} {workload.name} container {c.name} sets no resources "
                    f"(no requests or limits): {got}, and on Fargate the task's memory is a hard cap (the task is "
                    "stopped when it runs out) and its CPU a ceiling. Before cutover, set resources.requests to "
                    f"what it uses on the cluster, or services.{service_name}.cpu (CPU units) and memory (MiB) "
                    "in migrate.yaml", c.source)
            for c in app if sets_no_resources(c)]


# ---- LimitRange container defaults, applied as admission applies them ---------------------------

class NamespaceDefault(NamedTuple):
    amount: int
    written_as: str  # the LimitRange field it comes from: default, defaultRequest, max or min
    limit_range: str  # namespace/name
    source: SourceRef  # the spec.limits[] entry


def container_defaults(limit_ranges) -> dict[tuple[str, str], NamespaceDefault]:
    """(`request` | `limit`, `cpu` | `memory`) -> what a container that sets none gets, as the
    LimitRanger admission plugin computes it (https://kubernetes.io/docs/concepts/policy/limit-range/).

    Each `type: Container` entry is first defaulted as the API server stores it: a missing
    `default` (limit) is `max`, a missing `defaultRequest` is `default`, else `min`. Within one
    LimitRange a later entry overrides an earlier one; across LimitRanges of a namespace the first
    (in load order) wins, one of the orders admission may take ("not deterministic", the docs say)."""
    found: dict[tuple[str, str], NamespaceDefault] = {}
    for limit_range in limit_ranges:
        mine: dict[tuple[str, str], NamespaceDefault] = {}
        for item in limit_range.limits:
            if item.type != "Container":
                continue
            for resource in ("cpu", "memory"):
                def given(field: str, amounts) -> NamespaceDefault | None:
                    amount = getattr(amounts, resource)
                    return None if amount is None else NamespaceDefault(amount, field, limit_range.meta.key, item.source)
                limit = given("default", item.default) or given("max", item.max)
                request = given("defaultRequest", item.default_request) or limit or given("min", item.min)
                mine.update({k: v for k, v in ((("limit", resource), limit), (("request", resource), request)) if v})
        for key, value in mine.items():
            found.setdefault(key, value)
    return found


def admitted_container(container, defaults: dict[tuple[str, str], NamespaceDefault]):
    """The container with the resources admission gives it, and what it was given as
    [(resource, `request` | `limit`, NamespaceDefault)]. Per resource: a missing limit gets the
    default limit; a missing request gets the default request only when the limit is missing too,
    because the API server first defaults a missing request to the container's own limit
    (https://kubernetes.io/docs/tasks/administer-cluster/manage-resources/memory-default-namespace/)."""
    r = container.resources
    changes: dict[str, int] = {}
    given = []
    for resource in ("cpu", "memory"):
        request, limit = getattr(r, f"{resource}_request"), getattr(r, f"{resource}_limit")
        default_limit, default_request = defaults.get(("limit", resource)), defaults.get(("request", resource))
        if request is None and limit is None and default_request is not None:
            changes[f"{resource}_request"] = default_request.amount
            given.append((resource, "request", default_request))
        if limit is None and default_limit is not None:
            changes[f"{resource}_limit"] = default_limit.amount
            given.append((resource, "limit", default_limit))
    if not changes:
        return container, given
    return dataclasses.replace(container, resources=dataclasses.replace(r, **changes)), given


def admitted_workload(estate, workload):
    """The workload as its namespace's LimitRanges let it run: containers that set no requests or
    limits get the namespace's defaults before the task is sized, with an info finding at the
    LimitRange naming what each container got (and a warning where the default limit is below
    the container's own request: the API server rejects such a pod)."""
    defaults = container_defaults(estate.limit_ranges_in(workload.namespace))
    if not defaults:
        return workload, []
    given_by_range: dict[str, tuple[SourceRef, list[str]]] = {}
    findings: list[Finding] = []
    pod = workload.pod
    admitted = {}
    for container in (*pod.init_containers, *pod.containers):
        admitted[id(container)], given = admitted_container(container, defaults)
        for limit_range, source, text in _described(container.name, given):
            given_by_range.setdefault(limit_range, (source, []))[1].append(text)
        findings.extend(_conflicts(workload, admitted[id(container)], given))
    for limit_range, (source, texts) in sorted(given_by_range.items()):
        findings.append(info("size.limit-range-defaults", f"LimitRange {limit_range} gives {workload.kind} "
                             f"{workload.name} the resources Kubernetes admission set on its pods, and its task is "
                             f"sized with them: {'; '.join(texts)}", source))
    pod = dataclasses.replace(pod, containers=tuple(admitted[id(c)] for c in pod.containers),
                              init_containers=tuple(admitted[id(c)] for c in pod.init_containers))
    return dataclasses.replace(workload, pod=pod), findings


_UNITS = {"cpu": "CPU units", "memory": "MiB"}


def _described(name: str, given) -> list[tuple[str, SourceRef, str]]:
    by_range: dict[str, list] = {}
    for resource, what, default in given:
        by_range.setdefault(default.limit_range, []).append((resource, what, default))
    return [(limit_range, items[0][2].source, f"container {name}: " + ", ".join(
                f"{resource} {what} {d.amount} {_UNITS[resource]} ({d.written_as})" for resource, what, d in items))
            for limit_range, items in by_range.items()]


def _conflicts(workload, container, given) -> list[Finding]:
    out = []
    for resource, what, default in given:
        request = getattr(container.resources, f"{resource}_request")
        if what == "limit" and request is not None and request > default.amount:
            out.append(warning("size.limit-range-conflict", f"{workload.kind} {workload.name} container "
                               f"{container.name} requests {request} {_UNITS[resource]} {resource} but sets no limit, "
                               f"and LimitRange {default.limit_range} gives it a {resource} limit of {default.amount} "
                               f"{_UNITS[resource]} ({default.written_as}): the API server rejects such a pod (request "
                               "above limit), so it cannot have run like this. Set its limit, or check the LimitRange "
                               "the cluster really has", container.source))
    return out
