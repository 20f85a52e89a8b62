"""Gateway API attachment: listener selection and the hostname intersection, one rule per case
(https://gateway-api.sigs.k8s.io/reference/spec/ HTTPRouteSpec.hostnames, ParentReference)."""

import pytest

from migrator.routing import Probe, kubernetes_backend, kubernetes_index
from migrator.routing.gateways import Placement, attachment, hostname_intersection
from tests.routing.estates import context, gateway, http_route

RULES = [{"matches": [{"path": {"type": "PathPrefix", "value": "/admin"}}], "backendRefs": [{"name": "admin"}]}]


@pytest.mark.parametrize("listener, route, expected", [
    ("", "a.example.com", "a.example.com"),  # a listener without hostname accepts the route's
    ("a.example.com", "a.example.com", "a.example.com"),
    ("a.example.com", "*.example.com", "a.example.com"),  # the route's wildcard covers the listener
    ("*.example.com", "a.example.com", "a.example.com"),
    ("*.example.com", "a.b.example.com", "a.b.example.com"),  # Gateway API wildcards cover more labels
    ("*.example.com", "*.b.example.com", "*.b.example.com"),
    ("*.b.example.com", "*.example.com", "*.b.example.com"),
    ("*.example.com", "example.com", None),
    ("a.example.com", "b.example.com", None),
    ("*.corp.local", "shop.example.com", None),
    ("A.Example.com", "a.example.COM", "a.example.com"),
])
def test_hostname_intersection(listener, route, expected):
    assert hostname_intersection(listener, route) == expected


INTERNAL = gateway("internal-gw", [("http", 80, "HTTP", "*.corp.local")],
                   annotations={"alb.ingress.kubernetes.io/scheme": "internal"})
PUBLIC = gateway("public-gw", [("web", 80, "HTTP", "shop.example.com"), ("any", 8080, "HTTP", ""),
                               ("tls", 443, "TLS", "")])


def refs(*names, **extra):
    return [{"name": n, **extra} for n in names]


@pytest.mark.parametrize("hostnames, parents, placements, refused, missing", [
    ([], refs("internal-gw"), [("internal", ("*.corp.local",))], [], 0),
    (["admin.corp.local", "shop.example.com"], refs("internal-gw"), [("internal", ("admin.corp.local",))], [], 0),
    (["shop.example.com"], refs("internal-gw"), [], ["listener http (hostname *.corp.local): none of the route's "
                                                     "hostnames (shop.example.com) intersects it"], 0),
    # no sectionName: every listener; one without hostname accepts any host, TLS takes no HTTPRoute
    ([], refs("public-gw"), [("public", ())], ["listener tls: protocol TLS takes no HTTPRoutes"], 0),
    ([], refs("public-gw", sectionName="web"), [("public", ("shop.example.com",))], [], 0),
    ([], refs("public-gw", port=8080), [("public", ())], [], 0),
    ([], refs("public-gw", sectionName="web", port=8080), [], ["it has no listener web port 8080"], 0),
    ([], refs("internal-gw") + refs("public-gw", sectionName="web"),
     [("internal", ("*.corp.local",)), ("public", ("shop.example.com",))], [], 0),
    (["x.example.com"], refs("elsewhere"), [("public", ("x.example.com",))], [], 1),
    ([], refs("internal-gw", namespace="other"), [("public", ())], [], 1),
])
def test_attachment(hostnames, parents, placements, refused, missing):
    route = http_route("r", hostnames, RULES, parents=parents)
    estate = context(INTERNAL, PUBLIC, route).estate
    found = attachment(estate.routes[0], estate.gateways, "public")
    assert found.placements == tuple(Placement(p, h) for p, h in placements)
    assert [r.why for r in found.refused] == refused
    assert len(found.missing) == missing


@pytest.mark.parametrize("allowed, attached", [("", False), ("Same", False), ("All", True), ("Selector", True)])
def test_allowed_routes_namespaces(allowed, attached):
    gw = gateway("gw", ns="infra", allowed=allowed)
    route = http_route("r", [], RULES, ns="apps", parents=refs("gw", namespace="infra"))
    estate = context(gw, route).estate
    assert bool(attachment(estate.routes[0], estate.gateways, "public").placements) == attached


@pytest.mark.parametrize("host, expected", [
    ("admin.corp.local", "admin"), ("a.b.corp.local", "admin"), ("shop.example.com", None), ("corp.local", None)])
def test_kubernetes_evaluator_applies_listener_hostnames(host, expected):
    estate = context(INTERNAL, http_route("r", [], RULES, parents=refs("internal-gw"))).estate
    index = kubernetes_index(estate.ingresses, estate.routes, lambda ns, name, port: ((name, 1),), estate.gateways)
    assert kubernetes_backend(index, Probe(host, "/admin")) == expected
