"""Service Connect from Kubernetes Services: one entry per Service port that selects a workload,
with a client alias named like the Service (`cartservice:7070`) so callers keep their URLs.
Cluster DNS forms in configuration values are rewritten to the alias, each rewrite a located
finding; Services ECS cannot serve the same way are findings with the recommended shape."""

from __future__ import annotations

import dataclasses
import re

from migrator import data
from migrator.map.guard import finding_on_failure
from migrator.findings import Finding, info, warning
from migrator.map.context import MapContext, plan_source
from migrator.map.references import Alias
from migrator.map.rewrites import rewrite_references
from migrator.map.routes.backends import Endpoints
from migrator.model.objects import Service, ServicePort
from migrator.plan.model import EnvironmentPlan, ServiceConnectEntry

_NAME = re.compile(r"[^a-z0-9_-]")


@finding_on_failure
def plan_service_connect(ctx: MapContext, env_plan: EnvironmentPlan) -> tuple[EnvironmentPlan, list[Finding]]:
    aliases, entries, findings, endpoints = service_connect_entries(ctx, env_plan)
    services = tuple(dataclasses.replace(s, service_connect=tuple(entries.get(s.name, ()))) if s.name in entries else s
                     for s in env_plan.services)
    env_plan = dataclasses.replace(env_plan, services=endpoints.apply_added_ports(services))
    env_plan, notes = rewrite_references(ctx, env_plan, aliases)
    return env_plan, findings + notes


def service_connect_entries(ctx: MapContext, env_plan: EnvironmentPlan):
    """(aliases by (namespace, Service, port), entries by ECS service, findings, endpoints)."""
    endpoints = Endpoints(ctx, env_plan)
    taken_discovery: set[str] = set()
    taken_alias: set[tuple[str, int]] = set()
    aliases: dict[tuple[str, str, int], Alias] = {}
    entries: dict[str, list[ServiceConnectEntry]] = {}
    findings: list[Finding] = []
    by_name: dict[str, set[str]] = {}
    for service in ctx.estate.services:
        by_name.setdefault(service.meta.name, set()).add(service.meta.namespace)
    unique = {s.meta.key: s for s in reversed(ctx.estate.services)}  # a Service loaded twice counts once
    ordered = sorted(unique.values(), key=lambda s: (s.meta.namespace != "default", s.type != "ClusterIP",
                                                         s.meta.namespace, s.meta.name))
    behind_alb = alb_schemes_by_target(env_plan)
    for service in ordered:
        findings.extend(_shape_findings(service))
        findings.extend(_exposure_findings(service, endpoints, behind_alb))
        workloads = endpoints.workloads(service) if service.selector and not service.external_name else []
        if not workloads:
            if service.selector and not service.external_name:
                findings.append(warning("discovery.selects-nothing", f"Service {service.meta.key} selects no planned "
                                        "workload; it gets no Service Connect name", service.source))
            continue
        if len(workloads) > 1:
            findings.append(_several_workloads(ctx, service, workloads))
        collides = len(by_name[service.meta.name]) > 1
        for port in service.ports:
            entry, alias, notes = _entry(ctx, endpoints, service, port, workloads[0], collides,
                                         taken_discovery, taken_alias, entries)
            findings.extend(notes)
            if alias is not None:
                aliases[(service.meta.namespace, service.meta.name, port.port)] = alias
            if entry is not None:
                entries.setdefault(alias.service, []).append(entry)
    return aliases, entries, findings + endpoints.findings, endpoints


def _entry(ctx, endpoints: Endpoints, service: Service, port: ServicePort, workload, collides: bool,
           taken_discovery: set, taken_alias: set, entries: dict):
    if port.protocol.upper() != "TCP":
        return None, None, [warning("discovery.udp-port" if port.protocol.upper() == "UDP" else "discovery.protocol",
                                    f"Service {service.meta.key} port {port.port}/{port.protocol}: Service Connect "
                                    "proxies TCP only. Put the port behind a Network Load Balancer (UDP listener) or "
                                    "register the tasks in Cloud Map for DNS (A records)", port.source)]
    ecs = ctx.service_name(workload)
    found = [e for e in endpoints.for_port(service, port) if e.service == ecs]
    if not found:
        return None, None, []
    endpoint = found[0]
    same_port = next((e for e in entries.get(ecs, ()) if e.port_name == endpoint.port_name), None)
    if same_port is not None:
        return None, Alias(same_port.dns_name, same_port.port, ecs), [info(
            "discovery.shared-port", f"Service {service.meta.key} port {port.port} reaches the same container port as "
            f"{same_port.kubernetes_service}; an ECS port has one client alias, so callers of "
            f"{service.meta.name}:{port.port} are rewritten to {same_port.dns_name}:{same_port.port}", port.source)]
    findings = []
    dns = service.meta.name
    if (dns, port.port) in taken_alias:
        dns = f"{service.meta.name}.{service.meta.namespace}"
        findings.append(warning("discovery.name-collision", f"Service {service.meta.key}: {service.meta.name}:"
                                f"{port.port} is already a client alias in this environment's one namespace; "
                                f"this Service is reached as {dns}:{port.port} and its callers are rewritten",
                                service.source))
    taken_alias.add((dns, port.port))
    base = service.meta.name if len(service.ports) == 1 else f"{service.meta.name}-{port.name or port.port}"
    if collides and service.meta.namespace != "default":
        base = f"{base}-{service.meta.namespace}"
    discovery = _unique(_clean(base, "discovery_name"), taken_discovery)
    entry = ServiceConnectEntry(port_name=endpoint.port_name, discovery_name=discovery, dns_name=dns,
                                port=port.port, kubernetes_service=service.meta.key, source=plan_source(port.source))
    return entry, Alias(dns, port.port, ecs), findings


def _clean(name: str, rule: str) -> str:
    limits = data.table("service_connect")[rule]
    return _NAME.sub("-", name.lower()).lstrip("-")[:limits["max_length"]] or "svc"


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{name[:60]}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def _several_workloads(ctx: MapContext, service: Service, workloads) -> Finding:
    names = [ctx.service_name(w) for w in workloads]
    return warning("discovery.multiple-workloads",
                   f"Service {service.meta.key} selects {len(names)} workloads ({', '.join(names)}); a Service Connect "
                   f"alias answers from one ECS service, so {service.meta.name} goes to {names[0]}. To keep the "
                   "split, run the versions as one ECS service, or route through an internal ALB with weighted "
                   "target groups", service.source)


def _shape_findings(service: Service) -> list[Finding]:
    key, out = service.meta.key, []
    if service.external_name:
        out.append(info("discovery.external-name", f"Service {key} is an alias for {service.external_name}; ECS has no "
                        "equivalent, so callers are left as they are. Give them the external name directly or a "
                        "Route 53 private CNAME", service.source))
    elif not service.selector:
        out.append(warning("discovery.no-selector", f"Service {key} has no selector (hand-made Endpoints); register "
                           "its addresses in Cloud Map or give callers the address directly", service.source))
    if service.headless:
        out.append(info("discovery.headless", f"Service {key} is headless: Kubernetes DNS returns every pod's address. "
                        "Service Connect gives one proxied name; clients that need each task's address (peer "
                        "discovery, client-side balancing) need Cloud Map DNS service discovery instead",
                        service.source))
    return out


def alb_schemes_by_target(env_plan: EnvironmentPlan) -> dict[tuple[str, str, int], set[bool]]:
    """(ECS service, container, port) of every target group -> `internal` of each ALB whose
    rules or default action forward to it (a target group serves one ALB)."""
    internal_by_group: dict[str, set[bool]] = {}
    for lb in env_plan.load_balancers:
        for target in (*(t for rule in lb.rules for t in rule.targets), *lb.default_targets):
            internal_by_group.setdefault(target.target_group, set()).add(lb.internal)
        if lb.default_target:
            internal_by_group.setdefault(lb.default_target, set()).add(lb.internal)
    reach: dict[tuple[str, str, int], set[bool]] = {}
    for service in env_plan.services:
        for target in service.load_balancers:
            reach.setdefault((service.name, target.container, target.container_port), set()).update(
                internal_by_group.get(target.target_group, ()))
    return reach


# What makes a `type: LoadBalancer` Service's own load balancer internal. AWS: the in-tree cloud
# provider (any aws-load-balancer-internal value but "false") and the AWS Load Balancer Controller
# (aws-load-balancer-scheme; internal by default for the Services it handles, type external /
# nlb-ip): https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
# GKE and AKS spell it their own way.
AWS_SCHEME = "service.beta.kubernetes.io/aws-load-balancer-scheme"
AWS_INTERNAL = "service.beta.kubernetes.io/aws-load-balancer-internal"
AWS_TYPE = "service.beta.kubernetes.io/aws-load-balancer-type"
OTHER_INTERNAL = {"networking.gke.io/load-balancer-type": "internal", "cloud.google.com/load-balancer-type": "internal",
                  "service.beta.kubernetes.io/azure-load-balancer-internal": "true"}


def internal_load_balancer(service: Service) -> str:
    """Why the Service's load balancer is internal (the annotation that says so), or "" when it
    is internet-facing."""
    notes = service.meta.annotations
    if AWS_SCHEME in notes:
        return f"{AWS_SCHEME}: {notes[AWS_SCHEME]}" if notes[AWS_SCHEME].strip().lower() == "internal" else ""
    if AWS_INTERNAL in notes:
        value = notes[AWS_INTERNAL].strip()
        return f"{AWS_INTERNAL}: {value}" if value and value.lower() != "false" else ""
    if notes.get(AWS_TYPE, "").strip().lower() in ("external", "nlb-ip"):
        return f"{AWS_TYPE}: {notes[AWS_TYPE]} without {AWS_SCHEME}, which the AWS Load Balancer Controller reads as internal"
    return next((f"{name}: {notes[name]}" for name, value in OTHER_INTERNAL.items()
                 if notes.get(name, "").strip().lower() == value), "")


def _exposure_findings(service: Service, endpoints: Endpoints,
                       behind_alb: dict[tuple[str, str, int], set[bool]]) -> list[Finding]:
    """A NodePort/LoadBalancer Service was reachable from outside the cluster. Ports an ALB rule
    (from an Ingress or HTTPRoute) already reaches stay reachable through the ALB; the others only
    get a Service Connect name. A LoadBalancer Service keeps its reach only through an ALB of its
    own scheme: an internet-facing one reached only by internal ALBs loses its public clients, an
    internal one reached by an internet-facing ALB becomes public. `behind_alb`: see
    alb_schemes_by_target."""
    if service.type not in ("NodePort", "LoadBalancer"):
        return []
    key = service.meta.key
    routed, unrouted, schemes = [], [], {}
    for port in service.ports:
        tcp = port.protocol.upper() == "TCP" and service.selector and not service.external_name
        found = endpoints.for_port(service, port) if tcp else ()  # an ALB serves TCP (HTTP) ports only
        reached = [behind_alb.get((e.service, e.container, e.container_port)) for e in found]
        served = found and all(reached)
        (routed if served else unrouted).append(str(port.port))
        schemes[str(port.port)] = set().union(*reached) if served else set()
    findings = _scheme_findings(service, routed, schemes) if service.type == "LoadBalancer" else []
    if unrouted:
        also = (f" ({_ports(routed)} {'are' if len(routed) > 1 else 'is'} reached through the ALB its "
                "Ingress/HTTPRoute plans)") if routed else ""
        return [warning("discovery.exposed-service", f"Service {key} is type {service.type} (reachable from outside "
                        f"the cluster); on ECS no ALB rule reaches {_ports(unrouted)}, so only callers inside the "
                        f"environment reach {'them' if len(unrouted) > 1 else 'it'}{also}. Expose "
                        f"{'them' if len(unrouted) > 1 else 'it'} through the ALB with an Ingress/HTTPRoute (HTTP) "
                        "or a Network Load Balancer (TCP/UDP)", service.source)] + findings
    if findings:
        return findings
    return [info("discovery.exposed-via-alb", f"Service {key} is type {service.type}; on ECS it is reached through "
                 "the ALB that its Ingress/HTTPRoute rules plan, not through a load balancer of its own: clients "
                 "that used the Service's own address must move to the ALB's DNS name", service.source)]


def _ports(numbers: list[str]) -> str:
    return f"port{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}"


def _scheme_findings(service: Service, routed: list[str], schemes: dict[str, set[bool]]) -> list[Finding]:
    key, why = service.meta.key, internal_load_balancer(service)
    if why:
        public = [p for p in routed if False in schemes[p]]
        return [warning("discovery.exposed-publicly", f"Service {key} is type LoadBalancer with an internal load "
                        f"balancer ({why}); on ECS an internet-facing ALB reaches {_ports(public)}, so "
                        f"{'they become' if len(public) > 1 else 'it becomes'} reachable from the internet. To keep "
                        "it private, set alb.ingress.kubernetes.io/scheme: internal on the Ingress (or route it "
                        "through an internal ALB); if it is meant to be public, check its authentication and the "
                        "ALB's security group", service.source)] if public else []
    lost = [p for p in routed if False not in schemes[p]]
    return [warning("discovery.exposed-service", f"Service {key} is type LoadBalancer with an internet-facing load "
                    f"balancer; on ECS only an internal ALB (alb.ingress.kubernetes.io/scheme: internal) reaches "
                    f"{_ports(lost)}, so only callers inside the VPC reach {'them' if len(lost) > 1 else 'it'}. "
                    "Route it through an internet-facing ALB with an Ingress/HTTPRoute without the internal scheme, "
                    "or a Network Load Balancer, if its clients are outside the VPC", service.source)] if lost else []
