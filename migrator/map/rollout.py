"""Deployment strategy, PodDisruptionBudgets and termination grace -> ECS deployment settings.

Kubernetes resolves maxSurge (rounded up) and maxUnavailable (rounded down) to task counts
against the replica count; ECS rounds maximumPercent down and minimumHealthyPercent up. The
percentages are chosen so that ECS arrives at the same counts for the planned task count.
"""

from __future__ import annotations

import dataclasses
import math

from migrator.findings import Finding, error, info, warning
from migrator.map.context import MapContext
from migrator.model.objects import Workload
from migrator.plan.model import ServicePlan

STOP_TIMEOUT_MAX = 120  # Fargate's ceiling for stopTimeout
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_timeout
KUBERNETES_DEFAULT_SURGE = KUBERNETES_DEFAULT_UNAVAILABLE = "25%"


def _count(value: int | str | None, replicas: int, round_up: bool, default: int | str) -> int:
    value = default if value is None else value
    if isinstance(value, str) and value.endswith("%"):
        exact = int(value[:-1]) * replicas / 100
        return math.ceil(exact) if round_up else math.floor(exact)
    return int(value)


def rolling_counts(max_surge, max_unavailable, replicas: int) -> tuple[int, int]:
    """(surge, unavailable) in tasks, as the Deployment controller resolves them."""
    surge = _count(max_surge, replicas, True, KUBERNETES_DEFAULT_SURGE)
    unavailable = _count(max_unavailable, replicas, False, KUBERNETES_DEFAULT_UNAVAILABLE)
    if surge == 0 and unavailable == 0:
        unavailable = 1  # the controller's own fallback: a rollout must be able to move
    return surge, unavailable


def percents_for(surge: int, unavailable: int, replicas: int) -> tuple[int, int]:
    """(minimumHealthyPercent, maximumPercent) that make ECS keep `replicas - unavailable`
    healthy and run up to `replicas + surge` tasks: exactly for up to 100 replicas; above that a
    1 % step is more than a task, and the percentages err towards availability (never fewer
    healthy tasks, never less surge)."""
    replicas = max(replicas, 1)
    healthy = max(replicas - unavailable, 0)
    minimum = math.floor(100 * healthy / replicas)
    if math.ceil(replicas * minimum / 100) < healthy:
        minimum += 1
    maximum = math.ceil(100 * (replicas + surge) / replicas)
    return minimum, max(maximum, 100)


def pdb_minimum(pdb, replicas: int) -> int | None:
    """Tasks a PodDisruptionBudget keeps available, or None if it sets nothing readable."""
    if pdb.min_available is not None:
        return min(_count(pdb.min_available, replicas, True, 0), replicas)
    if pdb.max_unavailable is not None:
        return max(replicas - _count(pdb.max_unavailable, replicas, True, 0), 0)
    return None


def apply_rollout(ctx: MapContext, workload: Workload, service: ServicePlan) -> tuple[ServicePlan, list[Finding]]:
    service, findings = _stop_timeout(workload, service)
    if workload.kind in ("CronJob", "Job"):
        return service, findings
    replicas = service.desired_count
    strategy = workload.strategy
    if strategy.type == "Recreate":
        minimum, maximum = 0, 100
    else:
        if strategy.type == "OnDelete":
            findings.append(warning("rollout.on-delete", f"{workload.name} updates pods only when they are deleted "
                                    "(OnDelete); ECS rolls every deployment, so it gets a rolling update",
                                    strategy.source))
        if workload.kind == "StatefulSet":  # one pod at a time, old one gone before the new one starts
            surge, unavailable = 0, max(_count(strategy.max_unavailable, replicas, False, 1), 1)
            findings.append(info("rollout.stateful-no-surge", f"StatefulSet {workload.name} replaces its pods "
                                 f"without surge ({unavailable} at a time); the ECS service never runs more than "
                                 f"{replicas} task(s), so two tasks never share its volume during a deployment",
                                 strategy.source))
        else:
            surge, unavailable = rolling_counts(strategy.max_surge, strategy.max_unavailable, replicas)
        minimum, maximum = percents_for(surge, unavailable, replicas)
    minimum, maximum, found = _tightened_by_pdbs(ctx, workload, replicas, minimum, maximum)
    findings.extend(found)
    if workload.kind == "StatefulSet" and maximum > 100:  # a PDB asked for surge: not with a shared volume
        minimum, maximum = percents_for(0, 1, replicas)
        findings = [f for f in findings if f.code != "rollout.surge-added"] + [warning(
            "rollout.stateful-pdb", f"StatefulSet {workload.name}: its PodDisruptionBudget keeps every pod available, "
            "which ECS can only do by starting an extra task, and two tasks would share its volume; the plan "
            f"replaces one task at a time (minimum healthy {minimum}%) instead", workload.strategy.source)]
    deployment = dataclasses.replace(service.deployment, minimum_healthy_percent=minimum, maximum_percent=maximum,
                                     circuit_breaker=True, rollback=True)
    return dataclasses.replace(service, deployment=deployment), findings


def _tightened_by_pdbs(ctx: MapContext, workload: Workload, replicas: int, minimum: int, maximum: int):
    findings: list[Finding] = []
    for pdb in ctx.pdbs_for(workload):
        keep = pdb_minimum(pdb, replicas)
        if keep is None:
            continue
        percent = math.ceil(100 * keep / max(replicas, 1))
        if percent > minimum:
            findings.append(info("rollout.pdb-tightened", f"PodDisruptionBudget {pdb.meta.name} keeps {keep} of "
                                 f"{replicas} tasks of {workload.name} available: minimum healthy percent "
                                 f"{minimum} -> {percent}", pdb.source))
            minimum = percent
    if minimum >= 100 and maximum <= 100:
        maximum = math.ceil(100 * (replicas + 1) / max(replicas, 1))  # one extra task, or nothing could move
        findings.append(info("rollout.surge-added", f"{workload.name} must keep every task healthy and may not "
                             f"surge; ECS could never deploy it, so maximum percent is {maximum} (one extra task)",
                             workload.strategy.source))
    return minimum, maximum, findings


def _stop_timeout(workload: Workload, service: ServicePlan) -> tuple[ServicePlan, list[Finding]]:
    grace = workload.pod.termination_grace_period_seconds
    if grace is None:  # the Kubernetes default (30 s) is the ECS default too
        return service, []
    findings: list[Finding] = []
    timeout = min(grace, STOP_TIMEOUT_MAX)
    if grace > STOP_TIMEOUT_MAX:
        findings.append(error("rollout.stop-timeout-capped", f"{workload.name} gets {grace} s to shut down on "
                              f"Kubernetes; Fargate stops a container after at most {STOP_TIMEOUT_MAX} s, so work "
                              f"still running after {STOP_TIMEOUT_MAX} s is killed: make shutdown finish in time "
                              "(checkpoint or hand back in-flight work) or use ECS task scale-in protection",
                              workload.pod.ref("terminationGracePeriodSeconds")))
    containers = tuple(dataclasses.replace(c, stop_timeout=timeout) if c.essential else c for c in service.containers)
    return dataclasses.replace(service, containers=containers), findings

