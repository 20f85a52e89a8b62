"""HTTPRoutes planned through their Gateways: partition (internal / public ALB), effective hostnames
and findings per attachment rule, proven by the route-equivalence self-check; the user-trial
reproduction through the real CLI."""

import pytest
import yaml

from tests.conftest import run_cli
from tests.routing.estates import codes, deployment, gateway, http_route, plan, rules_of, service

BASE = [deployment("admin"), service("admin", ports=((80, "http"),))]
INTERNAL = gateway("internal-gw", [("http", 80, "HTTP", "*.corp.local")],
                   annotations={"alb.ingress.kubernetes.io/scheme": "internal"})
PUBLIC = gateway("public-gw", [("web", 80, "HTTP", "shop.example.com")])
ADMIN = [{"matches": [{"path": {"type": "PathPrefix", "value": "/admin"}}],
          "backendRefs": [{"name": "admin", "port": 80}]}]
PATHS = ("/admin", "/admin/*")


def route(hostnames, *parents, **ref):
    return http_route("admin", hostnames, ADMIN, parents=[{"name": p, **ref} for p in parents])


CASES = {
    "no hostnames on an internal Gateway: the listener's, on the internal ALB": (
        [INTERNAL, route([], "internal-gw")],
        {"internal": [(28380, ("*.corp.local",), PATHS, "admin")]},
        [("route.internal-gateway", "info")]),
    "the scheme from spec.infrastructure.annotations": (
        [gateway("internal-gw", [("http", 80, "HTTP", "*.corp.local")],
                 infrastructure={"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"}),
         route([], "internal-gw")],
        {"internal": [(28380, ("*.corp.local",), PATHS, "admin")]},
        [("route.internal-gateway", "info")]),
    "route hostnames outside the listener's are ignored": (
        [INTERNAL, route(["admin.corp.local", "shop.example.com"], "internal-gw")],
        {"internal": [(11920, ("admin.corp.local",), PATHS, "admin")]},
        [("route.internal-gateway", "info")]),
    "no intersection: not attached, no rule": (
        [INTERNAL, route(["shop.example.com"], "internal-gw")],
        {},
        [("route.not-attached", "warning"), ("route.not-served", "warning")]),
    "attached to an internal and a public Gateway: both ALBs": (
        [INTERNAL, PUBLIC, route([], "internal-gw", "public-gw")],
        {"internal": [(28380, ("*.corp.local",), PATHS, "admin")],
         "public": [(11989, ("shop.example.com",), PATHS, "admin")]},
        [("route.internal-gateway", "info")]),
    "sectionName names a listener the Gateway lacks": (
        [PUBLIC, route([], "public-gw", sectionName="admin")],
        {},
        [("route.not-attached", "warning"), ("route.not-served", "warning")]),
    "a Gateway not in the estate: the route's own hostnames on the default ALB": (
        [route(["admin.example.com"], "elsewhere")],
        {"public": [(11819, ("admin.example.com",), PATHS, "admin")]},
        [("route.gateway-not-found", "warning")]),
}


@pytest.mark.parametrize("name", CASES)
def test_gateway_attachment_plans_rules_per_partition(name):
    docs, by_lb, findings = CASES[name]
    env = plan(*BASE, *docs)
    assert {lb.name: rules_of(env, i) for i, lb in enumerate(env.load_balancers)} == by_lb
    assert {lb.name: lb.internal for lb in env.load_balancers} == {n: n == "internal" for n in by_lb}
    assert codes(env, "route") == findings
    assert env.route_check.mismatches == 0 and (env.route_check.probes > 0) == bool(by_lb)


def test_not_attached_finding_is_located_at_the_parent_ref_and_says_why():
    env = plan(*BASE, INTERNAL, route(["shop.example.com"], "internal-gw"))
    [finding] = [f for f in env.findings if f.code == "route.not-attached"]
    assert "parentRefs" in finding.source.yaml_path and finding.source.line > 0
    assert finding.message == (
        "HTTPRoute default/admin does not attach to Gateway default/internal-gw: listener http (hostname "
        "*.corp.local): none of the route's hostnames (shop.example.com) intersects it; Kubernetes does not route "
        "it there, so no rule is planned for it")


def test_user_trial_internal_gateway_through_the_cli(tmp_path):
    """The trial: a host-less HTTPRoute on an internal Gateway landed on the public ALB for every host."""
    (tmp_path / "app.yaml").write_text(yaml.safe_dump_all([*BASE, INTERNAL, route([], "internal-gw")]))
    result = run_cli("plan", "app.yaml", "--out", "plan.yaml", cwd=tmp_path)
    assert result.code == 0, result.stderr
    env = yaml.safe_load((tmp_path / "plan.yaml").read_text())["environments"][0]
    [lb] = env["load_balancers"]
    assert (lb["name"], lb["internal"], lb["hosts"]) == ("internal", True, ["*.corp.local"])
    assert [r["conditions"] for r in lb["rules"]] == [
        {"host_headers": ["*.corp.local"], "path_patterns": ["/admin", "/admin/*"]}]
    assert env["route_check"] == {"probes": env["route_check"]["probes"]}  # no mismatches (0 is omitted)


def test_verify_reads_routes_on_gateways_as_the_plan_does(tmp_path, monkeypatch):
    """`migrate verify` re-loads the Kubernetes sources for routing parity: a route on an internal
    Gateway is expected on the internal load balancer with the listener's hostname there too."""
    from migrator import api
    from migrator.verify.routing import kubernetes_expectations

    (tmp_path / "app.yaml").write_text(yaml.safe_dump_all([*BASE, INTERNAL, route([], "internal-gw")]))
    monkeypatch.chdir(tmp_path)
    plan_obj = api.plan_estate(api.PlanOptions(paths=("app.yaml",))).plan
    env = plan_obj.environments[0]
    expectations, notes = kubernetes_expectations(plan_obj, env, ("app.yaml",), "plan.yaml")
    admin = [e for e in expectations if e.probe.path.startswith("/admin")]
    assert notes == [] and admin
    assert {e.load_balancers for e in admin} == {("internal",)}
    assert "wildcard.corp.local" in {e.probe.host for e in admin}  # the listener's hostname
