"""Estimated monthly cost of each service and of the environment, from mappings/pricing.yaml.

The estimate covers Fargate compute and extra ephemeral storage for the planned task count,
running all month (730 h). Load balancers, NAT, logs and data transfer are not included.
"""

from __future__ import annotations

import dataclasses

from migrator import data
from migrator.findings import Finding, SourceRef, info
from migrator.map.context import MapContext
from migrator.plan.model import CapacityProviderItem, CostEstimate, EnvironmentPlan, TaskSize

FALLBACK_REGION = "us-east-1"


def hourly_price(task: TaskSize, rates: dict, market: str) -> float:
    """One task's price per hour on `market` (on_demand | spot)."""
    table = rates[task.cpu_architecture][market]
    pricing = data.table("pricing")
    extra_gib = max(task.ephemeral_storage_gib - pricing["included_ephemeral_gib"], 0)
    return (task.cpu / 1024 * table["vcpu_hour"] + task.memory / 1024 * table["gb_hour"]
            + extra_gib * rates["ephemeral_gb_hour"])


def tasks_per_provider(tasks: int, strategy: tuple[CapacityProviderItem, ...]) -> dict[str, float]:
    """How ECS places `tasks` on a strategy: each provider's base first, the rest by weight."""
    if not strategy:
        return {"FARGATE": float(tasks)}
    placed: dict[str, float] = {item.capacity_provider: 0.0 for item in strategy}
    left = tasks
    for item in strategy:
        base = min(item.base, left)
        placed[item.capacity_provider] += base
        left -= base
    weights = sum(item.weight for item in strategy)
    for item in strategy:
        if weights:
            placed[item.capacity_provider] += left * item.weight / weights
    return placed


def estimate(task: TaskSize, tasks: int, strategy: tuple[CapacityProviderItem, ...], rates: dict) -> CostEstimate:
    hours = data.table("pricing")["hours_per_month"]
    on_demand = hourly_price(task, rates, "on_demand") * hours
    spot = hourly_price(task, rates, "spot") * hours
    placed = tasks_per_provider(tasks, strategy)
    planned = sum(count * (spot if provider == "FARGATE_SPOT" else on_demand) for provider, count in placed.items())
    return CostEstimate(tasks=tasks, on_demand_usd=round(on_demand * tasks, 2), spot_usd=round(spot * tasks, 2),
                        planned_usd=round(planned, 2))


def apply_costs(ctx: MapContext, env_plan: EnvironmentPlan) -> tuple[EnvironmentPlan, list[Finding]]:
    """ENVIRONMENT_MAPPER: a CostEstimate on every service and the environment's total."""
    regions = data.table("pricing")["regions"]
    region = env_plan.settings.region
    findings: list[Finding] = []
    if region not in regions:
        findings.append(info("cost.region-unpriced", f"mappings/pricing.yaml has no prices for {region}; the "
                             f"estimates of {env_plan.name} use {FALLBACK_REGION} prices", SourceRef("migrate.yaml")))
    rates = regions.get(region, regions[FALLBACK_REGION])
    services = []
    for service in env_plan.services:
        cost = estimate(service.task, service.desired_count, service.capacity_provider_strategy, rates)
        services.append(dataclasses.replace(service, cost=cost, monthly_cost_usd=cost.planned_usd))
    total = round(sum(s.monthly_cost_usd for s in services), 2)
    return dataclasses.replace(env_plan, services=tuple(services), monthly_cost_usd=total), findings
