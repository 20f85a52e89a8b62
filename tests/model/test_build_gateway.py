"""Gateway API Gateways and HTTPRoute parentRefs read into the model."""

import pytest
import yaml

from migrator.load.documents import parse_yaml
from migrator.model.build import build_estate
from migrator.model.objects import ParentRef

GATEWAY = """apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: internal-gw
  namespace: infra
  annotations: {ANNOTATIONS}
spec:
  gatewayClassName: amazon-alb
  infrastructure: {annotations: {INFRA}}
  listeners:
  - {name: http, port: 80, protocol: HTTP, hostname: "*.Corp.local"}
  - name: https
    port: 443
    protocol: HTTPS
    allowedRoutes: {namespaces: {from: All}}
"""


def estate(annotations="{}", infra="{}"):
    text = GATEWAY.replace("{ANNOTATIONS}", annotations).replace("{INFRA}", infra)
    built, findings = build_estate(parse_yaml(text, "gw.yaml"))
    assert not findings
    return built


def test_gateway_listeners_and_source():
    [gw] = estate().gateways
    assert (gw.meta.key, gw.gateway_class, gw.scheme) == ("infra/internal-gw", "amazon-alb", "")
    assert [(l.name, l.port, l.protocol, l.hostname, l.allowed_namespaces) for l in gw.listeners] == [
        ("http", 80, "HTTP", "*.corp.local", "Same"), ("https", 443, "HTTPS", "", "All")]
    assert gw.listeners[0].source.line == 11 and gw.source.file == "gw.yaml"


def test_gateway_stays_an_other_object_for_kinds():
    assert [o.kind for o in estate().others] == ["Gateway"]


@pytest.mark.parametrize("annotations, infra, scheme", [
    ("{alb.ingress.kubernetes.io/scheme: internal}", "{}", "internal"),
    ("{}", "{alb.ingress.kubernetes.io/scheme: internal}", "internal"),
    ("{}", "{service.beta.kubernetes.io/aws-load-balancer-scheme: Internal}", "internal"),
    ("{}", "{service.beta.kubernetes.io/aws-load-balancer-internal: 'true'}", "internal"),
    ("{}", "{service.beta.kubernetes.io/aws-load-balancer-internal: 'false'}", ""),
    ("{alb.ingress.kubernetes.io/scheme: internet-facing}", "{alb.ingress.kubernetes.io/scheme: internal}",
     "internet-facing"),  # the Gateway's own annotation wins
])
def test_gateway_scheme(annotations, infra, scheme):
    assert estate(annotations, infra).gateways[0].scheme == scheme


def test_http_route_parent_refs():
    route = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "r"},
             "spec": {"parentRefs": [{"name": "gw", "namespace": "infra", "sectionName": "http", "port": 80},
                                     {"name": "svc", "kind": "Service"}]}}
    built, _ = build_estate(parse_yaml(yaml.safe_dump(route), "r.yaml"))
    [r] = built.routes
    assert [(p.name, p.namespace, p.kind, p.section_name, p.port) for p in r.parents] == [
        ("gw", "infra", "Gateway", "http", 80), ("svc", "", "Service", "", None)]
    assert (r.parent_refs, r.parent_kinds) == (("gw", "svc"), ("Gateway", "Service"))
    assert isinstance(r.parents[0], ParentRef)
