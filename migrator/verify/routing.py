"""Routing parity on the live ALB: does every probe request reach the service Kubernetes sends
it to?

The probes and the Kubernetes answers come from the Kubernetes objects themselves (re-loaded
from the plan's sources, or --estate) through the same pieces `migrate plan`'s route check uses
(migrator.routing evaluators, the Service -> ECS service resolver, public/internal partitions,
the environment's host map). The live rules, normalised into the plan's ListenerRule, are
evaluated as ALB does: ascending priority, first match wins. So two swapped priorities fail
here even though the set of rules is unchanged. Without the sources, the planned rules stand in
for Kubernetes (the plan's own route check compared them with Kubernetes) and a note says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Sequence

from migrator.findings import InputError
from migrator.plan import model as p
from migrator.routing import Probe, alb_backend, kubernetes_backend, kubernetes_index, load_balancer_for
from migrator.routing.alb import default_answer
from migrator.routing.probes import concrete_host, path_variants, probe_path, probes_for
from migrator.verify.results import ProbeResult


@dataclass(frozen=True)
class Expectation:
    probe: Probe  # as this environment's clients send it
    answer: str | None  # where Kubernetes (or, without sources, the plan) sends it
    load_balancers: tuple[str, ...]  # the planned load balancers of its partition (public / internal)


@dataclass(frozen=True)
class RoutingCheck:
    results: tuple[ProbeResult, ...]
    notes: tuple[str, ...]
    traffic_probes: tuple[Probe, ...]  # the probes of migrated services, for traffic parity


def routing_check(plan: p.MigrationPlan, env: p.EnvironmentPlan, estate_paths: Sequence[str],
                  live_lbs: Sequence[p.LoadBalancerPlan], migrated: set[str], plan_path: str = "") -> RoutingCheck:
    if not env.load_balancers:
        return RoutingCheck((), (), ())
    expectations, notes = kubernetes_expectations(plan, env, estate_paths, plan_path)
    if expectations is None:
        expectations = plan_expectations(env)
    results, checked, skipped = [], [], 0
    live_router = Router(live_lbs)
    for expected in expectations:
        if not answered_by_migrated(expected.answer, migrated):
            skipped += 1
            continue
        planned = [lb for lb in env.load_balancers if lb.name in expected.load_balancers]
        planned_lb = load_balancer_for(planned, expected.probe.host)
        if planned_lb is not None and planned_lb.name not in live_router.names:
            actual = f"(load balancer {planned_lb.name} missing)"
        else:
            actual = show_answer(live_router.answer(expected.load_balancers, expected.probe))
        results.append(ProbeResult(str(expected.probe), show_answer(expected.answer), actual,
                                   planned_lb.name if planned_lb else ""))
        checked.append(expected.probe)
    if skipped:
        notes.append(f"routing: {skipped} probes answered by services of later waves were not checked")
    return RoutingCheck(tuple(results), tuple(notes), tuple(checked))


class Router:
    """Where load balancers send probes: migrator.routing's ALB evaluator, given for each probe
    only the rules that could match it (a literal host that differs, or a path outside every
    pattern's literal prefix, rules a rule out), so thousands of probes over hundreds of rules
    stay fast. The first match by priority among those is the first match among all."""

    def __init__(self, load_balancers: Sequence[p.LoadBalancerPlan]):
        self.load_balancers = list(load_balancers)
        self.names = {lb.name for lb in self.load_balancers}
        self._rules = {lb.name: [(rule, _literal_hosts(rule), _path_prefixes(rule))
                                 for rule in sorted(lb.rules, key=lambda r: r.priority)]
                       for lb in self.load_balancers}

    def answer(self, names: Sequence[str], probe: Probe) -> str | None:
        lb = load_balancer_for([x for x in self.load_balancers if x.name in names], probe.host)
        if lb is None:
            return None
        host = probe.host.split(":", 1)[0].lower()
        candidates = [rule for rule, hosts, prefixes in self._rules[lb.name]
                      if (hosts is None or host in hosts)
                      and (prefixes is None or any(probe.path.startswith(x) for x in prefixes))]
        return alb_backend(candidates, default_answer(lb), probe)


def _literal_hosts(rule: p.ListenerRule) -> frozenset[str] | None:
    hosts = rule.conditions.host_headers
    if not hosts or any(c in h for h in hosts for c in "*?"):
        return None
    return frozenset(h.lower() for h in hosts)


def _path_prefixes(rule: p.ListenerRule) -> tuple[str, ...] | None:
    patterns = rule.conditions.path_patterns
    if not patterns:
        return None
    return tuple(x[:min((x.find(c) for c in "*?" if c in x), default=len(x))] for x in patterns)


def show_answer(answer: str | None) -> str:
    # No rule matched (None) and a rule answering a fixed 404 look the same to every client.
    return "404 (no rule)" if answer in (None, "fixed-response:404") else answer


def answered_by_migrated(answer: str | None, migrated: set[str]) -> bool:
    if answer is None or answer.startswith("fixed-response:"):
        return True
    return all(part.rsplit(":", 1)[0] in migrated for part in answer.split(","))


def source_candidates(plan: p.MigrationPlan, estate_paths: Sequence[str], plan_path: str) -> list[list[str]]:
    """--estate, else the plan's sources read from the working directory or beside the plan file."""
    if estate_paths:
        return [list(estate_paths)] if all(os.path.exists(x) for x in estate_paths) else []
    sources = [s for s in plan.sources if not s.startswith("cluster:")]
    bases = dict.fromkeys([os.getcwd()] + ([os.path.dirname(os.path.abspath(plan_path))] if plan_path else []))
    found = [[os.path.normpath(os.path.join(base, s)) for s in sources] for base in bases]
    return [paths for paths in found if paths and all(os.path.exists(x) for x in paths)]


def kubernetes_expectations(plan: p.MigrationPlan, env: p.EnvironmentPlan, estate_paths: Sequence[str],
                            plan_path: str = "") -> tuple[list[Expectation] | None, list[str]]:
    fallback = "the planned ALB rules stand in for Kubernetes"
    problems = []
    for paths in source_candidates(plan, estate_paths, plan_path):
        try:
            return _expectations(paths, plan, env), []
        except InputError as exc:
            problems.append(str(exc))
    if problems:
        return None, [f"routing: could not re-load the Kubernetes sources ({'; '.join(problems)}); {fallback}. "
                      "Pass --estate PATH to compare with the Kubernetes objects themselves"]
    wanted = ", ".join(estate_paths or plan.sources) or "none recorded in the plan"
    return None, [f"routing: Kubernetes sources not found ({wanted}); {fallback}. Pass --estate PATH to compare "
                  "with the Kubernetes objects themselves"]


def _expectations(paths: list[str], plan: p.MigrationPlan, env: p.EnvironmentPlan) -> list[Expectation]:
    from migrator.config import load_config
    from migrator.load.sources import LoadOptions, load_documents
    from migrator.map.context import MapContext
    from migrator.map.routes.backends import Endpoints
    from migrator.map.routes.check import sources_by_partition, translate
    from migrator.model.build import build_estate

    config = load_config(paths)
    if config.project != plan.project:
        raise InputError("verify.estate", f"these sources are project {config.project!r}, the plan is "
                         f"{plan.project!r}", paths[0])
    env_config = config.environment(env.name)
    documents, _ = load_documents(paths, config, env_config, LoadOptions())
    estate, _ = build_estate(documents)
    ctx = MapContext(estate=estate, env=env_config, project=config.project, overrides=config.services)
    resolve = Endpoints(ctx, env).weights
    out = []
    for partition, ingresses, routes in sources_by_partition(estate):  # as the plan's self-check does
        lbs = tuple(lb.name for lb in env.load_balancers if lb.internal == (partition == "internal"))
        index = kubernetes_index(ingresses, routes, resolve)
        out += [Expectation(translate(probe, env_config.host_map), kubernetes_backend(index, probe), lbs)
                for probe in probes_for(ingresses, routes)]
    return out


def plan_expectations(env: p.EnvironmentPlan) -> list[Expectation]:
    """Probes from the planned rules (each host and path with its variants, method and header
    conditions satisfied), answered by the planned rules."""
    router = Router(env.load_balancers)
    out = []
    for lb in env.load_balancers:
        probes: set[Probe] = set()
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
        same_partition = tuple(x.name for x in env.load_balancers if x.internal == lb.internal)
        out += [Expectation(probe, router.answer(same_partition, probe), same_partition) for probe in sorted(probes)]
    return out
