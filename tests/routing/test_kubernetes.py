"""The Kubernetes matcher against the Ingress and Gateway API path/host rules, one rule per case."""

import pytest

from migrator.routing import NO_BACKEND, Probe, kubernetes_backend, kubernetes_index
from tests.routing.estates import context, http_route, ingress


def resolve(namespace, service, port):
    return {"missing": ()}.get(service, ((service, 1),))


def index_for(*docs):
    estate = context(*docs).estate
    return kubernetes_index(estate.ingresses, estate.routes, resolve)


PATHS = ingress("web", [("shop.example.com", [
    ("/foo", "Prefix", "foo", 80), ("/foo/bar/", "Prefix", "foobar", 80), ("/foo", "Exact", "foo-exact", 80),
    ("/exact", "Exact", "exact", 80), ("/", "Prefix", "root", 80)])])


@pytest.mark.parametrize("path, expected", [
    ("/foo", "foo-exact"),  # Exact beats Prefix of the same path
    ("/foo/", "foo"),  # Prefix matches whole elements, trailing slash included
    ("/foo/x", "foo"),
    ("/foox", "root"),  # /foo is not a prefix of /foox
    ("/foo/bar", "foobar"),  # the rule's trailing slash is ignored; longest prefix wins
    ("/foo/bar/baz", "foobar"),
    ("/foo/barbaz", "foo"),
    ("/FOO", "root"),  # paths are case-sensitive
    ("/exact", "exact"),
    ("/exact/", "root"),  # Exact means exactly
    ("/", "root"),
])
def test_ingress_paths(path, expected):
    assert kubernetes_backend(index_for(PATHS), Probe("shop.example.com", path)) == expected


HOSTS = (
    ingress("hosts", [("api.example.com", [("/v1", "Prefix", "api", 80)]),
                      ("*.example.com", [("/", "Prefix", "wild", 80), ("/v1", "Prefix", "wild-v1", 80)]),
                      ("", [("/", "Prefix", "any", 80), ("/v1/status", "Exact", "status", 80)])],
            default=("fallback", 80)),
)


@pytest.mark.parametrize("host, path, expected", [
    ("API.EXAMPLE.COM", "/v1", "api"),  # hosts compare without case
    ("api.example.com", "/other", "wild"),  # no path of the exact host: the wildcard host's rules
    ("api.example.com", "/v1/status", "api"),  # a rule with a host beats a host-less one, even Exact
    ("shop.example.com", "/v1", "wild-v1"),
    ("a.b.example.com", "/v1", "any"),  # an Ingress wildcard covers exactly one label
    ("example.com", "/", "any"),
    ("other.org", "/v1/status", "status"),
    ("other.org", "/x", "any"),
])
def test_ingress_hosts(host, path, expected):
    assert kubernetes_backend(index_for(*HOSTS), Probe(host, path)) == expected


def test_default_backend_and_404():
    only_host = ingress("h", [("a.example.com", [("/x", "Exact", "x", 80)])])
    assert kubernetes_backend(index_for(only_host), Probe("a.example.com", "/y")) is None
    with_default = ingress("h", [("a.example.com", [("/x", "Exact", "x", 80)])], default=("web", 80))
    assert kubernetes_backend(index_for(with_default), Probe("a.example.com", "/y")) == "web"


def test_missing_backend_answers_503():
    broken = ingress("h", [("a.example.com", [("/x", "Prefix", "missing", 80)])])
    assert kubernetes_backend(index_for(broken), Probe("a.example.com", "/x")) == NO_BACKEND


@pytest.mark.parametrize("annotations, class_name, path, request_path, matches", [
    ({}, "nginx", "/foo", "/foobar", True),  # ingress-nginx plain location: a character prefix
    ({}, "alb", "/foo/*", "/foo/bar", True),  # AWS Load Balancer Controller: an ALB pattern
    ({}, "alb", "/foo/*", "/foo", False),
    ({"nginx.ingress.kubernetes.io/use-regex": "true"}, "nginx", "/api(/|$)(.*)", "/API/x", True),
    ({"nginx.ingress.kubernetes.io/use-regex": "true"}, "nginx", "/api(/|$)(.*)", "/apix", False),
])
def test_implementation_specific(annotations, class_name, path, request_path, matches):
    doc = ingress("i", [("a.example.com", [(path, "ImplementationSpecific", "svc", 80)])],
                  annotations=annotations, class_name=class_name)
    assert kubernetes_backend(index_for(doc), Probe("a.example.com", request_path)) == ("svc" if matches else None)


ROUTE = http_route("r", ["shop.example.com", "*.example.org"], [
    {"matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
     "backendRefs": [{"name": "v1", "port": 80, "weight": 90}, {"name": "v2", "port": 80, "weight": 10}]},
    {"matches": [{"path": {"type": "PathPrefix", "value": "/api"}, "method": "POST"}],
     "backendRefs": [{"name": "writer", "port": 80}]},
    {"matches": [{"path": {"type": "PathPrefix", "value": "/api"},
                  "headers": [{"name": "X-Canary", "value": "on"}]}],
     "backendRefs": [{"name": "canary", "port": 80}]},
    {"matches": [{"path": {"type": "Exact", "value": "/api/health"}}], "backendRefs": [{"name": "health", "port": 80}]},
])


@pytest.mark.parametrize("probe, expected", [
    (Probe("shop.example.com", "/api/x"), "v1:9,v2:1"),  # weighted backendRefs
    (Probe("shop.example.com", "/api/x", "POST"), "writer"),  # a method match beats none
    (Probe("shop.example.com", "/api/x", headers=(("x-canary", "on"),)), "canary"),  # header names without case
    (Probe("shop.example.com", "/api/x", headers=(("X-Canary", "ON"),)), "v1:9,v2:1"),  # values with case
    (Probe("shop.example.com", "/api/health", "POST"), "health"),  # Exact beats a method match
    (Probe("a.b.example.org", "/api"), "v1:9,v2:1"),  # HTTPRoute wildcards cover several labels
    (Probe("example.org", "/api"), None),
])
def test_http_route(probe, expected):
    assert kubernetes_backend(index_for(ROUTE), probe) == expected


def test_mesh_routes_are_not_north_south():
    mesh = http_route("reviews", [], [{"backendRefs": [{"name": "reviews-v1", "port": 9080}]}], parent_kind="Service")
    assert kubernetes_backend(index_for(mesh), Probe("a.example.com", "/")) is None
