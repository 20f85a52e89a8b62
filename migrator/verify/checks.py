"""One planned service against what runs: drift, missing pieces and health."""

from __future__ import annotations

import dataclasses

from migrator.emit.inputs import log_retention
from migrator.plan import model as p
from migrator.verify.compare import ABSENT, Drift, service_drifts
from migrator.verify.normalise import LiveService
from migrator.verify.results import DRIFT, MISSING, NOT_MIGRATED, PASS, UNHEALTHY, ServiceResult


def service_result(expected: p.ServicePlan, live: LiveService | None, env: p.EnvironmentPlan,
                   migrated: bool = True) -> ServiceResult:
    if not migrated:
        return ServiceResult(expected.name, expected.wave, NOT_MIGRATED)
    if live is None:
        return ServiceResult(expected.name, expected.wave, MISSING, health=("no ECS service with this name or "
                                                                          "migrator:service tag in the cluster",))
    running = live.plan
    if not expected.capacity_provider_strategy and running.capacity_provider_strategy == live.cluster_default_strategy:
        # A service planned without a strategy runs on the cluster's default, and ECS reports that one.
        running = dataclasses.replace(running, capacity_provider_strategy=())
    drifts = service_drifts(expected, running) + _log_drifts(live, env) + _namespace_drifts(expected, live, env)
    health = health_problems(live)
    status = DRIFT if drifts else UNHEALTHY if health else PASS
    return ServiceResult(expected.name, expected.wave, status, tuple(drifts), tuple(health))


def health_problems(live: LiveService) -> list[str]:
    problems = []
    if live.running_count < live.desired_count:
        problems.append(f"running {live.running_count} of {live.desired_count} desired tasks")
    if live.desired_count > 0:
        for group, healthy in sorted(live.healthy_targets.items()):
            if healthy == 0:
                problems.append(f"no healthy targets in target group {group}")
    return problems


def _log_drifts(live: LiveService, env: p.EnvironmentPlan) -> list[Drift]:
    planned = env.settings.log_retention_days
    want = log_retention(planned) if planned else None  # CloudWatch keeps set periods: emit rounds up; 0 is forever
    drifts = [Drift(f"log_retention_days[{group}]", want or "never expire", days or "never expire")
              for group, days in sorted(live.log_retention.items()) if days != want]
    drifts += [Drift(f"log_group[{group}]", "exists", ABSENT) for group in live.missing_log_groups]
    return drifts


def _namespace_drifts(expected: p.ServicePlan, live: LiveService, env: p.EnvironmentPlan) -> list[Drift]:
    if not expected.service_connect or not live.plan.service_connect:
        return []  # a missing or extra Service Connect configuration is already a service_connect drift
    if live.service_connect_namespace != env.service_connect_namespace:
        return [Drift("service_connect.namespace", env.service_connect_namespace, live.service_connect_namespace)]
    return []
