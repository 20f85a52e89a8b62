"""ALB rules planned from Ingress and HTTPRoute: exact rules, priorities and findings per semantic
rule, planned by the real mappers and proven by the route-equivalence self-check."""

import pytest

from migrator.plan.model import RouteCheck
from tests.routing.estates import codes, deployment, gateway, http_route, ingress, plan, rules_of, service


def backend(name, port=80, target=8080, replicas=1, labels=None):
    return [deployment(name, replicas=replicas, labels=labels), service(name, ports=((port, target),),
                                                                         selector=labels)]


BASE = backend("web") + backend("api") + backend("v1") + [gateway()]
CASES = {
    "prefix, exact and root on one host: Exact first, longer prefixes first": (
        [ingress("shop", [("shop.example.com", [("/", "Prefix", "web", 80), ("/api", "Prefix", "api", 80),
                                                 ("/api/v1/", "Prefix", "v1", 80), ("/health", "Exact", "api", 80)])])],
        [(153, ("shop.example.com",), ("/health",), "api"),
         (11624, ("shop.example.com",), ("/api/v1", "/api/v1/*"), "v1"),
         (12361, ("shop.example.com",), ("/api", "/api/*"), "api"),
         (12926, ("shop.example.com",), ("/*",), "web")],
        []),
    "exact host, then wildcard host, then any host": (
        [ingress("mixed", [("", [("/", "Prefix", "web", 80)]), ("*.example.com", [("/api", "Prefix", "api", 80)]),
                           ("a.example.com", [("/v1", "Prefix", "v1", 80)])])],
        [(12525, ("a.example.com",), ("/v1", "/v1/*"), "v1"),
         (28507, ("*.example.com",), ("/api", "/api/*"), "api"),
         (49065, (), ("/*",), "web")],
        [("route.wildcard-depth", "warning")]),
    "four hostnames are split: at most 3 values per condition": (
        [http_route("r", ["a.example.com", "b.example.com", "c.example.com", "d.example.com"],
                    [{"matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
                      "backendRefs": [{"name": "api", "port": 80}]}])],
        [(12226, ("a.example.com", "b.example.com", "c.example.com"), ("/api", "/api/*"), "api"),
         (12380, ("d.example.com",), ("/api", "/api/*"), "api")],
        [("route.split", "info")]),
    "ImplementationSpecific under ingress-nginx is a character prefix": (
        [ingress("legacy", [("shop.example.com", [("/static", "ImplementationSpecific", "web", 80)])])],
        [(11655, ("shop.example.com",), ("/static*",), "web")],
        [("route.implementation-specific", "warning")]),
    "ImplementationSpecific under the ALB controller is an ALB pattern": (
        [ingress("alb", [("shop.example.com", [("/img/*.png", "ImplementationSpecific", "web", 80)])],
                 class_name="alb")],
        [(11004, ("shop.example.com",), ("/img/*.png",), "web")],
        [("route.implementation-specific", "warning")]),
    "a backend that selects nothing answers 503 like Kubernetes": (
        [ingress("broken", [("shop.example.com", [("/gone", "Prefix", "missing", 80)])])],
        [(12171, ("shop.example.com",), ("/gone", "/gone/*"), "fixed-response:503")],
        [("route.no-backend", "warning")]),
    "the same host and path twice: the first by namespace/name wins": (
        [ingress("a-first", [("shop.example.com", [("/x", "Prefix", "api", 80)])]),
         ingress("b-second", [("shop.example.com", [("/x", "Prefix", "web", 80)])])],
        [(12689, ("shop.example.com",), ("/x", "/x/*"), "api")],
        [("route.conflict", "warning")]),
}


@pytest.mark.parametrize("name", CASES)
def test_rules_priorities_and_findings(name):
    docs, rules, findings = CASES[name]
    env = plan(*BASE, *docs)
    assert rules_of(env) == rules
    assert codes(env, "route") == findings
    assert env.route_check.mismatches == 0


def test_http_route_methods_headers_and_weights():
    route = http_route("r", ["shop.example.com"], [
        {"matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
         "backendRefs": [{"name": "api", "port": 80, "weight": 90}, {"name": "v1", "port": 80, "weight": 10}]},
        {"matches": [{"path": {"type": "PathPrefix", "value": "/api"}, "method": "POST",
                      "headers": [{"name": "X-Env", "value": "blue"}]}], "backendRefs": [{"name": "web", "port": 80}]},
    ])
    env = plan(*BASE, route)
    rules = env.load_balancers[0].rules
    assert [(r.conditions.http_methods, r.conditions.http_headers, [(t.target_group, t.weight) for t in r.targets])
            for r in rules] == [
        (("POST",), (("X-Env", ("blue",)),), [("web-8080", 1)]),  # more conditions first at equal path
        ((), (), [("api-8080", 9), ("v1-8080", 1)]),
    ]
    assert rules[0].priority + 1 == rules[1].priority  # one group: consecutive slots
    assert codes(env, "route") == [("route.header-case", "info")]
    assert env.route_check == RouteCheck(probes=env.route_check.probes, mismatches=0)


def test_adding_a_route_leaves_the_other_priorities_alone():
    docs = CASES["prefix, exact and root on one host: Exact first, longer prefixes first"][0]
    before = {r[2]: r[0] for r in rules_of(plan(*BASE, *docs))}
    more = ingress("more", [("shop.example.com", [("/api/v2", "Prefix", "v1", 80), ("/login", "Exact", "web", 80)])])
    after = {r[2]: r[0] for r in rules_of(plan(*BASE, *docs, more))}
    assert {k: after[k] for k in before} == before
    assert len(after) == len(before) + 2


def test_one_service_selecting_several_workloads_is_a_weighted_forward():
    labels = {"app": "reviews"}
    docs = [deployment("reviews-v1", labels={**labels, "v": "1"}, replicas=3),
            deployment("reviews-v2", labels={**labels, "v": "2"}, replicas=1),
            service("reviews", ports=((9080, "http"),), selector=labels),
            ingress("r", [("books.example.com", [("/reviews", "Prefix", "reviews", 9080)])])]
    env = plan(*docs)
    [rule] = env.load_balancers[0].rules
    assert [(t.target_group, t.weight) for t in rule.targets] == [("reviews-v1-8080", 3), ("reviews-v2-8080", 1)]
    assert env.route_check.mismatches == 0


def test_named_target_port_reaches_a_sidecar():
    docs = [deployment("api", sidecar_ports=(("proxy", 15001),)), service("api", ports=((80, "proxy"),)),
            ingress("i", [("shop.example.com", [("/", "Prefix", "api", 80)])])]
    env = plan(*docs)
    [svc] = env.services
    assert [(t.target_group, t.container, t.container_port) for t in svc.load_balancers] == [
        ("api-15001", "proxy", 15001)]


def test_undeclared_target_port_gets_a_port_mapping():
    docs = [deployment("api", ports=()), service("api", ports=((80, 9000),)),
            ingress("i", [("shop.example.com", [("/", "Prefix", "api", 80)])])]
    env = plan(*docs)
    [svc] = env.services
    assert [(m.name, m.container_port) for c in svc.containers for m in c.port_mappings] == [("api-9000", 9000)]
    assert ("route.port-added", "info") in codes(env, "route")


def test_tls_gives_https_listener_certificate_and_redirect():
    doc = ingress("i", [("shop.example.com", [("/", "Prefix", "web", 80)])],
                  tls=[{"hosts": ["shop.example.com"], "secretName": "shop-tls"}])
    env = plan(*BASE, doc, certificate_arn="arn:aws:acm:us-east-1:1:certificate/x")
    [lb] = env.load_balancers
    assert (lb.https, lb.redirect_http_to_https, lb.tls_hosts, lb.certificate_arn) == (
        True, True, ("shop.example.com",), "arn:aws:acm:us-east-1:1:certificate/x")
    assert codes(plan(*BASE, doc), "route") == [("route.certificate-needed", "warning"), ("route.https-redirect", "info")]


def test_default_backend_is_the_default_action():
    doc = ingress("i", [("shop.example.com", [("/api", "Prefix", "api", 80)])], default=("web", 80))
    [lb] = plan(*BASE, doc).load_balancers
    assert (lb.default_target, [(t.target_group, t.service) for t in lb.default_targets]) == (
        "web-8080", [("web-8080", "web")])


def test_a_default_backend_that_selects_nothing_answers_503():
    doc = ingress("i", [("shop.example.com", [("/api", "Prefix", "api", 80)])], default=("missing", 80))
    env = plan(*BASE, doc)
    [lb] = env.load_balancers
    assert (lb.default_targets, lb.default_fixed_response) == ((), 503)
    assert codes(env, "route") == [("route.no-backend", "warning")]
    assert not codes(env, "map.failed") and env.route_check.mismatches == 0


def test_host_map_renames_hosts_for_the_environment():
    doc = ingress("i", [("shop.example.com", [("/", "Prefix", "web", 80)])])
    env = plan(*BASE, doc, host_map={"shop.example.com": "shop.staging.example.com"})
    assert rules_of(env)[0][1] == ("shop.staging.example.com",)
    assert env.load_balancers[0].hosts == ("shop.staging.example.com",)
    assert env.route_check.mismatches == 0


def test_internal_scheme_gets_its_own_load_balancer():
    public = ingress("pub", [("shop.example.com", [("/", "Prefix", "web", 80)])])
    private = ingress("priv", [("admin.internal.example.com", [("/", "Prefix", "api", 80)])],
                      annotations={"alb.ingress.kubernetes.io/scheme": "internal"})
    env = plan(*BASE, public, private)
    assert [(lb.name, lb.internal, lb.hosts) for lb in env.load_balancers] == [
        ("internal", True, ("admin.internal.example.com",)), ("public", False, ("shop.example.com",))]
    assert [t.target_group for s in env.services for t in s.load_balancers] == ["api-8080-internal", "web-8080"]
    assert env.route_check.mismatches == 0


def test_more_than_100_rules_are_packed_by_host_onto_several_albs():
    hosts = [(f"h{i:03}.example.com", [("/", "Prefix", "web", 80)]) for i in range(130)]
    env = plan(*BASE, ingress("many", hosts), ingress("any", [("", [("/health", "Exact", "api", 80)])]))
    sizes = [(lb.name, len(lb.rules), len(lb.hosts)) for lb in env.load_balancers]
    assert sizes == [("public", 100, 99), ("public-2", 32, 31)]
    assert all(any(not r.conditions.host_headers for r in lb.rules) for lb in env.load_balancers)
    assert ("route.alb-split", "info") in codes(env, "route")
    assert env.route_check.mismatches == 0


@pytest.mark.parametrize("doc, expected", [
    (ingress("i", [("shop.example.com", [("/a%20b", "Prefix", "web", 80)])]),
     [("route.mismatch", "error"), ("route.path-not-expressible", "error")]),
    (ingress("i", [("localhost", [("/", "Prefix", "web", 80)])]),
     [("route.host-not-expressible", "error"), ("route.mismatch", "error")]),
    (ingress("i", [("shop.example.com", [("/api(/|$)(.*)", "ImplementationSpecific", "web", 80)])],
             annotations={"nginx.ingress.kubernetes.io/use-regex": "true",
                          "nginx.ingress.kubernetes.io/rewrite-target": "/$2"}),
     [("route.mismatch", "error"), ("route.regex-closest", "warning"), ("route.regex-path", "warning"),
      ("route.rewrite-target", "error")]),
    (ingress("i", [("shop.example.com", [("/v[0-9]+/", "ImplementationSpecific", "web", 80)])],
             annotations={"nginx.ingress.kubernetes.io/use-regex": "true"}),
     [("route.path-not-expressible", "error"), ("route.regex-path", "warning")]),
])
def test_what_alb_cannot_express_is_a_located_finding(doc, expected):
    env = plan(*BASE, doc)
    assert sorted(set(codes(env, "route"))) == expected
    assert all(f.source.file == "estate.yaml" and f.source.line > 0 for f in env.findings if f.code.startswith("route"))
    mismatches = [f for f in env.findings if f.code == "route.mismatch"]
    assert len(mismatches) == env.route_check.mismatches
    assert all(f.message.startswith("probe GET ") for f in mismatches)


# --- ingress-nginx regex hosts: every path is `~* "^<path>"` (ingress-path-matching doc) ---

USE_REGEX = {"nginx.ingress.kubernetes.io/use-regex": "true"}
MISMATCH, CASE, REGEX_PATH = ("route.mismatch", "error"), ("route.case-insensitive", "warning"), \
    ("route.regex-path", "warning")
REGEX_CASES = {
    "use-regex: a Prefix is the character prefix /static*; other cases still differ": (
        [ingress("app", [("shop.example.com", [("/static", "Prefix", "api", 80), ("/", "Prefix", "web", 80)])],
                 annotations=USE_REGEX)],
        [(11604, ("shop.example.com",), ("/static*",), "api"), (12804, ("shop.example.com",), ("/*",), "web")],
        [CASE, MISMATCH, MISMATCH, REGEX_PATH], ["/STATIC", "/STATIC/x"]),
    "use-regex: an Exact path is a prefix too": (
        [ingress("app", [("shop.example.com", [("/login", "Exact", "api", 80), ("/", "Prefix", "web", 80)])],
                 annotations=USE_REGEX)],
        [(11804, ("shop.example.com",), ("/login*",), "api"), (12804, ("shop.example.com",), ("/*",), "web")],
        [CASE, MISMATCH, MISMATCH, REGEX_PATH], ["/LOGIN", "/LOGIN/x"]),
    "another Ingress of the host: its Prefix owns path/ and path, as ingress-nginx writes them": (
        [ingress("plain", [("shop.example.com", [("/static", "Prefix", "api", 80), ("/", "Prefix", "web", 80)])]),
         ingress("regex", [("shop.example.com", [("/v1", "Prefix", "v1", 80)])], annotations=USE_REGEX)],
        # both copies rank by /static (7 bytes), /static/ first: updateServerLocations adds them in place
        [(11604, ("shop.example.com",), ("/static/*",), "api"), (11605, ("shop.example.com",), ("/static*",), "api"),
         (12404, ("shop.example.com",), ("/v1*",), "v1"), (12804, ("shop.example.com",), ("/*",), "web")],
        [CASE, CASE, MISMATCH, MISMATCH, MISMATCH, MISMATCH, REGEX_PATH], ["/STATIC", "/STATIC/x", "/V1", "/V1/x"]),
    "rewrite-target implies regex for the host": (
        [ingress("plain", [("shop.example.com", [("/", "Prefix", "web", 80)])]),
         ingress("rw", [("shop.example.com", [("/api", "Prefix", "api", 80)])],
                 annotations={"nginx.ingress.kubernetes.io/rewrite-target": "/"})],
        [(12204, ("shop.example.com",), ("/api*",), "api"), (12804, ("shop.example.com",), ("/*",), "web")],
        [CASE, MISMATCH, MISMATCH, ("route.rewrite-target", "error")], ["/API", "/API/x"]),
    "a regex one character longer than a Prefix ranks ahead of its path/ copy, as ingress-nginx sorts": (
        [ingress("p", [("shop.example.com", [("/api", "Prefix", "web", 80)])]),
         ingress("r", [("shop.example.com", [("/ap.*", "ImplementationSpecific", "api", 80)])], annotations=USE_REGEX)],
        [(12004, ("shop.example.com",), ("/ap*",), "api"), (12204, ("shop.example.com",), ("/api/*",), "web"),
         (12205, ("shop.example.com",), ("/api*",), "web")],
        [CASE, MISMATCH, MISMATCH, MISMATCH, MISMATCH, ("route.regex-closest", "warning"), REGEX_PATH],
        ["/AP.", "/AP./x", "/API", "/API/x"]),
    "the same path and type again: the first Ingress keeps it, no rule for the second": (
        [ingress("a", [("shop.example.com", [("/x", "Exact", "api", 80)])]),
         ingress("b", [("shop.example.com", [("/x", "Prefix", "web", 80), ("/x", "Exact", "v1", 80)])]),
         ingress("c", [("shop.example.com", [("/", "Prefix", "web", 80)])], annotations=USE_REGEX)],
        # a's ^/x and b's ^/x/ both rank by /x, a's first (definition order): ^/x answers /x/ too
        [(12604, ("shop.example.com",), ("/x*",), "api"), (12605, ("shop.example.com",), ("/x/*",), "web"),
         (12804, ("shop.example.com",), ("/*",), "web")],
        [CASE, CASE, ("route.conflict", "info"), MISMATCH, MISMATCH, REGEX_PATH], ["/X", "/X/x"]),
}


@pytest.mark.parametrize("name", REGEX_CASES)
def test_regex_hosts(name):
    docs, rules, findings, mismatched = REGEX_CASES[name]
    env = plan(*BASE, *docs)
    assert rules_of(env) == rules
    assert codes(env, "route") == findings
    assert sorted(f.message.split()[2].split("shop.example.com")[1].rstrip(":") for f in env.findings
                  if f.code == "route.mismatch") == mismatched
    assert env.route_check.mismatches == len(mismatched)


def test_reproduction_through_the_cli(tmp_path):
    """The user trial: use-regex, /static (Prefix) -> a, / (Prefix) -> b."""
    import yaml

    from tests.conftest import run_cli
    from tests.routing.estates import yaml_line

    docs = (*backend("a"), *backend("b"),
            ingress("app", [("app.example.com", [("/static", "Prefix", "a", 80), ("/", "Prefix", "b", 80)])],
                    annotations=USE_REGEX))
    (tmp_path / "app.yaml").write_text(yaml.safe_dump_all(docs, sort_keys=False))
    result = run_cli("plan", "app.yaml", "-o", "plan.yaml", "--format", "json", cwd=tmp_path)
    assert result.code == 1, result.stderr  # errors: the route self-check found probes that differ
    [env] = yaml.safe_load((tmp_path / "plan.yaml").read_text())["environments"]
    [lb] = env["load_balancers"]
    assert [(r["conditions"]["path_patterns"], r["service"]) for r in lb["rules"]] == [
        (["/static*"], "a"), (["/*"], "b")]
    static = yaml_line(docs, "path: /static")
    found = [(f["code"], f["line"], f["message"]) for f in yaml.safe_load(result.stdout)["environments"][0]["findings"]
             if f["code"].startswith("route.")]
    assert sorted((code, line) for code, line, _ in found) == [
        ("route.case-insensitive", static), ("route.mismatch", static), ("route.mismatch", static),
        ("route.regex-path", yaml_line(docs, "kind: Ingress") - 1)]
    assert sorted(m.split(":")[0] for c, _, m in found if c == "route.mismatch") == [
        "probe GET app.example.com/STATIC", "probe GET app.example.com/STATIC/x"]
    [case] = [m for c, _, m in found if c == "route.case-insensitive"]
    assert "/staticx and /STATIC/x match it too" in case and "ALB path patterns are case-sensitive" in case


@pytest.mark.parametrize("replicas, weights", [((3,), [1]), ((4, 2), [2, 1])])
def test_default_targets_weights_are_reduced(replicas, weights):
    labels = {"app": "fallback"}
    docs = [deployment(f"fallback-{i}", labels={**labels, "v": str(i)}, replicas=n) for i, n in enumerate(replicas)]
    docs += [service("fallback", ports=((80, "http"),), selector=labels),
             ingress("d", [], default=("fallback", 80), class_name="alb")]
    env = plan(*docs)
    assert [t.weight for t in env.load_balancers[0].default_targets] == weights
    assert env.route_check.mismatches == 0


@pytest.mark.parametrize("backend_refs, why", [
    ([{"name": "api", "port": 80, "weight": 0}], "every backendRef has weight 0"),
    ([{"name": "missing", "port": 80}], "selects no planned workload (missing Service, a port or port name the "
                                        "Service does not have, or no pod selected)"),
])
def test_a_route_without_backends_says_why(backend_refs, why):
    route = http_route("r", ["shop.example.com"], [{"matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
                                                    "backendRefs": backend_refs}])
    env = plan(*BASE, route)
    [finding] = [f for f in env.findings if f.code == "route.no-backend"]
    assert finding.message.endswith(f": {why}; the ALB answers 503 as Kubernetes would")
