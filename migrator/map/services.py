"""A Deployment becomes an ECS service: its containers, its task size and its task count."""

from __future__ import annotations

import dataclasses

from migrator.findings import Finding, error, info, warning
from migrator.map.containers import container_plan
from migrator.map.context import MapContext, plan_source
from migrator.map.sizing import (fargate_size_for, largest_fargate_size, no_resources_findings,
                                 pod_requests, runtime_platform_for, service_connect_proxy_room)
from migrator.model.objects import Workload
from migrator.plan.model import ContainerPlan, ServicePlan, TaskSize

# Kinds that become standalone tasks (EventBridge schedules, run-task), which Service Connect
# does not reach: no proxy room for them.
STANDALONE_TASK_KINDS = ("CronJob", "Job")


def service_for_workload(ctx: MapContext, workload: Workload) -> tuple[ServicePlan | None, list[Finding]]:
    findings: list[Finding] = []
    if not workload.pod.containers:
        return None, [error("service.no-containers", f"{workload.kind} {workload.name} has no containers; "
                            "nothing to run on ECS", workload.source)]
    containers = []
    for container in (*workload.pod.init_containers, *workload.pod.containers):
        plan, found = container_plan(container, essential=not container.is_init or container.is_sidecar)
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
        containers=_in_start_order(workload, containers),
        desired_count=1 if workload.replicas is None else workload.replicas,
    )
    return service, findings


def _in_start_order(workload: Workload, plans: list[ContainerPlan]) -> tuple[ContainerPlan, ...]:
    """Init containers run to completion one after another before the app starts (ECS dependsOn
    SUCCESS); native sidecars start first and keep running (dependsOn START). Init containers
    reserve no CPU or memory of their own: they never run beside the app, and ECS sums the
    reservations of every container in a task (the task size covers their peak instead)."""
    out: list[ContainerPlan] = []
    before: list[tuple[str, str]] = []
    for container, plan in zip((*workload.pod.init_containers, *workload.pod.containers), plans):
        if container.is_init and not container.is_sidecar:
            plan = dataclasses.replace(plan, cpu=0, memory=None, memory_reservation=None)
        out.append(dataclasses.replace(plan, depends_on=tuple(before)))
        if container.is_init:
            before = [*before, (plan.name, "START" if container.is_sidecar else "SUCCESS")]
    return tuple(out)


def apply_task_size(ctx: MapContext, workload: Workload, service: ServicePlan) -> tuple[ServicePlan, list[Finding]]:
    """Smallest valid Fargate size covering what the pod needs at its peak (init containers as
    a maximum), plus room for the Service Connect proxy on services, never below the
    environment's floor; the architecture comes from the nodeSelector. The workload has already
    been through admission (map_environment: its namespace's LimitRange defaults)."""
    cpu, memory = pod_requests(workload.pod, ctx.options.size_from)
    architecture, findings = runtime_platform_for(workload)
    size, found = _size_for(ctx, workload, service, cpu, memory)
    findings.extend(found)
    task = dataclasses.replace(service.task, cpu=size[0], memory=size[1], cpu_architecture=architecture,
                               requested_cpu=cpu, requested_memory=memory)
    containers, found = _limits_within(workload, service.containers, size[1])
    findings.extend(found)
    override = ctx.override(service.name, workload)
    if override.cpu is None or override.memory is None:  # both set: the team chose the size
        findings.extend(no_resources_findings(workload, service.name, task,
                                              proxy_room=workload.kind not in STANDALONE_TASK_KINDS))
    return dataclasses.replace(service, task=task, containers=containers), findings


def _size_for(ctx: MapContext, workload: Workload, service: ServicePlan, cpu: int, memory: int):
    findings: list[Finding] = []
    room_cpu, room_memory = (0, 0) if workload.kind in STANDALONE_TASK_KINDS else service_connect_proxy_room()
    override = ctx.override(service.name, workload)
    floor_cpu, floor_memory = ctx.settings.min_cpu, ctx.settings.min_memory
    without_room = fargate_size_for(max(cpu, floor_cpu), max(memory, floor_memory))
    if override.cpu is not None or override.memory is not None:
        # An override in migrate.yaml is the size the team chose: it replaces requests + room.
        size = fargate_size_for(max(cpu + room_cpu if override.cpu is None else override.cpu, floor_cpu),
                                max(memory + room_memory if override.memory is None else override.memory, floor_memory))
        if (override.cpu or cpu) < cpu or (override.memory or memory) < memory:
            findings.append(warning("size.override-below-requests", f"{workload.name} requests {cpu} CPU units / "
                                    f"{memory} MiB, more than its override in migrate.yaml; the override is used",
                                    _resources_ref(workload)))
    else:
        size = fargate_size_for(max(cpu + room_cpu, floor_cpu), max(memory + room_memory, floor_memory))
        findings.extend(_proxy_step(workload, size, without_room))
    if size is None and without_room is not None and override.cpu is None and override.memory is None:
        findings.append(warning("size.no-proxy-room", f"{workload.name} fills the largest Fargate task; the Service "
                                "Connect proxy shares its CPU and memory", _resources_ref(workload)))
        size = without_room
    if size is None:
        big = largest_fargate_size()
        findings.append(error(
            "size.too-large",
            f"{workload.name} needs {cpu} CPU units / {memory} MiB, more than the largest Fargate task ({big[0]} "
            f"units = 16 vCPU / {big[1]} MiB = 120 GiB); split the pod or run it on EC2 capacity",
            _resources_ref(workload)))
        size = big
    return size, findings


def _proxy_step(workload: Workload, size, without_room) -> list[Finding]:
    """The proxy's room is small, but on a big task it can double the size step; say so."""
    if size is None or without_room is None or without_room[0] < 1024 or size[0] <= without_room[0]:
        return []
    return [info("size.proxy-room", f"{workload.name} needs {without_room[0]} CPU units; with the Service Connect "
                 f"proxy's room the task is {size[0]} units / {size[1]} MiB instead of {without_room[0]} / "
                 f"{without_room[1]}; to let the proxy share the app's CPU, set services.{workload.name}.cpu: "
                 f"{without_room[0]} in migrate.yaml", _resources_ref(workload))]


def _resources_ref(workload: Workload):
    biggest = max(workload.pod.containers, key=lambda c: (c.resources.cpu_request or 0, c.resources.memory_request or 0))
    return biggest.resources.source if biggest.resources.source.file else workload.pod.source


def _limits_within(workload: Workload, plans, task_memory: int):
    """A container's hard memory limit may not exceed the task's memory (ECS rejects the task
    definition); Kubernetes let it burst up to the limit when the node had room."""
    findings: list[Finding] = []
    out = []
    sources = {c.name: c.resources.source for c in (*workload.pod.init_containers, *workload.pod.containers)}
    for plan in plans:
        if plan.memory is not None and plan.memory > task_memory:
            findings.append(info("size.limit-above-task", f"container {plan.name} of {workload.name} has a memory "
                                 f"limit of {plan.memory} MiB, above the task's {task_memory} MiB; it is capped "
                                 "at the task size (use --size-from max to size tasks from limits)",
                                 sources.get(plan.name) or workload.pod.source))
            plan = dataclasses.replace(plan, memory=task_memory)
        out.append(plan)
    return tuple(out), findings


def apply_desired_count(ctx: MapContext, workload: Workload, service: ServicePlan) -> tuple[ServicePlan, list[Finding]]:
    fixed = ctx.settings.fixed_count
    if fixed is not None:
        return dataclasses.replace(service, desired_count=fixed), []
    return dataclasses.replace(service, desired_count=max(service.desired_count, ctx.settings.min_tasks)), []
