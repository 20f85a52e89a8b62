"""Which listener carries which rule: the contract emit writes and verify reads back."""

from __future__ import annotations

import dataclasses

import pytest

from migrator.plan import model as p
from migrator.routing.listeners import http_listener_rules, on_http_listener


def rule(priority: int, *hosts: str) -> p.ListenerRule:
    return p.ListenerRule(priority, p.RuleCondition(host_headers=hosts, path_patterns=("/*",)),
                          (p.WeightedTarget("web-http", 1, "web"),), "web")


RULES = (rule(30, "tls.example.com"), rule(10, "plain.example.com"), rule(20, "tls.example.com", "plain.example.com"),
         rule(40))
BASE = p.LoadBalancerPlan(name="public", rules=RULES, tls_hosts=("tls.example.com",))
HTTPS = dataclasses.replace(BASE, https=True, certificate_arn="arn:cert")


@pytest.mark.parametrize("lb, priorities", [
    (BASE, []),  # no HTTPS listener: port 80 is the routing listener itself, with every rule
    (dataclasses.replace(BASE, https=True), []),  # HTTPS asked for, no certificate: no HTTPS listener either
    (HTTPS, [10, 20, 30, 40]),  # no redirect: port 80 forwards every rule as before
    # redirect: only rules whose hosts are not all covered by TLS (a rule with no host matches any host)
    (dataclasses.replace(HTTPS, redirect_http_to_https=True), [10, 20, 40]),
    (dataclasses.replace(HTTPS, redirect_http_to_https=True, tls_hosts=("tls.example.com", "plain.example.com")),
     [40]),
])
def test_rules_port_80_carries_beside_https(lb, priorities):
    assert [r.priority for r in http_listener_rules(lb)] == priorities
    assert [r.priority for r in sorted(lb.rules, key=lambda r: r.priority) if on_http_listener(lb, r)] == priorities
