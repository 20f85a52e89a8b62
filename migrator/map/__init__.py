"""The map stage: pure functions from the model of one environment to its ECS plan.

Every mapper is listed here, in the order it runs; nothing registers itself on import.
- WORKLOAD_MAPPERS refine one service: (ctx, workload, service) -> (service, findings).
- ENVIRONMENT_MAPPERS see the whole environment: (ctx, env_plan) -> (env_plan, findings).
A mapper that fails on one object becomes a finding for that object, not a crash of the run.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

from migrator.findings import Finding, error
from migrator.map import (capacity, config, cost, health, identity, kinds, rollout, scaling, secrets, services, sizing,
                          volumes)
from migrator.map import discovery, jobs, routes, waves
from migrator.map.context import MapContext
from migrator.model.objects import Workload
from migrator.plan.model import EnvironmentPlan, ServicePlan

WorkloadMapper = Callable[[MapContext, Workload, ServicePlan], tuple[ServicePlan, list[Finding]]]
EnvironmentMapper = Callable[[MapContext, EnvironmentPlan], tuple[EnvironmentPlan, list[Finding]]]

WORKLOAD_MAPPERS: list[WorkloadMapper] = [
    services.apply_task_size,
    services.apply_desired_count,
    config.apply_config,  # env, secrets, $(VAR) in command/args, registry credentials
    volumes.apply_volumes,
    identity.apply_identity,
    health.apply_health_checks,
    scaling.apply_autoscaling,  # after sizing: targets are rebased on the task size
    rollout.apply_rollout,  # after scaling: percentages are computed for the planned count
    capacity.apply_capacity_providers,
    jobs.report_pre_stop,  # no preStop hooks on ECS (services and tasks)
]

# CronJobs and Jobs become standalone task definitions: these refine them (same signature).
TASK_MAPPERS: list[WorkloadMapper] = [
    services.apply_task_size,
    config.apply_config,
    volumes.apply_volumes,
    identity.apply_identity,
    health.apply_health_checks,
    rollout.apply_rollout,
    capacity.apply_capacity_providers,
    jobs.report_run_limits,  # run-time limits, retries and completions ECS has no place for
    jobs.report_pre_stop,
]

ENVIRONMENT_MAPPERS: list[EnvironmentMapper] = [
    routes.plan_load_balancers,  # ALB rules and target groups from every Ingress and HTTPRoute
    discovery.plan_service_connect,  # after the config mapper: rewrites DNS names in env values
    routes.check_routes,  # route-equivalence self-check of the planned rules
    scaling.request_count_without_alb,  # after routing: request-count policies need a target group
    waves.plan_waves,  # cutover waves from the call graph (needs routes and Service Connect)
    scaling.hpas_without_service,
    kinds.report_other_objects,  # kinds no mapper reads: dropped, replaced, or a decision
    cost.apply_costs,
    secrets.plan_secrets,  # keep last: lists the secrets every container reads
]


def map_environment(ctx: MapContext) -> EnvironmentPlan:
    findings: list[Finding] = []
    planned: list[ServicePlan] = []
    scheduled: list = []
    jobs: list = []
    for workload in ctx.estate.workloads:
        runs_as, found = kinds.runs_as(ctx, workload)  # service, scheduled task, job, or a finding
        findings.extend(found)
        if runs_as is None:
            continue
        # as Kubernetes admission ran it: containers without resources get their namespace's
        # LimitRange defaults, for every mapper (task size, container definitions, HPA rebase)
        workload, found = sizing.admitted_workload(ctx.estate, workload)
        findings.extend(found)
        service, found = services.service_for_workload(ctx, workload)
        findings.extend(found)
        if service is None:
            continue
        for mapper in WORKLOAD_MAPPERS if runs_as == kinds.SERVICE else TASK_MAPPERS:
            try:
                service, found = mapper(ctx, workload, service)
            except Exception as exc:  # one object's failure is a finding, not a crash of the run
                found = [error("map.failed", f"{mapper.__module__}.{mapper.__name__} failed on "
                               f"{workload.name}: {exc!r}", workload.source)]
            findings.extend(found)
        if runs_as == kinds.SCHEDULED:
            tasks, found = kinds.scheduled_tasks_for(ctx, workload, service)
            scheduled.extend(tasks)
            findings.extend(found)
        elif runs_as == kinds.JOB:
            jobs.append(kinds.job_for(service))
        else:
            planned.append(service)
    env_plan = EnvironmentPlan(
        name=ctx.env.name,
        settings=ctx.settings,
        service_connect_namespace=ctx.env.service_connect_namespace,
        services=tuple(sorted(planned, key=lambda s: s.name)),
        scheduled_tasks=tuple(sorted(scheduled, key=lambda s: s.name)),
        jobs=tuple(sorted(jobs, key=lambda j: j.name)),
    )
    for mapper in ENVIRONMENT_MAPPERS:
        env_plan, found = mapper(ctx, env_plan)
        findings.extend(found)
    ordered = tuple(sorted(set(findings) | set(env_plan.findings), key=Finding.sort_key))
    return dataclasses.replace(env_plan, findings=ordered)
