"""A Deployment becomes an ECS service: its containers, its task size and its task count."""

from __future__ import annotations

import dataclasses

from migrator.findings import Finding, error, warning
from migrator.map.containers import container_plan
from migrator.map.context import MapContext, plan_source
from migrator.map.sizing import fargate_size_for, largest_fargate_size
from migrator.model.objects import Workload
from migrator.plan.model import ServicePlan, TaskSize


def service_for_workload(ctx: MapContext, workload: Workload) -> tuple[ServicePlan | None, list[Finding]]:
    findings: list[Finding] = []
    if not workload.pod.containers:
        return None, [error("service.no-containers", f"{workload.kind} {workload.name} has no containers; "
                            "nothing to run on ECS", workload.source)]
    containers = []
    for container in (*_sidecars(workload), *workload.pod.containers):
        plan, found = container_plan(container)
        containers.append(plan)
        findings.extend(found)
    name = ctx.service_name(workload)
    if name != workload.name:
        findings.append(warning("service.renamed", f"{workload.name} in namespace {workload.namespace} shares its "
                                f"name with a workload in another namespace; its ECS service is {name}",
                                workload.source))
    service = ServicePlan(
        name=name,
        namespace=workload.namespace,
        workload_kind=workload.kind,
        source=plan_source(workload.source),
        task=TaskSize(256, 512),
        containers=tuple(containers),
        desired_count=1 if workload.replicas is None else workload.replicas,
    )
    return service, findings


def _sidecars(workload: Workload):
    return tuple(c for c in workload.pod.init_containers if c.is_sidecar)


def apply_task_size(ctx: MapContext, workload: Workload, service: ServicePlan) -> tuple[ServicePlan, list[Finding]]:
    """Smallest valid Fargate size covering the summed container requests (limits where a
    request is missing), never below the environment's floor."""
    findings: list[Finding] = []
    cpu = sum(_cpu(c, ctx.options.size_from) for c in (*_sidecars(workload), *workload.pod.containers))
    memory = sum(_memory(c, ctx.options.size_from) for c in (*_sidecars(workload), *workload.pod.containers))
    override = ctx.override(service.name, workload)
    want_cpu = max(cpu, ctx.settings.min_cpu, override.cpu or 0)
    want_memory = max(memory, ctx.settings.min_memory, override.memory or 0)
    size = fargate_size_for(want_cpu, want_memory)
    if size is None:
        big = largest_fargate_size()
        findings.append(error(
            "size.too-large",
            f"{workload.name} asks for {cpu} CPU units / {memory} MiB, more than the largest Fargate task "
            f"({big[0]} units / {big[1]} MiB); split the pod or run it on EC2 capacity",
            workload.pod.source))
        size = big
    task = dataclasses.replace(service.task, cpu=size[0], memory=size[1],
                               requested_cpu=cpu, requested_memory=memory)
    return dataclasses.replace(service, task=task), findings


def _cpu(container, size_from: str) -> int:
    r = container.resources
    return _pick(r.cpu_request, r.cpu_limit, size_from)


def _memory(container, size_from: str) -> int:
    r = container.resources
    return _pick(r.memory_request, r.memory_limit, size_from)


def _pick(request: int | None, limit: int | None, size_from: str) -> int:
    if size_from == "limits":
        return limit if limit is not None else (request or 0)
    if size_from == "max":
        return max(request or 0, limit or 0)
    return request if request is not None else (limit or 0)


def apply_desired_count(ctx: MapContext, workload: Workload, service: ServicePlan) -> tuple[ServicePlan, list[Finding]]:
    fixed = ctx.settings.fixed_count
    if fixed is not None:
        return dataclasses.replace(service, desired_count=fixed), []
    return dataclasses.replace(service, desired_count=max(service.desired_count, ctx.settings.min_tasks)), []
