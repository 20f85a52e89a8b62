"""Routing parity on the live ALB: does every probe request reach the service Kubernetes sends
it to?

The probes and the Kubernetes answers come from the Kubernetes objects themselves (re-loaded
from the plan's sources, or --estate), through the same evaluators `migrate plan` uses
(migrator.routing). The live rules, normalised into the plan's ListenerRule, are evaluated as
ALB does: ascending priority, first match wins. So two swapped priorities fail here even though
the set of rules is unchanged. Without the sources, the planned rules stand in for Kubernetes
(the plan's own route check compared them with Kubernetes) and the report says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Sequence

from migrator.findings import InputError
from migrator.plan import model as p
from migrator.routing import Probe, kubernetes_backend, kubernetes_index, load_balancer_backend, load_balancer_for
from migrator.routing.probes import concrete_host, path_variants, probe_path, probes_for
from migrator.verify.results import ProbeResult

Expectation = Callable[[Probe], "str | None"]


@dataclass(frozen=True)
class RoutingCheck:
    results: tuple[ProbeResult, ...]
    notes: tuple[str, ...]
    traffic_probes: tuple[Probe, ...]  # the probes of migrated services, for traffic parity


def routing_check(plan: p.MigrationPlan, env: p.EnvironmentPlan, estate_paths: Sequence[str],
                  live_lbs: Sequence[p.LoadBalancerPlan], migrated: set[str]) -> RoutingCheck:
    if not env.load_balancers:
        return RoutingCheck((), (), ())
    probes, expect, notes = kubernetes_expectation(plan, env, estate_paths)
    if expect is None:
        probes, expect = plan_probes(env.load_balancers), _plan_expectation(env)
    results, checked, skipped = [], [], 0
    live_names = {lb.name for lb in live_lbs}
    for probe in probes:
        expected = expect(probe)
        if not answered_by_migrated(expected, migrated):
            skipped += 1
            continue
        planned_lb = load_balancer_for(env.load_balancers, probe.host)
        if planned_lb is not None and planned_lb.name not in live_names:
            actual = f"(load balancer {planned_lb.name} missing)"
        else:
            actual = show_answer(load_balancer_backend(live_lbs, probe))
        results.append(ProbeResult(str(probe), show_answer(expected), actual,
                                   planned_lb.name if planned_lb else ""))
        checked.append(probe)
    if skipped:
        notes.append(f"routing: {skipped} probes answered by services of later waves were not checked")
    return RoutingCheck(tuple(results), tuple(notes), tuple(checked))


def show_answer(answer: str | None) -> str:
    # No rule matched (None) and a rule answering a fixed 404 look the same to every client.
    return "404 (no rule)" if answer in (None, "fixed-response:404") else answer


def answered_by_migrated(answer: str | None, migrated: set[str]) -> bool:
    if answer is None or answer.startswith("fixed-response:"):
        return True
    return all(part.rsplit(":", 1)[0] in migrated for part in answer.split(","))


def kubernetes_expectation(plan: p.MigrationPlan, env: p.EnvironmentPlan,
                           estate_paths: Sequence[str]) -> tuple[list[Probe], Expectation | None, list[str]]:
    paths = list(estate_paths) or [s for s in plan.sources if not s.startswith("cluster:")]
    present = [path for path in paths if os.path.exists(path)]
    if not present or len(present) < len(paths):
        missing = ", ".join(path for path in paths if path not in present) or "none recorded in the plan"
        return [], None, [f"routing: Kubernetes sources not found ({missing}); the planned ALB rules stand in "
                          "for Kubernetes. Pass --estate PATH to compare with the Kubernetes objects themselves"]
    try:
        estate, resolve = load_estate(present, env)
    except InputError as exc:
        return [], None, [f"routing: could not re-load the Kubernetes sources ({exc}); the planned ALB rules stand "
                          "in for Kubernetes"]
    index = kubernetes_index(estate.ingresses, estate.routes, resolve)
    probes = probes_for(estate.ingresses, estate.routes)
    return probes, lambda probe: kubernetes_backend(index, probe), []


def load_estate(paths: list[str], env: p.EnvironmentPlan):
    """The Kubernetes objects of `env` and a resolver from (namespace, Service, port) to the
    ECS services that serve it, as `migrate plan` built them."""
    from migrator.config import load_config
    from migrator.load.sources import LoadOptions, load_documents
    from migrator.map.context import MapContext
    from migrator.model.build import build_estate

    config = load_config(paths)
    env_config = config.environment(env.name)
    documents, _ = load_documents(paths, config, env_config, LoadOptions())
    estate, _ = build_estate(documents)
    ctx = MapContext(estate=estate, env=env_config, project=config.project, overrides=config.services)
    planned = {s.name for s in env.services}

    def resolve(namespace: str, name: str, port) -> tuple[tuple[str, int], ...]:
        service = next((s for s in estate.services if s.meta.namespace == namespace and s.meta.name == name), None)
        if service is None or not service.selector:
            return ()
        workloads = ctx.workloads_selected_by(namespace, dict(service.selector))
        return tuple((ctx.service_name(w), max(w.replicas or 1, 1)) for w in workloads
                     if ctx.service_name(w) in planned)

    return estate, resolve


def plan_probes(load_balancers: Sequence[p.LoadBalancerPlan]) -> list[Probe]:
    """Probes from the planned rules: each host and path with its variants, plus method and
    header conditions satisfied, and an unknown host."""
    probes: set[Probe] = set()
    for lb in load_balancers:
        for rule in lb.rules:
            c = rule.conditions
            hosts = [concrete_host(h) for h in c.host_headers] or ["unmatched.probe.invalid"]
            paths = [probe_path(x) for x in c.path_patterns] or ["/"]
            method = c.http_methods[0] if c.http_methods else "GET"
            headers = tuple(sorted((name, values[0].replace("*", "x")) for name, values in c.http_headers
                                   if values and not name.startswith("(")))
            for host in hosts:
                for path in paths:
                    probes.update(Probe(host, variant, method, headers) for variant in path_variants(path))
    return sorted(probes)


def _plan_expectation(env: p.EnvironmentPlan) -> Expectation:
    return lambda probe: load_balancer_backend(env.load_balancers, probe)
