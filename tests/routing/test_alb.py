"""The ALB evaluator against the documented listener-rule semantics, one rule per case."""

import pytest

from migrator.plan.model import ListenerRule, LoadBalancerPlan, RuleCondition, WeightedTarget
from migrator.routing import Probe, alb_backend, load_balancer_backend, load_balancer_for


def rule(priority: int, service: str, hosts=(), paths=(), methods=(), headers=(), fixed: int = 0) -> ListenerRule:
    targets = () if fixed else (WeightedTarget(f"{service}-tg", 1, service),)
    return ListenerRule(priority, RuleCondition(tuple(hosts), tuple(paths), tuple(methods), tuple(headers)),
                        targets, service, fixed_response=fixed)


@pytest.mark.parametrize("condition, probe, matches", [
    # host headers: case-insensitive, * is zero or more characters (dots too), ? exactly one
    (dict(hosts=["api.example.com"]), Probe("API.Example.COM", "/"), True),
    (dict(hosts=["api.example.com"]), Probe("api.example.com:8443", "/"), True),
    (dict(hosts=["*.example.com"]), Probe("a.b.example.com", "/"), True),
    (dict(hosts=["*.example.com"]), Probe("example.com", "/"), False),
    (dict(hosts=["api?.example.com"]), Probe("api1.example.com", "/"), True),
    (dict(hosts=["api?.example.com"]), Probe("api.example.com", "/"), False),
    # path patterns: case-sensitive, the whole path must match
    (dict(paths=["/api"]), Probe("h.example.com", "/api"), True),
    (dict(paths=["/api"]), Probe("h.example.com", "/API"), False),
    (dict(paths=["/api"]), Probe("h.example.com", "/api/"), False),
    (dict(paths=["/api/*"]), Probe("h.example.com", "/api/"), True),
    (dict(paths=["/api/*"]), Probe("h.example.com", "/api"), False),
    (dict(paths=["/*"]), Probe("h.example.com", "/"), True),
    (dict(paths=["/a?c"]), Probe("h.example.com", "/abc"), True),
    (dict(paths=["/a.c"]), Probe("h.example.com", "/abc"), False),  # . is a literal
    (dict(paths=["/x", "/y"]), Probe("h.example.com", "/y"), True),  # any value of a condition
    # every condition of the rule must hold
    (dict(hosts=["a.example.com"], paths=["/x"]), Probe("b.example.com", "/x"), False),
    (dict(methods=["POST"]), Probe("h.example.com", "/", "POST"), True),
    (dict(methods=["POST"]), Probe("h.example.com", "/", "post"), False),
    (dict(headers=[("X-Canary", ("yes",))]), Probe("h.example.com", "/", headers=(("x-canary", "YES"),)), True),
    (dict(headers=[("X-Canary", ("y*",))]), Probe("h.example.com", "/", headers=(("X-Canary", "yep"),)), True),
    (dict(headers=[("X-Canary", ("yes",))]), Probe("h.example.com", "/"), False),
])
def test_conditions(condition, probe, matches):
    assert alb_backend([rule(1, "svc", **condition)], None, probe) == ("svc" if matches else None)


def test_first_match_by_ascending_priority_not_list_order():
    rules = [rule(20, "broad", paths=["/*"]), rule(10, "narrow", paths=["/api/*"])]
    assert alb_backend(rules, "default", Probe("h.example.com", "/api/x")) == "narrow"
    assert alb_backend(rules, "default", Probe("h.example.com", "/web")) == "broad"


@pytest.mark.parametrize("rules, default, expected", [
    ([], "web", "web"),
    ([], None, None),
    ([rule(1, "", paths=["/*"], fixed=503)], "web", "fixed-response:503"),
    ([ListenerRule(1, RuleCondition(), (WeightedTarget("a-tg", 90, "a"), WeightedTarget("b-tg", 10, "b")), "a")],
     None, "a:9,b:1"),
])
def test_answers(rules, default, expected):
    assert alb_backend(rules, default, Probe("h.example.com", "/")) == expected


def test_probe_goes_to_the_load_balancer_serving_its_host():
    one = LoadBalancerPlan("public", hosts=("a.example.com",), rules=(rule(1, "a"),))
    two = LoadBalancerPlan("public-2", hosts=("*.shop.example.com",), rules=(rule(1, "shop"),))
    assert load_balancer_for([one, two], "x.shop.example.com") is two
    assert load_balancer_for([one, two], "A.example.com") is one
    assert load_balancer_for([one, two], "unknown.example.org") is one
    assert load_balancer_backend([one, two], Probe("x.shop.example.com", "/")) == "shop"
