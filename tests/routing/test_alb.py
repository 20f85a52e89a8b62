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


# --- the index gives the plain scan's answers, evaluating only the rules a probe could match ---

from hypothesis import example, given, settings, strategies as st  # noqa: E402

from migrator.routing.alb import AlbIndex, RuleIndex, _glob, _matcher  # noqa: E402

# small alphabets so that rules overlap and wildcards matter; the Kelvin sign and the long s match
# k and s without case, which lower() does not reproduce
host_patterns = st.text("abks.*?A\u212a\u017f", min_size=0, max_size=6).map(lambda t: t + ".example.com")
path_patterns = st.text("/ab*?A", min_size=0, max_size=6).map(lambda t: "/" + t)
conditions = st.builds(
    RuleCondition,
    host_headers=st.lists(host_patterns | st.sampled_from(["*", "*.example.com", "a.example.com"]), max_size=2)
    .map(tuple),
    path_patterns=st.lists(path_patterns | st.sampled_from(["/*", "/a*", "/a/*", "/a"]), max_size=2).map(tuple),
    http_methods=st.lists(st.sampled_from(["GET", "POST"]), max_size=1).map(tuple),
    http_headers=st.lists(st.tuples(st.just("X-Env"), st.lists(st.sampled_from(["blue", "b*"]), min_size=1,
                                                               max_size=2).map(tuple)), max_size=1).map(tuple))
rule_sets = st.lists(st.builds(lambda priority, condition, service, fixed: ListenerRule(
    priority, condition, () if fixed else (WeightedTarget(f"{service}-tg", 1, service),), service,
    fixed_response=fixed), st.integers(1, 6), conditions, st.sampled_from("xyz"), st.sampled_from([0, 0, 404, 503])),
    max_size=12)
probes = st.builds(Probe, host=st.text("abksA.\u212a\u017f", max_size=4).map(lambda t: t + ".example.com")
                   | st.sampled_from(["a.example.com", "A.EXAMPLE.COM:8080", "example.com", "other.org"]),
                   path=st.text("/ab*?A\u017f", max_size=6).map(lambda t: "/" + t),
                   method=st.sampled_from(["GET", "POST"]),
                   headers=st.lists(st.tuples(st.sampled_from(["x-env", "X-Other"]), st.sampled_from(["blue", "BX"])),
                                    max_size=2).map(tuple))


@settings(max_examples=300)
@given(rule_sets, st.sampled_from([None, "default"]), st.lists(probes, min_size=1, max_size=8))
@example([rule(1, "a", hosts=["*\u017f.example.com"]), rule(2, "b", hosts=["s.example.com"])], None,
         [Probe("xs.example.com", "/"), Probe("\u017f.example.com", "/"), Probe("S.example.com", "/")])
def test_rule_index_answers_like_the_plain_scan(rules, default, sent):
    index = RuleIndex(rules, default)
    for probe in sent:
        assert index.backend(probe) == alb_backend(rules, default, probe), str(probe)


lb_hosts = st.lists(st.sampled_from(["a.example.com", "*.example.com", "*.b.example.com", "B.Example.com",
                                     "*.EXAMPLE.com", "x.b.example.com", "*.org"]), max_size=3).map(tuple)


@settings(max_examples=200)
@given(st.lists(st.tuples(lb_hosts, rule_sets), max_size=4), st.lists(probes, min_size=1, max_size=8))
def test_alb_index_picks_the_load_balancer_and_answer_of_the_plain_scan(specs, sent):
    lbs = [LoadBalancerPlan(f"lb{i}", hosts=hosts, rules=tuple(rules), default_fixed_response=503 if i % 2 else 0)
           for i, (hosts, rules) in enumerate(specs)]
    index = AlbIndex(lbs)
    for probe in sent:
        expected = load_balancer_for(lbs, probe.host)
        assert index.load_balancer(probe.host) == (None if expected is None else lbs.index(expected))
        assert index.backend(probe) == load_balancer_backend(lbs, probe), str(probe)


@settings(max_examples=500)
@given(st.text("/abs*?A.", max_size=6), st.text("/abs*?A.\n\u017f", max_size=6), st.booleans())
def test_string_matchers_agree_with_the_glob_regex(pattern, text, ignore_case):
    assert _matcher(pattern, ignore_case)(text) == (_glob(pattern, ignore_case).fullmatch(text) is not None)


def test_a_probe_evaluates_only_the_rules_its_host_and_path_could_match():
    rules = [rule(i + 1, f"svc{i}", hosts=[f"h{i % 10}.example.com"], paths=[f"/api/v1/svc{i}", f"/api/v1/svc{i}/*"])
             for i in range(1000)] + [rule(2000, "any", paths=["/*"]), rule(2001, "wild", hosts=["*.example.com"])]
    index = RuleIndex(rules, None)
    candidates = [index.rules[p].service for p in index._candidates(Probe("h7.example.com", "/api/v1/svc17/x"))]
    assert candidates == ["svc17", "any", "wild"]
    assert index.backend(Probe("h7.example.com", "/api/v1/svc17/x")) == "svc17"
