"""Cutover waves: a service moves only after everything it calls (a Service Connect alias
resolves only in tasks started after its endpoint exists), public entry points move after the
internal services, and `services: {name: {wave: N}}` in migrate.yaml overrides.

The call graph comes from DNS references in each service's environment and arguments, and from
URLs of the ALB's own hosts (resolved with the Kubernetes route matcher). Cycles are broken
deterministically: a depth-first walk in name order drops each edge that closes a cycle, and the
finding says which caller must be redeployed after the wave its callee moves in."""

from __future__ import annotations

import dataclasses
import re

from migrator.map.guard import finding_on_failure
from migrator.findings import Finding, SourceRef, warning
from migrator.map.context import MapContext
from migrator.map.discovery import service_connect_entries
from migrator.map.references import find_references
from migrator.map.routes.backends import Endpoints
from migrator.plan.model import EnvironmentPlan
from migrator.routing import Probe, kubernetes_backend, kubernetes_index

_URL = re.compile(r"https?://(?P<host>[A-Za-z0-9.-]+)(?::\d+)?(?P<path>/[^\s\"',;]*)?")


@finding_on_failure
def plan_waves(ctx: MapContext, env_plan: EnvironmentPlan) -> tuple[EnvironmentPlan, list[Finding]]:
    names = sorted({s.name for s in env_plan.services})
    calls = call_graph(ctx, env_plan)
    findings: list[Finding] = []
    for caller, callee in broken_edges(names, calls):
        calls[caller].discard(callee)
        findings.append(warning("wave.cycle", f"{caller} and {callee} call each other (directly or through others); "
                                f"{caller} moves first, so redeploy it (force a new deployment) after {callee} has "
                                "moved, for its Service Connect proxy to resolve the new endpoint",
                                _source(env_plan, caller)))
    waves, notes = assign_waves(ctx, env_plan, names, calls, entry_points(ctx, env_plan))
    findings.extend(notes)
    services = tuple(dataclasses.replace(s, wave=waves[s.name]) for s in env_plan.services)
    top = max(waves.values(), default=0)
    grouped = tuple(tuple(sorted(n for n in names if waves[n] == w)) for w in range(1, top + 1))
    return dataclasses.replace(env_plan, services=services, waves=grouped), findings


def call_graph(ctx: MapContext, env_plan: EnvironmentPlan) -> dict[str, set[str]]:
    """ECS service -> the ECS services it calls."""
    aliases = service_connect_entries(ctx, env_plan)[0]
    hosts = {r.host.lower() for i in ctx.estate.ingresses for r in i.rules if r.host} | \
        {h.lower() for r in ctx.estate.routes for h in r.hostnames}
    index = kubernetes_index(ctx.estate.ingresses, ctx.estate.routes, Endpoints(ctx, env_plan).weights) if hosts else None
    calls: dict[str, set[str]] = {s.name: set() for s in env_plan.services}
    for service in env_plan.services:
        for container in service.containers:
            for key, value in (*container.environment.items(), *(("", a) for a in container.args)):
                for ref in find_references(value, key, service.namespace, ctx.estate):
                    alias = next((a for (ns, svc, port), a in aliases.items()
                                  if (ns, svc) == (ref.namespace, ref.service) and (ref.port in (None, port))), None)
                    if alias is not None:
                        calls[service.name].add(alias.service)
                if index is not None:
                    calls[service.name] |= _public_calls(index, hosts, value)
    for caller, callees in calls.items():
        callees.discard(caller)
        callees &= set(calls)
    return calls


def _public_calls(index, hosts: set[str], value: str) -> set[str]:
    out = set()
    for match in _URL.finditer(value):
        if match.group("host").lower() in hosts:
            answer = kubernetes_backend(index, Probe(match.group("host").lower(), match.group("path") or "/"))
            out |= {part.split(":")[0] for part in (answer or "").split(",") if not part.startswith("fixed-response")}
    return out


def broken_edges(names: list[str], calls: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Edges that close a cycle in a depth-first walk in name order (iterative: estates are large)."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    broken = []
    for root in names:
        if state.get(root):
            continue
        stack = [(root, iter(sorted(calls.get(root, ()))))]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                broken.append((node, child))
            elif not state.get(child):
                state[child] = 1
                stack.append((child, iter(sorted(calls.get(child, ())))))
    return broken


def entry_points(ctx: MapContext, env_plan: EnvironmentPlan) -> set[str]:
    """Services the ALB routes to, and services behind NodePort / LoadBalancer Services."""
    out = set()
    for lb in env_plan.load_balancers:
        out |= {t.service for r in lb.rules for t in r.targets} | {t.service for t in lb.default_targets}
    endpoints = Endpoints(ctx, env_plan)
    for service in ctx.estate.services:
        if service.type in ("NodePort", "LoadBalancer") and service.selector:
            out |= {ctx.service_name(w) for w in endpoints.workloads(service)}
    return out


def assign_waves(ctx: MapContext, env_plan: EnvironmentPlan, names: list[str], calls: dict[str, set[str]],
                 entries: set[str]) -> tuple[dict[str, int], list[Finding]]:
    reaches_entry: dict[str, bool] = {}
    inner: dict[str, int] = {}
    for name in _topological(names, calls):  # callees before callers
        reaches_entry[name] = name in entries or any(reaches_entry[c] for c in calls[name])
        if not reaches_entry[name]:
            inner[name] = 1 + max((inner[c] for c in calls[name]), default=0)
    inner_top = max(inner.values(), default=0)
    waves: dict[str, int] = {}
    findings: list[Finding] = []
    for name in _topological(names, calls):
        needed = 1 + max((waves[c] for c in calls[name]), default=0)
        if name in entries:
            needed = max(needed, inner_top + 1)
        fixed = ctx.override(name).wave
        if fixed is not None and fixed < needed:
            late = sorted(c for c in calls[name] if waves[c] >= fixed)
            findings.append(warning("wave.override-conflict", f"{name} is set to wave {fixed} in migrate.yaml but "
                                    f"calls {', '.join(late) or 'services'} that move in a later or the same wave; "
                                    "redeploy it after they move", _source(env_plan, name)))
        waves[name] = fixed if fixed is not None and fixed > 0 else needed
    return waves, findings


def _topological(names: list[str], calls: dict[str, set[str]]) -> list[str]:
    done: set[str] = set()
    order: list[str] = []
    for root in names:
        stack = [(root, iter(sorted(calls[root])))] if root not in done else []
        done.add(root)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                order.append(node)
                stack.pop()
            elif child not in done:
                done.add(child)
                stack.append((child, iter(sorted(calls[child]))))
    return order


def _source(env_plan: EnvironmentPlan, name: str) -> SourceRef:
    service = next((s for s in env_plan.services if s.name == name), None)
    return SourceRef(service.source.file, service.source.line) if service else SourceRef("")
