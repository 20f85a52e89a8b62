"""Per-route comparison and routing parity, on the small plan's load balancer."""

from __future__ import annotations

import dataclasses

import pytest

from migrator.plan import model as p
from migrator.verify.routes import route_results
from migrator.verify.routing import answered_by_migrated, routing_check
from tests.verify.small_plan import ENVIRONMENT, PLAN, PUBLIC

R = dataclasses.replace
ALL = {"orders-api", "catalog", "billing-worker"}
RULES = {rule.priority: rule for rule in PUBLIC.rules}


def live_with(*rules: p.ListenerRule, **changes) -> p.LoadBalancerPlan:
    # what the normaliser gives: conditions in AWS's order, no origin or source
    return R(PUBLIC, rules=tuple(R(r, source=p.Source("")) for r in rules), **changes)


def swapped() -> p.LoadBalancerPlan:
    return live_with(R(RULES[10], priority=20), R(RULES[20], priority=10), RULES[30], RULES[40])


def lines(results) -> list[str]:
    return [f"{r.status} {r.route}" + "".join(f" | {d}" for d in r.drifts) for r in results if r.status != "PASS"]


@pytest.mark.parametrize("live, migrated, expected", [
    (live_with(*PUBLIC.rules), ALL, []),
    # ALB ignores the order of condition values
    (live_with(R(RULES[10], conditions=p.RuleCondition(("api.shop.example.com",), ("/orders/*", "/orders"))),
               RULES[20], RULES[30], RULES[40]), ALL, []),
    (swapped(), ALL, [
        "DRIFT #10 host=api.shop.example.com path=/orders,/orders/* -> orders-api | priority: expected 10, actual 20",
        "DRIFT #20 host=api.shop.example.com -> catalog | priority: expected 20, actual 10"]),
    (live_with(RULES[10], RULES[20], RULES[40]), ALL,
     ["MISSING #30 host=shop.example.com path=/catalog/* -> catalog"]),
    (live_with(*PUBLIC.rules, R(RULES[40], priority=50, conditions=p.RuleCondition(("x.example.com",)))), ALL,
     ["UNEXPECTED #50 host=x.example.com -> orders-api"]),
    (live_with(RULES[10], RULES[20], RULES[30], R(RULES[40], targets=(p.WeightedTarget("catalog-http", 1, "catalog"),),
                                                  service="catalog")), ALL,
     ['DRIFT #40 host=shop.example.com path=/orders/* -> orders-api | service: expected "orders-api", actual "catalog"'
      ' | targets: expected [{"target_group": '
      '"orders-api-http", "weight": 1, "service": "orders-api"}], actual [{"target_group": "catalog-http", '
      '"weight": 1, "service": "catalog"}]']),
    (live_with(*PUBLIC.rules, https=True), ALL, ["DRIFT (listener) | https: expected false, actual true"]),
    # Rules of services in later waves are not failures, present or not
    (live_with(RULES[10], RULES[20], RULES[30]), {"catalog"},
     ["NOT MIGRATED #10 host=api.shop.example.com path=/orders,/orders/* -> orders-api",
      "NOT MIGRATED #40 host=shop.example.com path=/orders/* -> orders-api"]),
])
def test_route_results(live, migrated, expected):
    got = lines(route_results(PUBLIC, live, migrated))
    assert [line for line in got if " | " in line or "MISSING" in line or "UNEXPECTED" in line
            or "NOT MIGRATED" in line] == expected


def test_missing_load_balancer_makes_every_migrated_route_missing():
    results = route_results(PUBLIC, None, {"catalog"})
    assert [(r.route.split()[0], r.status) for r in results] == [
        ("#10", "NOT MIGRATED"), ("#20", "MISSING"), ("#30", "MISSING"), ("#40", "NOT MIGRATED")]


def test_priority_swap_fails_routing_parity_though_the_rule_set_is_unchanged():
    live = swapped()
    assert {(r.conditions, r.service) for r in live.rules} == {(r.conditions, r.service) for r in PUBLIC.rules}
    check = routing_check(PLAN, ENVIRONMENT, (), [live], ALL)
    failed = sorted(f"{x.probe}: {x.expected} -> {x.actual}" for x in check.results if x.failed)
    assert "GET api.shop.example.com/orders: orders-api -> catalog" in failed
    assert all(line.endswith("orders-api -> catalog") for line in failed)
    assert not [x for x in routing_check(PLAN, ENVIRONMENT, (), [live_with(*PUBLIC.rules)], ALL).results if x.failed]


def test_probes_of_later_waves_are_skipped_and_said():
    check = routing_check(PLAN, ENVIRONMENT, (), [swapped()], {"catalog"})
    assert not [x for x in check.results if x.failed]
    assert any(note.startswith("routing: ") and "later waves were not checked" in note for note in check.notes)


@pytest.mark.parametrize("answer, migrated", [
    (None, True), ("fixed-response:503", True), ("catalog", True), ("orders-api", False),
    ("catalog:9,orders-api:1", False), ("catalog:1,catalog-v2:1", False),
])
def test_answered_by_migrated(answer, migrated):
    assert answered_by_migrated(answer, {"catalog"}) is migrated


@pytest.fixture(scope="module")
def sample_prod():
    from migrator import api
    from tests.conftest import SAMPLES

    result = api.plan_estate(api.PlanOptions(paths=(str(SAMPLES),), environments=("prod",)))
    return result.plan, result.plan.environment("prod"), str(SAMPLES)


def test_kubernetes_expectation_from_the_sample_estate(sample_prod):
    plan, env, samples = sample_prod
    everything = {s.name for s in env.services}
    check = routing_check(plan, env, (samples,), env.load_balancers, everything)
    assert check.notes == ()
    assert len(check.results) == env.route_check.probes  # the same probes `migrate plan` checked
    assert [x for x in check.results if x.failed] == []


def test_swapped_priorities_on_the_sample_fail_routing(sample_prod):
    plan, env, samples = sample_prod
    public = env.load_balancers[0]
    # two rules of one host whose paths overlap: the more specific one must come first
    a, b = next((a, b) for a in public.rules for b in public.rules
                if a.priority < b.priority and a.service != b.service
                and a.conditions.host_headers == b.conditions.host_headers and b.conditions.path_patterns
                and a.conditions.path_patterns
                and a.conditions.path_patterns[0].startswith(b.conditions.path_patterns[0].rstrip("*")))
    rules = tuple(R(r, priority=b.priority) if r is a else R(r, priority=a.priority) if r is b else r
                  for r in public.rules)
    live = (R(public, rules=rules),) + env.load_balancers[1:]
    failed = [x for x in routing_check(plan, env, (samples,), live, {s.name for s in env.services}).results
              if x.failed]
    # b, now first, takes what it overlaps: a's paths and those of any rule between them
    assert {x.actual for x in failed} == {b.service}
    assert a.service in {x.expected for x in failed}


def test_sources_beside_the_plan_are_found(sample_prod, tmp_path):
    plan, env, samples = sample_prod
    assert plan.sources == (".",)  # relative to the project folder
    check = routing_check(plan, env, (), env.load_balancers, {s.name for s in env.services},
                          plan_path=f"{samples}/migration-plan.yaml")
    assert check.notes == () and len(check.results) == env.route_check.probes


def test_router_answers_exactly_as_the_alb_evaluator(sample_prod):
    from migrator.routing import load_balancer_backend
    from migrator.verify.routing import Router, plan_expectations

    plan, env, samples = sample_prod
    names = tuple(lb.name for lb in env.load_balancers)
    probes = {e.probe for e in plan_expectations(env)} | {
        R(e.probe, path=e.probe.path.upper()) for e in plan_expectations(env)} | {
        R(e.probe, host=e.probe.host.upper()) for e in plan_expectations(env)}
    router = Router(env.load_balancers)
    assert len(probes) > 150
    assert [router.answer(names, x) for x in sorted(probes)] == [
        load_balancer_backend(env.load_balancers, x) for x in sorted(probes)]


def test_long_lists_of_probe_failures_are_cut_with_a_count():
    from migrator.verify import render
    from migrator.verify.results import ProbeResult, VerifyReport

    probes = tuple(ProbeResult(f"GET a.example/{i}", "a", "b") for i in range(13)) + (ProbeResult("GET x", "a", "a"),)
    report = VerifyReport(env="prod", cluster="c", wave=None, probes=probes)
    assert len(render.failure_lines(report)) == 13
    assert render.failure_lines(report, per_kind=10)[-2:] == [
        "ROUTING GET a.example/9: Kubernetes sends it to a, the live ALB to b",
        "ROUTING ... and 3 more probes reach another service (-v or --format json lists them all)"]


# HTTPS with TLS for the API host only: port 80 redirects, and serves #30 and #40 (shop.example.com) itself.
SECURE = R(PUBLIC, https=True, certificate_arn="arn:cert", redirect_http_to_https=True,
           tls_hosts=("api.shop.example.com",))
PORT_80 = (RULES[30], RULES[40])


def port_80_lines(live_http, migrated=ALL) -> list[str]:
    live = live_with(*PUBLIC.rules, https=True, certificate_arn="arn:cert", redirect_http_to_https=True)
    return [line for line in lines(route_results(SECURE, live, migrated, live_http)) if "port 80" in line]


@pytest.mark.parametrize("live_http, migrated, expected", [
    (PORT_80, ALL, []),
    (None, ALL, []),  # no HTTPS listener live: port 80 is the routing listener, compared as such
    ((RULES[30],), ALL, ["MISSING port 80 #40 host=shop.example.com path=/orders/* -> orders-api"]),
    ((), ALL, ["MISSING port 80 #30 host=shop.example.com path=/catalog/* -> catalog",
               "MISSING port 80 #40 host=shop.example.com path=/orders/* -> orders-api"]),
    # a TLS host's rule on port 80 serves it in plain text instead of redirecting
    ((*PORT_80, RULES[10]), ALL, ["UNEXPECTED port 80 #10 host=api.shop.example.com path=/orders,/orders/* "
                                  "-> orders-api"]),
    ((R(RULES[30], priority=35), RULES[40]), ALL,
     ["DRIFT port 80 #30 host=shop.example.com path=/catalog/* -> catalog | priority: expected 30, actual 35"]),
    ((R(RULES[30], conditions=p.RuleCondition(("www.shop.example.com",), ("/catalog/*",))), RULES[40]), ALL,
     ['DRIFT port 80 #30 host=shop.example.com path=/catalog/* -> catalog | conditions.host_headers: expected '
      '["shop.example.com"], actual ["www.shop.example.com"]']),
    ((RULES[30], R(RULES[40], conditions=p.RuleCondition(("shop.example.com",), ("/order/*",)))), ALL,
     ['DRIFT port 80 #40 host=shop.example.com path=/orders/* -> orders-api | conditions.path_patterns: expected '
      '["/orders/*"], actual ["/order/*"]']),
    ((RULES[30], R(RULES[40], targets=(p.WeightedTarget("catalog-http", 1, "catalog"),), service="catalog")), ALL,
     ['DRIFT port 80 #40 host=shop.example.com path=/orders/* -> orders-api | service: expected "orders-api", '
      'actual "catalog" | targets: expected [{"target_group": "orders-api-http", "weight": 1, "service": '
      '"orders-api"}], actual [{"target_group": "catalog-http", "weight": 1, "service": "catalog"}]']),
    ((RULES[30],), {"catalog"}, ["NOT MIGRATED port 80 #40 host=shop.example.com path=/orders/* -> orders-api"]),
])
def test_port_80_rules_beside_https(live_http, migrated, expected):
    assert port_80_lines(live_http, migrated) == expected


def test_port_80_rules_pass_in_the_report_and_fail_in_the_one_line_style():
    from migrator.verify import render
    from migrator.verify.results import VerifyReport

    live = live_with(*PUBLIC.rules, https=True, certificate_arn="arn:cert", redirect_http_to_https=True)
    ok = route_results(SECURE, live, ALL, PORT_80)
    assert [(r.route.partition("#")[0].strip(), r.status) for r in ok] == [
        ("(listener)", "PASS")] + [("", "PASS")] * 4 + [("port 80", "PASS")] * 2
    report = VerifyReport(env="prod", cluster="c", wave=None,
                          routes=tuple(route_results(SECURE, live, ALL, (RULES[30],))))
    assert render.failure_lines(report) == [
        "MISSING route public port 80 #40 host=shop.example.com path=/orders/* -> orders-api (orders-api)"]
