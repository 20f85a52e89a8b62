"""ALB rules from every Ingress and HTTPRoute of an environment, and the self-check that proves
they route like Kubernetes. Two environment mappers:

- `plan_load_balancers`: route entries -> draft rules -> priorities -> ALBs, plus the target
  groups on each ECS service (container and port through the Service's targetPort).
- `check_routes`: probes evaluated by the Kubernetes matcher and by the planned ALB rules
  (migrator.routing); every probe that lands on a different service is an error finding.
"""

from __future__ import annotations

import dataclasses

from migrator.map.guard import finding_on_failure
from migrator.findings import Finding, warning
from migrator.map.context import MapContext
from migrator.map.routes.backends import Endpoint, Endpoints
from migrator.map.routes.balancers import TargetGroups, entries_by_partition, load_balancers_for
from migrator.map.routes.check import check_routes
from migrator.map.routes.entries import partition_of, route_entries
from migrator.map.routes.rules import drafts_for, quotas
from migrator.plan.model import EnvironmentPlan, LoadBalancerTarget, ServicePlan, TargetHealthCheck

__all__ = ["plan_load_balancers", "check_routes"]


@finding_on_failure
def plan_load_balancers(ctx: MapContext, env_plan: EnvironmentPlan) -> tuple[EnvironmentPlan, list[Finding]]:
    endpoints = Endpoints(ctx, env_plan)
    entries, findings = route_entries(ctx.estate)
    groups = TargetGroups()
    load_balancers = []
    partitions = entries_by_partition(entries)
    for ingress in ctx.estate.ingresses:  # an Ingress with only a default backend still needs an ALB
        if not ingress.rules and ingress.default_backend is not None:
            partitions.setdefault(partition_of(ingress.meta.annotations), [])
    for partition in sorted(partitions):
        drafts = []
        for entry in partitions[partition]:
            found, notes = drafts_for(entry, endpoints, ctx.env.host_map)
            drafts.extend(found)
            findings.extend(notes)
        ingresses = sorted((i for i in ctx.estate.ingresses if partition_of(i.meta.annotations) == partition),
                           key=lambda i: (i.meta.namespace, i.meta.name))
        lbs, notes = load_balancers_for(ctx, partition, drafts, ingresses, endpoints, groups,
                                        first_name="public" if "public" in partitions else partition)
        load_balancers.extend(lbs)
        findings.extend(notes)
    services = endpoints.apply_added_ports(env_plan.services)
    endpoints_by_service: dict[str, dict[str, Endpoint]] = {}
    for (_, endpoint), key in groups.keys.items():
        endpoints_by_service.setdefault(endpoint.service, {})[key] = endpoint
    services = tuple(_with_targets(s, endpoints_by_service.get(s.name, {}), groups, findings) for s in services)
    findings.extend(endpoints.findings)
    return dataclasses.replace(env_plan, services=services, load_balancers=tuple(load_balancers)), findings


def _with_targets(service: ServicePlan, mine: dict[str, Endpoint], groups: TargetGroups,
                  findings: list[Finding]) -> ServicePlan:
    """`mine`: this service's endpoints by target group key."""
    if not mine:
        return service
    targets = tuple(LoadBalancerTarget(target_group=key, container=e.container, container_port=e.container_port,
                                       health_check=_health_check(service, e, groups.health_paths.get(key, "")))
                    for key, e in sorted(mine.items()))
    limit = quotas()["target_groups_per_ecs_service"]
    if len(targets) > limit:
        findings.append(warning("route.too-many-target-groups", f"{service.name} is reached through {len(targets)} "
                                f"target groups; an ECS service registers with at most {limit}. Route fewer ports "
                                "or hosts to it", _source(service)))
    return dataclasses.replace(service, load_balancers=targets)


def _health_check(service: ServicePlan, endpoint: Endpoint, annotated_path: str) -> TargetHealthCheck:
    base = service.health_check if service.health_check and service.health_check_container in (
        "", endpoint.container) else TargetHealthCheck()
    return dataclasses.replace(base, path=annotated_path) if annotated_path else base


def _source(service: ServicePlan):
    from migrator.findings import SourceRef

    return SourceRef(service.source.file, service.source.line)
