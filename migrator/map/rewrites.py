"""Rewrite cluster DNS names in container environment values, command and arguments to Service Connect
client aliases (`payout-service.default.svc:3014` -> `payout-service:3014`), recording every
rewrite with the location of the value (the env entry or the ConfigMap key it came from)."""

from __future__ import annotations

import dataclasses
from typing import Iterator

from migrator.findings import Finding, SourceRef, info, warning
from migrator.map.context import MapContext
from migrator.map.references import Alias, Reference, find_references
from migrator.model.objects import Workload
from migrator.plan.model import ContainerPlan, EnvironmentPlan

Aliases = dict[tuple[str, str, int], Alias]


def rewrite_references(ctx: MapContext, env_plan: EnvironmentPlan, aliases: Aliases) -> tuple[EnvironmentPlan, list[Finding]]:
    workloads = workloads_by_plan_name(ctx)
    findings: list[Finding] = []
    groups = {"services": env_plan.services, "scheduled_tasks": env_plan.scheduled_tasks, "jobs": env_plan.jobs}
    changed = {}
    for field, items in groups.items():
        out = []
        for item in items:
            workload = workloads.get(item.name)
            containers = []
            for container in item.containers:
                new, notes = _rewrite_container(ctx, aliases, workload, item.namespace, container)
                containers.append(new)
                findings.extend(notes)
            out.append(dataclasses.replace(item, containers=tuple(containers)))
        changed[field] = tuple(out)
    findings.extend(_mounted_config_references(ctx, workloads, aliases))
    return dataclasses.replace(env_plan, **changed), findings


def workloads_by_plan_name(ctx: MapContext) -> dict[str, Workload]:
    return {ctx.service_names[w.meta.key]: w for w in ctx.estate.workloads if w.meta.key in ctx.service_names}


def _rewrite_container(ctx, aliases: Aliases, workload: Workload | None, namespace: str,
                       container: ContainerPlan) -> tuple[ContainerPlan, list[Finding]]:
    findings: list[Finding] = []
    environment = {}
    for key, value in container.environment.items():
        where = env_source(ctx, workload, container.name, key)
        environment[key] = _rewrite_value(ctx, aliases, namespace, value, key, f"{container.name} env {key}",
                                          where, findings)
    where = workload.source if workload else SourceRef("")
    command, args = (tuple(_rewrite_value(ctx, aliases, namespace, arg, "", f"{container.name} {what}", where, findings)
                           for arg in values)
                     for what, values in (("command", container.command), ("args", container.args)))
    return dataclasses.replace(container, environment=environment, command=command, args=args), findings


def _rewrite_value(ctx, aliases: Aliases, namespace: str, value: str, key: str, what: str, where: SourceRef,
                   findings: list[Finding]) -> str:
    refs = find_references(value, key, namespace, ctx.estate)
    for ref in sorted(refs, key=lambda r: -r.start):
        replacement, notes = alias_text(ctx, aliases, ref, what, where)
        findings.extend(notes)
        if replacement and replacement != ref.host:
            findings.append(info("discovery.rewrite", f"{what}: {ref.host} -> {replacement} (Service Connect alias)",
                                 where))
            value = value[:ref.start] + replacement + value[ref.end:]
    return value


def alias_text(ctx, aliases: Aliases, ref: Reference, what: str, where: SourceRef) -> tuple[str, list[Finding]]:
    """The alias DNS name a reference must use ("" when it has none) and findings about it."""
    if not ref.in_estate:
        return "", [warning("discovery.unknown-reference", f"{what}: {ref.host} is a cluster DNS name of no Service in "
                            "this estate; point it at the system's address on AWS", where)]
    if ref.pod:
        return "", [warning("discovery.per-pod-dns", f"{what}: {ref.host} names one StatefulSet pod; Service Connect "
                            "has no per-task names. Run each ordinal as its own ECS service with its own alias, or "
                            "use Cloud Map DNS service discovery", where)]
    service = ctx.estate.service(ref.namespace, ref.service)
    ports = [p.port for p in service.ports] if service else []
    port = ref.port if ref.port is not None else (ports[0] if len(ports) == 1 else None)
    if port is None or port not in ports:
        return "", [warning("discovery.port-not-exposed", f"{what}: {ref.host}{':' + str(ref.port) if ref.port else ''}"
                            f" is not a port of Service {ref.namespace}/{ref.service} (ports {ports}); fix the value",
                            where)]
    alias = aliases.get((ref.namespace, ref.service, port))
    if alias is None:
        return "", [warning("discovery.no-alias", f"{what}: {ref.host}:{port} has no Service Connect alias (see the "
                            f"discovery.* findings of Service {ref.namespace}/{ref.service})", where)]
    if alias.port != port:
        return "", [warning("discovery.port-changed", f"{what}: {ref.host}:{port} is served as {alias.dns_name}:"
                            f"{alias.port}; change the port in the value", where)]
    return alias.dns_name, []


def env_source(ctx, workload: Workload | None, container: str, key: str) -> SourceRef:
    """Where an env value was written: the env entry, or the ConfigMap key it was read from."""
    if workload is None:
        return SourceRef("")
    for c in _containers(workload):
        if c.name != container:
            continue
        for env in c.env:
            if env.name == key:
                cm = ctx.estate.config_map(workload.namespace, env.config_map) if env.config_map else None
                return cm.key_sources.get(env.config_map_key, cm.source) if cm else env.source
        for ref in c.env_from:
            cm = ctx.estate.config_map(workload.namespace, ref.config_map) if ref.config_map else None
            if cm and key.startswith(ref.prefix) and key[len(ref.prefix):] in cm.data:
                return cm.key_sources.get(key[len(ref.prefix):], cm.source)
    return workload.source


def _containers(workload: Workload) -> Iterator:
    yield from workload.pod.init_containers
    yield from workload.pod.containers


def _mounted_config_references(ctx, workloads: dict[str, Workload], aliases: Aliases) -> list[Finding]:
    """ConfigMaps mounted as files are not in the plan: report the names to change in them."""
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for workload in workloads.values():
        for volume in workload.pod.volumes:
            key = (workload.namespace, volume.config_map)
            if volume.kind != "configMap" or key in seen:
                continue
            seen.add(key)
            cm = ctx.estate.config_map(*key)
            for name, value in (cm.data.items() if cm else ()):
                where = cm.key_sources.get(name, cm.source)
                for ref in find_references(value, name, workload.namespace, ctx.estate):
                    text, notes = alias_text(ctx, aliases, ref, f"ConfigMap {cm.meta.key} key {name}", where)
                    findings.extend(notes)
                    if text and text != ref.host:
                        findings.append(info("discovery.rewrite-in-file", f"ConfigMap {cm.meta.key} key {name} "
                                             f"(mounted as a file): change {ref.host} to {text}", where))
    return findings
