"""Capacity providers by service group: critical services on FARGATE, workers on FARGATE_SPOT,
mixed weights in between. Groups and their strategies: mappings/capacity.yaml, extended or
replaced by `capacity_groups:` in migrate.yaml; a service's group by `services.<name>.group`."""

from __future__ import annotations

import dataclasses

from migrator import data
from migrator.findings import Finding, warning
from migrator.map.context import MapContext
from migrator.model.objects import Workload
from migrator.plan.model import CapacityProviderItem, ServicePlan

PROVIDERS = ("FARGATE", "FARGATE_SPOT")


def default_groups() -> dict[str, tuple[CapacityProviderItem, ...]]:
    return {name: tuple(CapacityProviderItem(**item) for item in items)
            for name, items in data.table("capacity")["groups"].items()}


def groups_for(ctx: MapContext) -> dict[str, tuple[CapacityProviderItem, ...]]:
    return {**default_groups(), **ctx.env.capacity_groups}


def group_for(ctx: MapContext, service: ServicePlan, workload: Workload) -> str:
    override = ctx.override(service.name, workload)
    if override.group:
        return override.group
    table = data.table("capacity")
    return table["spot_default_group"] if ctx.settings.use_spot else table["default_group"]


def apply_capacity_providers(ctx: MapContext, workload: Workload,
                             service: ServicePlan) -> tuple[ServicePlan, list[Finding]]:
    groups = groups_for(ctx)
    group = group_for(ctx, service, workload)
    findings: list[Finding] = []
    if group not in groups:
        findings.append(warning("capacity.unknown-group", f"{service.name} is in group {group!r}, which neither "
                                "mappings/capacity.yaml nor capacity_groups in migrate.yaml defines; it runs on "
                                f"the default group (known: {', '.join(sorted(groups))})", workload.source))
        group = data.table("capacity")["default_group"]
    strategy = groups[group]
    provider = ctx.override(service.name, workload).capacity_provider
    if provider in PROVIDERS:
        strategy = (CapacityProviderItem(provider, weight=1),)
    elif provider in groups:
        strategy, group = groups[provider], provider
    elif provider:
        findings.append(warning("capacity.unknown-provider", f"{service.name}: capacity_provider {provider!r} is "
                                f"neither {' nor '.join(PROVIDERS)} nor a group; the {group} group applies",
                                workload.source))
    return dataclasses.replace(service, group=group, capacity_provider_strategy=strategy), findings
