"""Networking: Service, Ingress (v1 and v1beta1 backends), Gateway API Gateway, HTTPRoute and GRPCRoute."""

from __future__ import annotations

from typing import Any

from migrator.model import objects as m
from migrator.model.build_reader import Reader, read_meta


def build_service(r: Reader, obj: dict) -> tuple[str, m.Service]:
    spec = r.map(obj.get("spec"), "spec")
    ports = tuple(
        m.ServicePort(
            port=r.int(p.get("port"), "spec", "ports", i, "port") or 0,
            target_port=r.int_or_str(p.get("targetPort")),
            name=str(p.get("name") or ""),
            protocol=str(p.get("protocol") or "TCP"),
            node_port=r.int(p.get("nodePort"), "spec", "ports", i, "nodePort"),
            app_protocol=str(p.get("appProtocol") or ""),
            source=r.ref("spec", "ports", i))
        for i, p in enumerate(r.list(spec.get("ports"), "spec", "ports")) if isinstance(p, dict))
    return "services", m.Service(
        meta=read_meta(r, obj),
        type=str(spec.get("type") or "ClusterIP"),
        selector=r.str_map(spec.get("selector"), "spec", "selector"),
        ports=ports,
        headless=spec.get("clusterIP") == "None",
        external_name=str(spec.get("externalName") or ""),
        source=r.doc.source,
    )


def _backend(r: Reader, b: Any, path: tuple) -> m.BackendRef | None:
    b = r.map(b, *path)
    if not b:
        return None
    if "service" in b:  # networking.k8s.io/v1
        svc = r.map(b["service"], *path, "service")
        port = r.map(svc.get("port"), *path, "service", "port")
        return m.BackendRef(service=str(svc.get("name") or ""),
                            port=r.int_or_str(port.get("number")) if "number" in port else str(port.get("name") or "") or None,
                            source=r.ref(*path))
    if "serviceName" in b:  # v1beta1
        return m.BackendRef(service=str(b["serviceName"]), port=r.int_or_str(b.get("servicePort")),
                            source=r.ref(*path))
    return None


def build_ingress(r: Reader, obj: dict) -> tuple[str, m.Ingress]:
    spec = r.map(obj.get("spec"), "spec")
    meta = read_meta(r, obj)
    rules = []
    for i, rule in enumerate(r.list(spec.get("rules"), "spec", "rules")):
        rule = r.map(rule, "spec", "rules", i)
        http = r.map(rule.get("http"), "spec", "rules", i, "http")
        paths = []
        for j, p in enumerate(r.list(http.get("paths"), "spec", "rules", i, "http", "paths")):
            p = r.map(p, "spec", "rules", i, "http", "paths", j)
            at = ("spec", "rules", i, "http", "paths", j)
            paths.append(m.IngressPath(
                path=str(p.get("path") or "/"),
                path_type=str(p.get("pathType") or "ImplementationSpecific"),
                backend=_backend(r, p.get("backend"), (*at, "backend")),
                source=r.ref(*at)))
        rules.append(m.IngressRule(host=str(rule.get("host") or ""), paths=tuple(paths),
                                   source=r.ref("spec", "rules", i)))
    tls = tuple(
        m.IngressTLS(hosts=tuple(str(h) for h in r.list(t.get("hosts"), "spec", "tls", i, "hosts")),
                     secret_name=str(t.get("secretName") or ""), source=r.ref("spec", "tls", i))
        for i, t in enumerate(r.list(spec.get("tls"), "spec", "tls")) if isinstance(t, dict))
    default = spec.get("defaultBackend", spec.get("backend"))
    return "ingresses", m.Ingress(
        meta=meta,
        ingress_class=str(spec.get("ingressClassName")
                          or meta.annotations.get("kubernetes.io/ingress.class", "")),
        rules=tuple(rules),
        default_backend=_backend(r, default, ("spec", "defaultBackend" if "defaultBackend" in spec else "backend")),
        tls=tls,
        source=r.doc.source,
    )


def build_http_route(r: Reader, obj: dict) -> tuple[str, m.HTTPRoute]:
    spec = r.map(obj.get("spec"), "spec")
    rules = []
    for i, rule in enumerate(r.list(spec.get("rules"), "spec", "rules")):
        rule = r.map(rule, "spec", "rules", i)
        at = ("spec", "rules", i)
        matches = []
        for j, match in enumerate(r.list(rule.get("matches"), *at, "matches")):
            match = r.map(match, *at, "matches", j)
            path = r.map(match.get("path"), *at, "matches", j, "path")
            matches.append(m.RouteMatch(
                path=str(path.get("value") or "/"),
                path_type=str(path.get("type") or "PathPrefix"),
                headers=tuple((str(h.get("type") or "Exact"), str(h.get("name")), str(h.get("value")))
                              for h in r.list(match.get("headers"), *at, "matches", j, "headers") if isinstance(h, dict)),
                query_params=tuple((str(q.get("type") or "Exact"), str(q.get("name")), str(q.get("value")))
                                   for q in r.list(match.get("queryParams"), *at, "matches", j, "queryParams")
                                   if isinstance(q, dict)),
                method=str(match.get("method") or ""),
                source=r.ref(*at, "matches", j)))
        backends = tuple(
            m.BackendRef(service=str(b.get("name") or ""), port=r.int_or_str(b.get("port")),
                         weight=1 if b.get("weight") is None else int(b.get("weight")),
                         namespace=str(b.get("namespace") or ""), source=r.ref(*at, "backendRefs", k))
            for k, b in enumerate(r.list(rule.get("backendRefs"), *at, "backendRefs"))
            if isinstance(b, dict) and str(b.get("kind") or "Service") == "Service")
        filters = tuple(str(f.get("type")) for f in r.list(rule.get("filters"), *at, "filters") if isinstance(f, dict))
        rules.append(m.RouteRule(matches=tuple(matches), backends=backends, filters=filters, source=r.ref(*at)))
    parents = tuple(str(p.get("name")) for p in r.list(spec.get("parentRefs"), "spec", "parentRefs")
                    if isinstance(p, dict))
    return "routes", m.HTTPRoute(
        parents=_parent_refs(r, spec),
        meta=read_meta(r, obj),
        hostnames=tuple(str(h) for h in r.list(spec.get("hostnames"), "spec", "hostnames")),
        parent_refs=parents,
        parent_kinds=tuple(str(p.get("kind") or "Gateway") for p in r.list(spec.get("parentRefs"), "spec", "parentRefs")
                           if isinstance(p, dict)),
        rules=tuple(rules),
        kind=obj["kind"],
        source=r.doc.source,
    )


def _parent_refs(r: Reader, spec: dict) -> tuple[m.ParentRef, ...]:
    return tuple(
        m.ParentRef(name=str(p.get("name") or ""), namespace=str(p.get("namespace") or ""),
                    kind=str(p.get("kind") or "Gateway"), section_name=str(p.get("sectionName") or ""),
                    port=r.int(p.get("port"), "spec", "parentRefs", i, "port"), source=r.ref("spec", "parentRefs", i))
        for i, p in enumerate(r.list(spec.get("parentRefs"), "spec", "parentRefs")) if isinstance(p, dict))


# What makes a Gateway's load balancer internal: the AWS Load Balancer Controller's ALB scheme
# annotation, or the Service annotations that controllers such as Envoy Gateway and Istio copy
# from spec.infrastructure.annotations onto the LoadBalancer Service they create.
ALB_SCHEME = "alb.ingress.kubernetes.io/scheme"
SERVICE_SCHEME = "service.beta.kubernetes.io/aws-load-balancer-scheme"
SERVICE_INTERNAL = "service.beta.kubernetes.io/aws-load-balancer-internal"


def gateway_scheme(annotations: dict) -> str:
    for key in (ALB_SCHEME, SERVICE_SCHEME):
        if annotations.get(key, "").strip():
            return annotations[key].strip().lower()
    if annotations.get(SERVICE_INTERNAL, "").strip().lower() not in ("", "false"):
        return "internal"
    return ""


def build_gateway(r: Reader, obj: dict) -> tuple[str, m.Gateway]:
    spec = r.map(obj.get("spec"), "spec")
    meta = read_meta(r, obj)
    infrastructure = r.map(spec.get("infrastructure"), "spec", "infrastructure")
    notes = {**r.str_map(infrastructure.get("annotations"), "spec", "infrastructure", "annotations"),
             **meta.annotations}  # the Gateway's own annotation wins
    listeners = []
    for i, item in enumerate(r.list(spec.get("listeners"), "spec", "listeners")):
        item = r.map(item, "spec", "listeners", i)
        allowed = r.map(r.map(item.get("allowedRoutes"), "spec", "listeners", i, "allowedRoutes").get("namespaces"),
                        "spec", "listeners", i, "allowedRoutes", "namespaces")
        listeners.append(m.GatewayListener(
            name=str(item.get("name") or ""), port=r.int(item.get("port"), "spec", "listeners", i, "port") or 0,
            protocol=str(item.get("protocol") or "HTTP").upper(), hostname=str(item.get("hostname") or "").lower(),
            allowed_namespaces=str(allowed.get("from") or "Same"), source=r.ref("spec", "listeners", i)))
    return "gateways", m.Gateway(meta=meta, gateway_class=str(spec.get("gatewayClassName") or ""),
                                 listeners=tuple(listeners), scheme=gateway_scheme(notes), source=r.doc.source)
