"""Builders for the traffic tests: small estates written as Kubernetes YAML and read through the
real loader and model builder (so findings carry real file:line), planned by the real mappers."""

from __future__ import annotations

import yaml

from migrator.config import EnvironmentConfig, ServiceOverride, settings_for
from migrator.findings import SourceRef
from migrator.load.documents import parse_yaml
from migrator.map import map_environment
from migrator.map.context import MapContext
from migrator.model.build import build_estate
from migrator.plan.model import EnvironmentPlan

FILE = "estate.yaml"


def deployment(name: str, ns: str = "default", ports=(("http", 8080),), labels: dict | None = None,
               replicas: int = 1, env: dict | None = None, sidecar_ports=(), kind: str = "Deployment",
               service_name: str = "") -> dict:
    labels = labels or {"app": name}
    main = {"name": name, "image": f"example/{name}:1",
            "ports": [{"name": n, "containerPort": p} if n else {"containerPort": p} for n, p in ports],
            "env": [{"name": k, "value": v} for k, v in (env or {}).items()],
            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}
    pod = {"containers": [main]}
    if sidecar_ports:
        pod["initContainers"] = [{"name": "proxy", "image": "example/proxy:1", "restartPolicy": "Always",
                                  "ports": [{"name": n, "containerPort": p} for n, p in sidecar_ports]}]
    spec = {"replicas": replicas, "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": pod}}
    if service_name:
        spec["serviceName"] = service_name
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": ns}, "spec": spec}


def service(name: str, ns: str = "default", ports=((80, "http"),), selector: dict | None = None,
            type_: str = "ClusterIP", headless: bool = False, protocol: str = "TCP") -> dict:
    spec = {"type": type_, "selector": selector if selector is not None else {"app": name},
            "ports": [{"name": f"p{port}", "port": port, "targetPort": target, "protocol": protocol}
                      for port, target in ports]}
    if headless:
        spec["clusterIP"] = "None"
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns}, "spec": spec}


def ingress(name: str, rules: list[tuple[str, list[tuple[str, str, str, int]]]], ns: str = "default",
            annotations: dict | None = None, default: tuple[str, int] | None = None, tls: list | None = None,
            class_name: str = "nginx") -> dict:
    """rules: [(host, [(path, pathType, service, port), ...]), ...]"""
    spec: dict = {"ingressClassName": class_name, "rules": [
        {**({"host": host} if host else {}), "http": {"paths": [
            {"path": path, "pathType": kind, "backend": {"service": {"name": svc, "port": {"number": port}}}}
            for path, kind, svc, port in paths]}} for host, paths in rules]}
    if default:
        spec["defaultBackend"] = {"service": {"name": default[0], "port": {"number": default[1]}}}
    if tls:
        spec["tls"] = tls
    meta = {"name": name, "namespace": ns, **({"annotations": annotations} if annotations else {})}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta, "spec": spec}


def http_route(name: str, hostnames: list[str], rules: list[dict], ns: str = "default",
               parent_kind: str = "Gateway", parents: list[dict] | None = None) -> dict:
    """parents: the parentRefs (default: Gateway `gw`, see `gateway`)."""
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"parentRefs": parents if parents is not None else [{"name": "gw", "kind": parent_kind}],
                     "hostnames": hostnames, "rules": rules}}


def gateway(name: str = "gw", listeners: list[tuple[str, int, str, str]] = (("http", 80, "HTTP", ""),),
            ns: str = "default", annotations: dict | None = None, infrastructure: dict | None = None,
            allowed: str = "") -> dict:
    """listeners: [(name, port, protocol, hostname), ...] ("" no hostname)."""
    spec: dict = {"gatewayClassName": "amazon-alb", "listeners": [
        {"name": n, "port": port, "protocol": protocol, **({"hostname": host} if host else {}),
         **({"allowedRoutes": {"namespaces": {"from": allowed}}} if allowed else {})}
        for n, port, protocol, host in listeners]}
    if infrastructure:
        spec["infrastructure"] = {"annotations": infrastructure}
    meta = {"name": name, "namespace": ns, **({"annotations": annotations} if annotations else {})}
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": meta, "spec": spec}


def config_map(name: str, data: dict, ns: str = "default") -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}, "data": data}


def context(*docs: dict, host_map: dict | None = None, certificate_arn: str = "",
            overrides: dict[str, ServiceOverride] | None = None) -> MapContext:
    estate, findings = build_estate(parse_yaml(yaml.safe_dump_all(docs, sort_keys=False), FILE))
    assert not findings, findings
    env = EnvironmentConfig(name="prod", settings=settings_for("default", {}, "us-east-1", SourceRef(FILE)),
                            service_connect_namespace="prod.internal", host_map=host_map or {},
                            certificate_arn=certificate_arn)
    return MapContext(estate=estate, env=env, project="shop", overrides=overrides or {})


def plan(*docs: dict, **options) -> EnvironmentPlan:
    return map_environment(context(*docs, **options))


def rules_of(env: EnvironmentPlan, lb: int = 0) -> list[tuple]:
    """(priority, hosts, paths, answer) of one load balancer's rules, in priority order."""
    from migrator.routing.alb import rule_answer

    return [(r.priority, r.conditions.host_headers, r.conditions.path_patterns, rule_answer(r))
            for r in env.load_balancers[lb].rules]


def codes(env: EnvironmentPlan, prefix: str = "") -> list[tuple[str, str]]:
    return sorted((f.code, str(f.severity)) for f in env.findings if f.code.startswith(prefix))


def yaml_line(docs: tuple, needle: str) -> int:
    text = yaml.safe_dump_all(docs, sort_keys=False)
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)
