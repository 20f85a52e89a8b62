"""Ingresses of different classes merged onto one ALB: each controller's default backend only
answers requests that reach it, so hosts served by other classes get a last catch-all rule that
answers as their controller did (its 404 or its own default backend)."""

import dataclasses

import pytest

from migrator.map.routes.check import check_routes
from tests.map.test_routing import backend
from tests.routing.estates import codes, context, ingress, plan, rules_of
from migrator.map import map_environment

BASE = backend("web") + backend("api") + backend("v1")
ALB_DEFAULT = ingress("a-alb", [], default=("web", 80), class_name="alb")
TRAEFIK_ORG = ingress("b-traefik", [("*.example.org", [("/x", "Exact", "api", 80)])], class_name="traefik")
SCOPED, DEPTH, CONFLICT = ("route.default-backend-scoped", "info"), ("route.wildcard-depth", "warning"), \
    ("route.default-backend-conflict", "warning")

CASES = {
    "the user trial: the traefik wildcard host gets a last catch-all answering 404": (
        [ALB_DEFAULT, TRAEFIK_ORG], {},
        [(24838, ("*.example.org",), ("/x",), "api"), (49764, ("*.example.org",), ("/*",), None)],
        [SCOPED, DEPTH]),
    "an exact alb host under the traefik wildcard keeps the default backend ahead of the wildcard catch-all": (
        [ALB_DEFAULT, TRAEFIK_ORG, ingress("c-alb", [("foo.example.org", [("/z", "Exact", "v1", 80)])],
                                           class_name="alb")], {},
        [(65, ("foo.example.org",), ("/z",), "v1"), (24838, ("*.example.org",), ("/x",), "api"),
         (49439, ("foo.example.org",), ("/*",), "web"), (49764, ("*.example.org",), ("/*",), None)],
        [SCOPED, DEPTH]),
    "two classes with a default backend: the second answers its own host": (
        [ALB_DEFAULT, ingress("b-traefik", [("b.example.com", [("/x", "Exact", "api", 80)])], default=("v1", 80),
                              class_name="traefik"),
         ingress("c-alb", [("a.example.com", [("/x", "Exact", "api", 80)])], class_name="alb")], {},
        [(183, ("b.example.com",), ("/x",), "api"), (195, ("a.example.com",), ("/x",), "api"),
         (49400, ("b.example.com",), ("/*",), "v1")],
        [CONFLICT, SCOPED]),
    "another class's default backend that selects nothing answers 503": (
        [ALB_DEFAULT, ingress("b-traefik", [("b.example.com", [("/x", "Exact", "api", 80)])],
                              default=("missing", 80), class_name="traefik")], {},
        [(183, ("b.example.com",), ("/x",), "api"), (49400, ("b.example.com",), ("/*",), "fixed-response:503")],
        [CONFLICT, SCOPED, ("route.no-backend", "warning")]),
    "two default backends of one class: no catch-all, the first is the default action": (
        [ALB_DEFAULT, ingress("b-alb", [("b.example.com", [("/x", "Exact", "api", 80)])], default=("v1", 80),
                              class_name="alb")], {},
        [(183, ("b.example.com",), ("/x",), "api")],
        [CONFLICT]),
    "a class-less Ingress naming the host: any controller may serve it, no catch-all": (
        [ALB_DEFAULT, TRAEFIK_ORG, ingress("c-none", [("*.example.org", [("/z", "Exact", "v1", 80)])],
                                           class_name="")], {},
        [(24815, ("*.example.org",), ("/z",), "v1"), (24838, ("*.example.org",), ("/x",), "api")],
        [DEPTH, DEPTH]),
    "host_map: the catch-all takes the environment's host and its wildcard band": (
        [ALB_DEFAULT, TRAEFIK_ORG], {"host_map": {"*.example.org": "*.staging.example.org"}},
        [(20910, ("*.staging.example.org",), ("/x",), "api"), (49609, ("*.staging.example.org",), ("/*",), None)],
        [SCOPED, DEPTH]),
}


@pytest.mark.parametrize("name", CASES)
def test_catch_alls_rules_and_findings(name):
    docs, options, rules, findings = CASES[name]
    env = plan(*BASE, *docs, **options)
    assert rules_of(env) == rules
    assert codes(env, "route") == findings
    assert env.load_balancers[0].default_target == "web-8080"
    assert env.route_check.mismatches == 0


def test_the_scoped_finding_names_the_hosts_and_what_they_get():
    env = plan(*BASE, ALB_DEFAULT, TRAEFIK_ORG)
    [found] = [f for f in env.findings if f.code == "route.default-backend-scoped"]
    assert found.message == (
        "the public ALB's default action is the default backend of Ingress default/a-alb, but on Kubernetes "
        "unmatched requests for these hosts reach another controller: *.example.org (404); each gets a last "
        "catch-all rule answering as it did")


def test_without_the_catch_all_the_self_check_reports_the_trial_probe():
    ctx = context(*BASE, ALB_DEFAULT, TRAEFIK_ORG)
    env = map_environment(ctx)
    [lb] = env.load_balancers
    stripped = dataclasses.replace(env, load_balancers=(dataclasses.replace(
        lb, rules=tuple(r for r in lb.rules if r.conditions.path_patterns != ("/*",))),))
    checked, findings = check_routes(ctx, stripped)
    assert checked.route_check.mismatches > 0
    assert "probe GET wildcard.example.org/: Kubernetes sends it to 404 (no rule), the planned ALB rules to web" \
        in [f.message.split(";")[0] for f in findings]


def test_reproduction_through_the_cli(tmp_path):
    """The user trial: alb default backend web, traefik *.example.org /x Exact -> api."""
    import yaml

    from tests.conftest import run_cli
    from tests.routing.estates import yaml_line

    docs = (*BASE, ALB_DEFAULT, TRAEFIK_ORG)
    (tmp_path / "app.yaml").write_text(yaml.safe_dump_all(docs, sort_keys=False))
    result = run_cli("plan", "app.yaml", "-o", "plan.yaml", "--format", "json", cwd=tmp_path)
    assert result.code == 0, result.stderr
    [env] = yaml.safe_load((tmp_path / "plan.yaml").read_text())["environments"]
    assert env["route_check"]["probes"] == 13 and "mismatches" not in env["route_check"]  # 0 is omitted
    [lb] = env["load_balancers"]
    assert lb["default_target"] == "web-8080"
    assert [(r["priority"], r["conditions"]["host_headers"], r["conditions"]["path_patterns"],
             r.get("service", ""), r.get("fixed_response", 0)) for r in lb["rules"]] == [
        (24838, ["*.example.org"], ["/x"], "api", 0), (49764, ["*.example.org"], ["/*"], "", 404)]
    found = [(f["code"], f["line"]) for f in yaml.safe_load(result.stdout)["environments"][0]["findings"]
             if f["code"].startswith("route.")]
    rule_line = yaml_line(docs, "host: '*.example.org'")
    assert sorted(found) == [("route.default-backend-scoped", rule_line), ("route.wildcard-depth", rule_line + 3)]
