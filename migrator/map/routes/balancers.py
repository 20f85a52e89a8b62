"""Draft rules of one partition -> LoadBalancerPlans (listeners, rules with priorities, default
action, TLS) and the target groups each ECS service registers with."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

from migrator.findings import Finding, info, warning
from migrator.map.context import MapContext, plan_source
from migrator.map.routes.backends import Endpoint, Endpoints
from migrator.map.routes.defaults import catch_alls, conflicts
from migrator.map.routes.entries import RouteEntry
from migrator.map.routes.packing import pack
from migrator.map.routes.priorities import assign_priorities
from migrator.map.routes.rules import Draft, depth_guards
from migrator.model.objects import Ingress
from migrator.plan.model import ListenerRule, LoadBalancerPlan, RuleCondition, WeightedTarget

CERTIFICATE_ARN = "alb.ingress.kubernetes.io/certificate-arn"


@dataclass
class TargetGroups:
    """Target group keys per (load balancer, endpoint): a target group serves one ALB."""

    keys: dict[tuple[str, Endpoint], str] = field(default_factory=dict)
    health_paths: dict[str, str] = field(default_factory=dict)

    def key(self, lb: str, endpoint: Endpoint, first_lb: bool, health_path: str = "") -> str:
        name = f"{endpoint.service}-{endpoint.container_port}" + ("" if first_lb else f"-{lb}")
        self.keys[(lb, endpoint)] = name
        if health_path:
            self.health_paths.setdefault(name, health_path)
        return name


def load_balancers_for(ctx: MapContext, partition: str, drafts: list[Draft], ingresses: list[Ingress],
                       endpoints: Endpoints, groups: TargetGroups, first_name: str) -> tuple[list[LoadBalancerPlan], list[Finding]]:
    findings: list[Finding] = []
    default, notes = _default_endpoints(partition, ingresses, endpoints)
    findings.extend(notes)
    scoped, by_host, notes = catch_alls(partition, ingresses, endpoints, ctx.env.host_map, default)
    findings.extend(notes)
    by_host = {ctx.env.host_map.get(host, host): answer for host, answer in by_host.items()}
    drafts = drafts + depth_guards(drafts, default, by_host) + scoped
    bins, notes = pack(drafts, extra_targets=len(default or ()))
    findings.extend(notes)
    tls = _tls_hosts(ctx, ingresses)
    lbs = []
    for i, members in enumerate(bins):
        name = partition if i == 0 else f"{partition}-{i + 1}"
        placed, notes = assign_priorities(members)
        findings.extend(notes)
        rules = tuple(_listener_rule(name, priority, d, groups, name == first_name) for priority, d in placed)
        default_targets = tuple(WeightedTarget(groups.key(name, e, name == first_name), w, e.service)
                                for e, w in default or ())  # None: nothing serves it, the ALB answers 503
        lb, notes = _with_tls(ctx, LoadBalancerPlan(
            name=name, hosts=tuple(sorted({h for d in members for h in d.hosts})), rules=rules,
            default_target=default_targets[0].target_group if default_targets else "",
            default_targets=default_targets, internal=partition == "internal",
            default_fixed_response=503 if default is None else 0), tls, ingresses)
        lbs.append(lb)
        findings.extend(notes)
    return lbs, findings


def _listener_rule(lb: str, priority: int, draft: Draft, groups: TargetGroups, first_lb: bool) -> ListenerRule:
    entry = draft.entry
    targets = tuple(WeightedTarget(groups.key(lb, t.endpoint, first_lb, entry.health_check_path), t.weight,
                                   t.endpoint.service) for t in draft.targets)
    headers: dict[str, list[str]] = {}
    for name, value in entry.headers:
        headers.setdefault(name, []).append(value)
    return ListenerRule(
        priority=priority,
        conditions=RuleCondition(host_headers=draft.hosts, path_patterns=draft.paths, http_methods=entry.methods,
                                 http_headers=tuple((n, tuple(v)) for n, v in sorted(headers.items()))),
        targets=targets, service=targets[0].service if targets else "", source=plan_source(entry.source),
        fixed_response=draft.fixed_response, origin=entry.origin)


def _default_endpoints(partition: str, ingresses: list[Ingress], endpoints: Endpoints):
    """The default action: the first Ingress default backend by namespace/name (other classes'
    default backends answer their own hosts: migrator.map.routes.defaults). None: 503."""
    with_default = [i for i in ingresses if i.default_backend is not None]
    if not with_default:
        return (), []
    first = with_default[0]
    findings = conflicts(partition, ingresses)
    backend = first.default_backend
    found = endpoints.for_backend(first.meta.namespace, backend.service, backend.port)
    if not found:
        findings.append(warning("route.no-backend", f"Ingress {first.meta.key}: default backend {backend.service} "
                                "selects no planned workload; the ALB default action answers 503", backend.source))
        return None, findings
    divisor = math.gcd(*(e.weight for e in found))  # task counts as ALB weights: 3 tasks alone are weight 1
    return tuple((e, e.weight // divisor) for e in found), findings


def _tls_hosts(ctx: MapContext, ingresses: list[Ingress]) -> set[str]:
    hosts: set[str] = set()
    for ingress in ingresses:
        for tls in ingress.tls:
            names = tls.hosts or tuple(r.host for r in ingress.rules if r.host)
            hosts.update(ctx.env.host_map.get(h.lower(), h.lower()) for h in names)
    return hosts


def _with_tls(ctx: MapContext, lb: LoadBalancerPlan, tls: set[str], ingresses: list[Ingress]):
    wildcards = {t[1:] for t in tls if t.startswith("*.")}  # ".example.com"
    lengths = sorted({len(suffix) for suffix in wildcards})
    covered = tuple(sorted(h for h in lb.hosts if h in tls or any(h[len(h) - n:] in wildcards
                                                                   for n in lengths if n <= len(h))))
    if not covered:
        return lb, []
    findings = []
    certificate = ctx.env.certificate_arn or next(
        (i.meta.annotations[CERTIFICATE_ARN] for i in ingresses if CERTIFICATE_ARN in i.meta.annotations), "")
    where = next(i.tls[0].source for i in ingresses if i.tls)
    if not certificate:
        findings.append(warning("route.certificate-needed", f"ALB {lb.name} serves HTTPS for {', '.join(covered)}; "
                                "set environments.<env>.alb.certificate_arn in migrate.yaml (an ACM certificate "
                                "covering these hosts) or pass it to Terraform", where))
    everything = len(covered) == len(lb.hosts) and not any(not r.conditions.host_headers for r in lb.rules)
    scope = "HTTP redirects to HTTPS" if everything else \
        "on HTTP, rules for these hosts redirect to HTTPS and the other hosts are served as before"
    findings.append(info("route.https-redirect", f"ALB {lb.name}: HTTPS listener for {', '.join(covered)}; {scope}",
                         where))
    return dataclasses.replace(lb, https=True, certificate_arn=certificate, tls_hosts=covered,
                               redirect_http_to_https=True), findings


def entries_by_partition(entries: list[RouteEntry]) -> dict[str, list[RouteEntry]]:
    out: dict[str, list[RouteEntry]] = {}
    for entry in entries:
        out.setdefault(entry.partition, []).append(entry)
    return out
