"""Where an Application Load Balancer sends a request, evaluated from its listener rules.

Written from the ALB listener-rule documentation (sources in mappings/alb.yaml), independently
of the Kubernetes matcher: rules are tried in ascending priority and the first rule whose
conditions all match answers; within one condition any value may match. Host headers compare
case-insensitively, path patterns case-sensitively against the path only; both take `*` (zero or
more characters) and `?` (exactly one). HTTP header names compare case-insensitively and their
values case-insensitively with the same wildcards; methods compare exactly. No rule matches:
the default action.
"""

from __future__ import annotations

import functools
import re
from typing import Sequence

from migrator.plan.model import ListenerRule, LoadBalancerPlan, RuleCondition, WeightedTarget
from migrator.routing.probes import Probe, answer_for


def alb_backend(rules: Sequence[ListenerRule], default: str | None, probe: Probe) -> str | None:
    """The answer of the first rule (by priority) whose conditions all match, else `default`."""
    for rule in sorted(rules, key=lambda r: r.priority):
        if _conditions_hold(rule.conditions, probe):
            return rule_answer(rule)
    return default or None


def rule_answer(rule: ListenerRule) -> str | None:
    if rule.fixed_response == 404:
        return None  # the same answer as an unmatched request
    if rule.fixed_response:
        return f"fixed-response:{rule.fixed_response}"
    return _forward_answer(rule.targets) or rule.service or None


def default_answer(lb: LoadBalancerPlan) -> str | None:
    if lb.default_targets:
        return _forward_answer(lb.default_targets)
    if lb.default_fixed_response:
        return f"fixed-response:{lb.default_fixed_response}"
    return None  # forwarding to an unnamed target group or the fixed 404


def load_balancer_for(load_balancers: Sequence[LoadBalancerPlan], host: str) -> LoadBalancerPlan | None:
    """The load balancer DNS sends `host` to: the one listing it, else the one whose wildcard
    host covers it (longest first), else the first (which also serves unknown hosts)."""
    name = host.split(":", 1)[0].lower()
    for lb in load_balancers:
        if name in (h.lower() for h in lb.hosts):
            return lb
    covering = [(len(h), i) for i, lb in enumerate(load_balancers) for h in lb.hosts
                if h.startswith("*.") and name.endswith(h[1:].lower()) and len(name) > len(h) - 1]
    if covering:
        return load_balancers[max(covering)[1]]
    return load_balancers[0] if load_balancers else None


def load_balancer_backend(load_balancers: Sequence[LoadBalancerPlan], probe: Probe) -> str | None:
    lb = load_balancer_for(load_balancers, probe.host)
    return None if lb is None else alb_backend(lb.rules, default_answer(lb), probe)


def _forward_answer(targets: Sequence[WeightedTarget]) -> str | None:
    return answer_for((t.service or t.target_group, t.weight) for t in targets)


def _conditions_hold(condition: RuleCondition, probe: Probe) -> bool:
    host = probe.host.split(":", 1)[0]
    if condition.host_headers and not any(_glob(v, ignore_case=True).fullmatch(host)
                                          for v in condition.host_headers):
        return False
    if condition.path_patterns and not any(_glob(v, ignore_case=False).fullmatch(probe.path)
                                           for v in condition.path_patterns):
        return False
    if condition.http_methods and probe.method not in condition.http_methods:
        return False
    return all(_header_holds(name, values, probe) for name, values in condition.http_headers)


def _header_holds(name: str, values: Sequence[str], probe: Probe) -> bool:
    # a header sent more than once is searched in order until one value matches
    sent = [value for header, value in probe.headers if header.lower() == name.lower()]
    return any(_glob(v, ignore_case=True).fullmatch(s) for v in values for s in sent)


@functools.lru_cache(maxsize=4096)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern:
    parts = []
    for char in pattern:
        parts.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))
