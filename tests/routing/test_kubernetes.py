"""The Kubernetes matcher against the Ingress and Gateway API path/host rules, one rule per case."""

import copy

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


# Each controller's default backend answers only the requests that reach it (its class's hosts).
ALB_DEFAULT = ingress("a-alb", [], default=("web", 80), class_name="alb")
TRAEFIK_ORG = ingress("b-traefik", [("*.example.org", [("/x", "Exact", "api", 80)])], class_name="traefik")
DEFAULT_CASES = {
    "the user trial: a host only traefik serves gets traefik's 404": (
        [ALB_DEFAULT, TRAEFIK_ORG],
        [("foo.example.org", "/x", "api"), ("foo.example.org", "/y", None), ("FOO.example.org", "/", None),
         ("other.com", "/y", "web"),  # a host no Ingress names: the default backend (the ALB default action)
         ("a.b.example.org", "/y", "web")]),  # an Ingress wildcard covers one label: an unknown host
    "a host the default backend's class also serves keeps the default backend": (
        [ALB_DEFAULT, TRAEFIK_ORG, ingress("c-alb", [("foo.example.org", [("/z", "Exact", "v1", 80)])],
                                           class_name="alb")],
        [("foo.example.org", "/y", "web"), ("bar.example.org", "/y", None)]),  # an exact host beats the wildcard
    "two classes with a default backend: each answers its own hosts, unknown hosts get the first": (
        [ALB_DEFAULT, ingress("b-traefik", [("b.example.com", [("/x", "Exact", "api", 80)])],
                              default=("v1", 80), class_name="traefik"),
         ingress("c-alb", [("a.example.com", [("/x", "Exact", "api", 80)])], class_name="alb")],
        [("b.example.com", "/y", "v1"), ("a.example.com", "/y", "web"), ("c.example.com", "/y", "web")]),
    "a class-less Ingress may be served by any controller: its hosts are not scoped": (
        [ALB_DEFAULT, TRAEFIK_ORG, ingress("c-none", [("foo.example.org", [("/z", "Exact", "v1", 80)])],
                                           class_name="")],
        [("foo.example.org", "/y", "web"), ("bar.example.org", "/y", None)]),
    "a class-less default backend answers every host": (
        [ingress("a-none", [], default=("web", 80), class_name=""), TRAEFIK_ORG],
        [("foo.example.org", "/y", "web")]),
    "no default backend anywhere: 404": (
        [TRAEFIK_ORG], [("foo.example.org", "/y", None), ("other.com", "/", None)]),
}


@pytest.mark.parametrize("name", DEFAULT_CASES)
def test_default_backends_answer_their_own_class(name):
    docs, expected = DEFAULT_CASES[name]
    index = index_for(*docs)
    assert [(host, path, kubernetes_backend(index, Probe(host, path))) for host, path, _ in expected] == expected


@pytest.mark.parametrize("annotations, class_name, path, request_path, matches", [
    ({}, "nginx", "/foo", "/foobar", True),  # ingress-nginx plain location: a character prefix
    ({}, "alb", "/foo/*", "/foo/bar", True),  # AWS Load Balancer Controller: an ALB pattern
    ({}, "alb", "/foo/*", "/foo", False),
    ({"nginx.ingress.kubernetes.io/use-regex": "true"}, "nginx", "/api(/|$)(.*)", "/API/x", True),
    ({"nginx.ingress.kubernetes.io/use-regex": "true"}, "nginx", "/api(/|$)(.*)", "/apix", False),
    ({"nginx.ingress.kubernetes.io/use-regex": "true"}, "alb", "/api*", "/API", False),  # not an nginx Ingress
    ({"nginx.ingress.kubernetes.io/rewrite-target": "/"}, "nginx", "/api/.*", "/API/x", True),
])
def test_implementation_specific(annotations, class_name, path, request_path, matches):
    doc = ingress("i", [("a.example.com", [(path, "ImplementationSpecific", "svc", 80)])],
                  annotations=annotations, class_name=class_name)
    assert kubernetes_backend(index_for(doc), Probe("a.example.com", request_path)) == ("svc" if matches else None)


REGEX = {"nginx.ingress.kubernetes.io/use-regex": "true"}
STATIC = ingress("app", [("app.example.com", [("/static", "Prefix", "a", 80), ("/", "Prefix", "b", 80),
                                              ("/login", "Exact", "c", 80)])], annotations=REGEX)
OTHER = ingress("plain", [("app.example.com", [("/img", "Prefix", "d", 80)])])
REWRITE = ingress("rw", [("app.example.com", [("/api", "Prefix", "e", 80)])],
                  annotations={"nginx.ingress.kubernetes.io/rewrite-target": "/"})
DOC_PRIORITY = (  # ingress-path-matching "Path Priority" (v1beta1: no pathType, ImplementationSpecific)
    ingress("test-ingress-1", [("test.com", [("/foo/bar", "ImplementationSpecific", "service1", 80),
                                             ("/foo/bar/", "ImplementationSpecific", "service2", 80)])]),
    ingress("test-ingress-2", [("test.com", [("/foo/bar/(.+)", "ImplementationSpecific", "service3", 80)])],
            annotations={"nginx.ingress.kubernetes.io/rewrite-target": "/$1"}))
DOC_WARNING = ingress("test-ingress-3", [("test.com", [("/foo/bar/bar", "Prefix", "exact", 80),  # "Warning"
                                                       ("/foo/bar/[A-Z0-9]{3}", "ImplementationSpecific", "re", 80)])],
                      annotations=REGEX)


PREFIX_COPY = (ingress("p", [("test.com", [("/api", "Prefix", "a", 80)])]),
               ingress("r", [("test.com", [("/ap.*", "ImplementationSpecific", "b", 80)])], annotations=REGEX))
EQUAL_LENGTH = (ingress("p", [("test.com", [("/a/b", "Prefix", "a", 80)])]),
                ingress("r", [("test.com", [("/a.*", "ImplementationSpecific", "b", 80)])], annotations=REGEX))


def as_prefix(doc):
    doc = copy.deepcopy(doc)
    for rule in doc["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            path["pathType"] = "Prefix"
    return doc


@pytest.mark.parametrize("docs, host, path, expected", [
    ((STATIC,), "app.example.com", "/static", "a"),
    ((STATIC,), "app.example.com", "/static/x", "a"),
    ((STATIC,), "app.example.com", "/staticfoo", "a"),  # ~* "^/static": a character prefix
    ((STATIC,), "app.example.com", "/STATIC/x", "a"),  # without case
    ((STATIC,), "app.example.com", "/Static", "a"),
    ((STATIC,), "app.example.com", "/stat", "b"),
    ((STATIC,), "app.example.com", "/login/x", "c"),  # an Exact path is a prefix regex there
    ((STATIC,), "app.example.com", "/LOGINS", "c"),
    ((STATIC,), "other.example.com", "/static", None),  # other hosts are not regex hosts
    ((STATIC, OTHER), "app.example.com", "/imgs", "d"),  # another Ingress of the host: its paths too
    ((STATIC, OTHER), "app.example.com", "/IMG/x", "d"),
    ((OTHER,), "app.example.com", "/imgs", None),  # without a regex Ingress: Prefix semantics
    ((REWRITE,), "app.example.com", "/API/v1", "e"),  # rewrite-target implies regex
    ((REWRITE,), "app.example.com", "/apix", "e"),
    (DOC_PRIORITY, "test.com", "/foo/bar/1", "service3"),
    (DOC_PRIORITY, "test.com", "/foo/bar/", "service2"),
    (DOC_PRIORITY, "test.com", "/foo/bar", "service1"),
    # the same with pathType Prefix: /foo/bar also owns a location ^/foo/bar/, but copies rank by their
    # Ingress path (getBackendServers sorts before updateServerLocations copies): /foo/bar/'s come first
    ((as_prefix(DOC_PRIORITY[0]), DOC_PRIORITY[1]), "test.com", "/foo/bar/", "service2"),
    ((DOC_WARNING,), "test.com", "/foo/bar/bar", "re"),  # the longer regex first, not the exact text
    # copies rank by their Ingress path: /ap.* (5 bytes) before /api (4) and so before its copy /api/ (5)
    (PREFIX_COPY, "test.com", "/api/x", "b"),
    (PREFIX_COPY, "test.com", "/apix", "b"),
    # equal Ingress path lengths: the greater text first (/a/b > /a.*), then its copies
    (EQUAL_LENGTH, "test.com", "/a/b/x", "a"),
    (EQUAL_LENGTH, "test.com", "/a/c", "b"),
])
def test_ingress_nginx_regex_hosts(docs, host, path, expected):
    assert kubernetes_backend(index_for(*docs), Probe(host, path)) == expected


def test_same_path_and_type_on_a_regex_host_the_first_ingress_keeps_it():
    first = ingress("a", [("app.example.com", [("/x", "Exact", "a", 80)])])
    second = ingress("b", [("app.example.com", [("/x", "Prefix", "b", 80)])])
    regex = ingress("c", [("app.example.com", [("/y", "Prefix", "c", 80)])], annotations=REGEX)
    index = index_for(first, second, regex)
    # b's Prefix has no Exact copy (a's Exact /x exists); its ^/x/ ranks by /x like a's ^/x, after it
    # (definition order), so a's ^/x answers everything below /x
    assert [kubernetes_backend(index, Probe("app.example.com", p)) for p in ("/x", "/xy", "/x/", "/X/z")] == \
        ["a", "a", "a", "a"]


# The controller's location order, worked out by hand from controller.go (getBackendServers sorts
# the Ingress paths by length then text, getConfiguration's updateServerLocations then puts the
# `<path>/` and Exact copies in place): an independent check of the order the index keeps.
@pytest.mark.parametrize("docs, order", [
    (PREFIX_COPY, [("/ap.*", "b"), ("/api/", "a"), ("/api", "a")]),
    (EQUAL_LENGTH, [("/a/b/", "a"), ("/a/b", "a"), ("/a.*", "b")]),
    ((as_prefix(DOC_PRIORITY[0]), DOC_PRIORITY[1]),
     [("/foo/bar/(.+)", "service3"), ("/foo/bar/", "service2"), ("/foo/bar/", "service2"),
      ("/foo/bar/", "service1"), ("/foo/bar", "service1")]),
    ((ingress("a", [("test.com", [("/x", "Exact", "a", 80), ("/yy", "Prefix", "c", 80)])]),
      ingress("b", [("test.com", [("/x", "Prefix", "b", 80)])], annotations=REGEX)),
     [("/yy/", "c"), ("/yy", "c"), ("/x", "a"), ("/x", "b")]),
])
def test_regex_host_locations_in_controller_order(docs, order):
    assert [(e.path, e.answer) for e in index_for(*docs).entries] == order


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


# --- the index gives the answers of a plain scan over every entry ---

from hypothesis import example, given, settings, strategies as st  # noqa: E402

from migrator.routing.kubernetes import _Entry, _request_matches, _wildcard_covers, all_entries  # noqa: E402
from migrator.routing.probes import probes_for  # noqa: E402


def plain_scan(index, estate, probe):
    """The definition: of every entry whose host covers the request and whose path, method and
    headers match, the best-ranked answers (ties: the first defined); else the default."""
    entries = all_entries(estate.ingresses, estate.routes, resolve)
    host = probe.host.split(":", 1)[0].lower().rstrip(".")
    covering = [e for e in entries if not e.host or e.host == host
                or (e.host.startswith("*.") and _wildcard_covers(e, host))]
    matching = [e for e in covering if _request_matches(index, e, probe)]
    return min(matching, key=_Entry.rank).answer if matching else index.default_for(host)


HOST_NAMES = ["", "a.example.com", "A.example.com", "*.example.com", "x.a.example.com", "*.a.example.com", "b.org"]
SEGMENTS = ["a", "b", "ab", "A", "v1"]
paths = st.lists(st.sampled_from(SEGMENTS), max_size=3).map(lambda parts: "/" + "/".join(parts)) \
    .flatmap(lambda p: st.sampled_from([p, p + "/", p + "*", p + "?", p + "(/|$)(.*)", p + "$", p.upper()]))
ingress_docs = st.builds(
    lambda i, style, rules, default: ingress(
        f"ing{i}", rules, class_name="alb" if style == "alb" else "nginx", default=default,
        annotations={"nginx.ingress.kubernetes.io/use-regex": "true"} if style == "regex" else None),
    st.integers(0, 3), st.sampled_from(["alb", "nginx", "regex"]),
    st.lists(st.tuples(st.sampled_from(HOST_NAMES), st.lists(st.tuples(
        paths, st.sampled_from(["Prefix", "Exact", "ImplementationSpecific"]),
        st.sampled_from(["web", "api", "missing"]), st.just(80)), min_size=1, max_size=3)), min_size=1, max_size=3),
    st.one_of(st.none(), st.just(("web", 80))))
route_matches = st.lists(st.builds(
    lambda path, kind, method, header: {"path": {"type": kind, "value": path}, **({"method": method} if method else {}),
                                        **({"headers": [{"name": "X-Env", "value": header}]} if header else {})},
    paths, st.sampled_from(["PathPrefix", "Exact", "RegularExpression"]), st.sampled_from(["", "GET", "POST"]),
    st.sampled_from(["", "blue"])), max_size=2)
route_docs = st.builds(
    lambda i, hosts, rules: http_route(f"route{i}", hosts, [
        {"matches": matches, "backendRefs": [{"name": service, "port": 80}]} for matches, service in rules]),
    st.integers(0, 3), st.lists(st.sampled_from([h for h in HOST_NAMES if h]), max_size=2, unique=True),
    st.lists(st.tuples(route_matches, st.sampled_from(["web", "api"])), min_size=1, max_size=3))
extra_probes = st.lists(st.builds(
    Probe, st.sampled_from(["a.example.com", "A.EXAMPLE.COM:80", "a.example.com.", "y.x.a.example.com",
                            "q.a.example.com", "example.com", "b.org", "c.org"]),
    paths.map(lambda p: p.replace("*", "x").replace("?", "")), st.sampled_from(["GET", "POST"]),
    st.sampled_from([(), (("x-env", "blue"),), (("X-Env", "BLUE"),)])), max_size=10)


@settings(max_examples=150)
@given(st.lists(ingress_docs, max_size=3, unique_by=lambda d: d["metadata"]["name"]),
       st.lists(route_docs, max_size=2, unique_by=lambda d: d["metadata"]["name"]), extra_probes)
@example([ingress("i", [("a.example.com", [("/a/b", "Prefix", "web", 80), ("/a", "Prefix", "api", 80)]),
                        ("*.example.com", [("/", "Prefix", "web", 80)])])], [], [Probe("a.example.com", "/a/bc")])
def test_index_answers_like_a_plain_scan_of_every_entry(ingresses, routes, sent):
    estate = context(*ingresses, *routes).estate
    index = kubernetes_index(estate.ingresses, estate.routes, resolve)
    for probe in [*probes_for(estate.ingresses, estate.routes), *sent]:
        assert kubernetes_backend(index, probe) == plain_scan(index, estate, probe), str(probe)
