"""`migrate verify`, end to end: plan + live state (+ traffic) -> VerifyReport. No printing."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Callable

from migrator.findings import InputError
from migrator.plan import model as p
from migrator.verify import aws, live, names, routing, traffic
from migrator.verify.checks import service_result
from migrator.verify.normalise import live_service, target_group_keys, target_group_services
from migrator.verify.normalise_routes import live_http_rules, live_load_balancer
from migrator.verify.results import VerifyReport
from migrator.verify.routes import route_results
from migrator.verify.schedules import schedule_results

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class VerifyOptions:
    env: str
    plan_path: str = "migration-plan.yaml"
    wave: int | None = None  # check services of waves <= wave; None: every service
    endpoint_url: str | None = None
    profile: str | None = None
    region: str | None = None  # default: the plan environment's region
    traffic: str | None = None  # "old=URL,new=URL"
    requests_file: str | None = None
    estate_paths: tuple[str, ...] = ()  # Kubernetes sources for routing parity (default: the plan's sources)
    workers: int = 16
    retry_mode: str = "adaptive"
    traffic_max_requests: int = 200
    traffic_budget_seconds: float = 60.0


def environment_of(plan: p.MigrationPlan, name: str, plan_path: str) -> p.EnvironmentPlan:
    env = plan.environment(name)
    if env is None:
        known = ", ".join(e.name for e in plan.environments) or "none"
        raise InputError("verify.unknown-env", f"environment {name!r} is not in the plan (it has: {known})", plan_path)
    return env


def verify_environment(plan: p.MigrationPlan, options: VerifyOptions, progress: Progress | None = None) -> VerifyReport:
    started = time.monotonic()
    env = environment_of(plan, options.env, options.plan_path)
    migrated = {s.name for s in env.services if options.wave is None or s.wave <= options.wave}
    requests, ignore = traffic.load_requests(options.requests_file) if options.requests_file else ([], ())
    traffic_endpoints = traffic.parse_traffic_option(options.traffic) if options.traffic else None
    target = aws.AwsTarget(region=options.region or env.settings.region, profile=options.profile,
                           endpoint_url=options.endpoint_url, retry_mode=options.retry_mode, workers=options.workers)
    clients = aws.connect(target)
    wanted = live.Wanted(project=plan.project, env=env.name, services=tuple(sorted(migrated)),
                         load_balancers=tuple(lb.name for lb in env.load_balancers),
                         https=frozenset(lb.name for lb in env.load_balancers if lb.https),
                         schedules=tuple(names.schedule_name(plan.project, env.name, job.name)
                                         for job in env.scheduled_tasks))
    try:
        state = live.read_live_state(clients, wanted, progress)
    except InputError:
        raise
    except Exception as exc:  # an AWS access problem is "could not verify", in one line
        explained = aws.explain_aws_error(exc, target)
        if explained is None:
            raise
        raise explained from None
    keys = target_group_keys(env, state)
    services = [service_result(s, live_service(s.name, state, keys) if s.name in migrated else None, env,
                               migrated=s.name in migrated) for s in env.services]
    live_lbs = _live_load_balancers(env, state, keys)
    live_http = _live_http_rules(env, state, keys)
    routes = [r for lb in env.load_balancers
              for r in route_results(lb, live_lbs.get(lb.name), migrated, live_http.get(lb.name))]
    schedules = schedule_results(plan.project, env, state.schedules, state.cluster_name)
    check = routing.routing_check(plan, env, options.estate_paths, list(live_lbs.values()), migrated,
                                  options.plan_path)
    notes = list(check.notes)
    traffic_results = []
    if traffic_endpoints:
        sent = [traffic.TrafficRequest(pr.host, pr.path, pr.method, pr.headers) for pr in check.traffic_probes]
        traffic_options = traffic.TrafficOptions(
            old=traffic_endpoints[0], new=traffic_endpoints[1], max_requests=options.traffic_max_requests,
            budget_seconds=options.traffic_budget_seconds, ignore=(*traffic.DEFAULT_IGNORE, *ignore))
        traffic_results, traffic_notes = traffic.compare_traffic(sent + requests, traffic_options)
        notes += traffic_notes
    return VerifyReport(
        env=env.name, cluster=state.cluster_name, wave=options.wave, services=tuple(services), routes=tuple(routes),
        schedules=tuple(schedules), probes=tuple(check.results), traffic=tuple(traffic_results), notes=tuple(notes),
        api_calls={f"{service}:{op}": n for (service, op), n in sorted(clients.log.calls.items())},
        seconds=round(time.monotonic() - started, 3))


def _live_load_balancers(env: p.EnvironmentPlan, state: live.LiveState, keys: dict[str, str]) -> dict[str, p.LoadBalancerPlan]:
    services = target_group_services(state)
    out = {}
    for planned in env.load_balancers:
        lb = state.load_balancers.get(planned.name)
        if lb is None:
            continue
        normalised = live_load_balancer(planned.name, lb, state.listeners.get(lb["LoadBalancerArn"], []),
                                        state.rules, keys, services, planned.https)
        # Which hosts DNS sends to this load balancer is not a property of the ALB: keep the plan's.
        out[planned.name] = dataclasses.replace(normalised, hosts=planned.hosts, tls_hosts=planned.tls_hosts)
    return out


def _live_http_rules(env: p.EnvironmentPlan, state: live.LiveState,
                     keys: dict[str, str]) -> dict[str, tuple[p.ListenerRule, ...] | None]:
    """Per load balancer, the rules port 80 serves itself beside a live HTTPS listener."""
    services = target_group_services(state)
    return {planned.name: live_http_rules(state.listeners.get(lb["LoadBalancerArn"], []), state.rules, keys,
                                          services, planned.https)
            for planned in env.load_balancers if (lb := state.load_balancers.get(planned.name)) is not None}
