"""Per-route comparison of a planned load balancer with the live one.

Rules are paired by what they match (their conditions), then by priority, so that a moved rule
reads as "priority expected 10, actual 20" and an edited rule as "conditions.host_headers ...";
what is left is MISSING (planned, not live) or UNEXPECTED (live, not planned).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from migrator.plan import model as p
from migrator.routing.listeners import http_listener_rules
from migrator.verify.compare import Drift, diff, plain

PASS, DRIFT, MISSING, UNEXPECTED, NOT_MIGRATED = "PASS", "DRIFT", "MISSING", "UNEXPECTED", "NOT MIGRATED"
LISTENER = "(listener)"
HTTP_PORT = "port 80 "  # before the rules port 80 serves itself beside HTTPS


@dataclass(frozen=True)
class RouteResult:
    load_balancer: str
    route: str  # how people read the rule: "#10 host=a.example.com path=/api/* -> orders"
    service: str  # the service that should answer ("" for a fixed response or the listener itself)
    status: str
    drifts: tuple[Drift, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status in (DRIFT, MISSING, UNEXPECTED)


def describe_rule(rule: p.ListenerRule) -> str:
    c = rule.conditions
    parts = [f"#{rule.priority}"]
    parts += [f"host={','.join(c.host_headers)}"] if c.host_headers else []
    parts += [f"path={','.join(c.path_patterns)}"] if c.path_patterns else []
    parts += [f"method={','.join(c.http_methods)}"] if c.http_methods else []
    parts += [f"header {name}={','.join(values)}" for name, values in c.http_headers]
    answer = rule.service or (f"fixed {rule.fixed_response}" if rule.fixed_response else "?")
    return " ".join(parts) + f" -> {answer}"


def canonical(rule: p.ListenerRule) -> p.ListenerRule:
    """The rule with order-free conditions: ALB ignores the order of values and header names' case."""
    c = rule.conditions
    conditions = p.RuleCondition(tuple(sorted(c.host_headers)), tuple(sorted(c.path_patterns)),
                                 tuple(sorted(c.http_methods)),
                                 tuple(sorted((name.lower(), tuple(sorted(v))) for name, v in c.http_headers)))
    return dataclasses.replace(rule, conditions=conditions)


def route_results(planned: p.LoadBalancerPlan, live: p.LoadBalancerPlan | None, migrated: set[str],
                  live_http_rules: tuple[p.ListenerRule, ...] | None = None) -> list[RouteResult]:
    """The listener line and one result per rule; with `live_http_rules` (the rules of the HTTP
    listener beside a live HTTPS one) also one per plain-HTTP rule, its route prefixed `port 80`."""
    if live is None:
        return [RouteResult(planned.name, describe_rule(rule), rule.service,
                            MISSING if _migrated(rule, migrated) else NOT_MIGRATED,
                            (Drift("load_balancer", planned.name, "(absent)"),) if _migrated(rule, migrated) else ())
                for rule in planned.rules]
    out = [_listener_result(planned, live)]
    out += _rule_results(planned, planned.rules, live.rules, migrated)
    if live_http_rules is not None:
        out += _rule_results(planned, http_listener_rules(planned), live_http_rules, migrated, HTTP_PORT)
    return out


def _rule_results(planned: p.LoadBalancerPlan, want: tuple[p.ListenerRule, ...], live: tuple[p.ListenerRule, ...],
                  migrated: set[str], label: str = "") -> list[RouteResult]:
    pairs, missing, extra = pair_rules(want, live)
    out = []
    for rule, got in pairs:
        drifts = tuple(diff(_rule_data(rule, got), _rule_data(got, got)))
        status = NOT_MIGRATED if not _migrated(rule, migrated) else (DRIFT if drifts else PASS)
        out.append(RouteResult(planned.name, label + describe_rule(rule), rule.service, status,
                               drifts if status == DRIFT else ()))
    for rule in missing:
        status = MISSING if _migrated(rule, migrated) else NOT_MIGRATED
        out.append(RouteResult(planned.name, label + describe_rule(rule), rule.service, status))
    planned_services = {r.service for r in planned.rules}
    for rule in extra:
        later_wave = rule.service in planned_services and not _migrated(rule, migrated)
        out.append(RouteResult(planned.name, label + describe_rule(rule), rule.service,
                               NOT_MIGRATED if later_wave else UNEXPECTED))
    return out


def _migrated(rule: p.ListenerRule, migrated: set[str]) -> bool:
    return not rule.service or rule.service in migrated


def pair_rules(planned: tuple[p.ListenerRule, ...], live: tuple[p.ListenerRule, ...]):
    """(planned, live) pairs, unpaired planned rules, unpaired live rules."""
    free = list(live)
    pairs: list[tuple[p.ListenerRule, p.ListenerRule]] = []
    unmatched: list[p.ListenerRule] = []
    for rule in planned:
        match = next((r for r in free if canonical(r).conditions == canonical(rule).conditions), None)
        if match is None:
            unmatched.append(rule)
            continue
        free.remove(match)
        pairs.append((rule, match))
    missing = []
    for rule in unmatched:
        match = next((r for r in free if r.priority == rule.priority), None)
        if match is None:
            missing.append(rule)
            continue
        free.remove(match)
        pairs.append((rule, match))
    pairs.sort(key=lambda pair: pair[0].priority)
    return pairs, missing, free


def _rule_data(rule: p.ListenerRule, live: p.ListenerRule) -> dict:
    """A planned target that names no service (older plans) takes the live one's."""
    targets = tuple(dataclasses.replace(t, service=t.service or (live.targets[i].service if i < len(live.targets)
                                                                   else ""))
                    for i, t in enumerate(rule.targets))
    return plain(dataclasses.replace(canonical(rule), targets=targets))


def _listener_result(planned: p.LoadBalancerPlan, live: p.LoadBalancerPlan) -> RouteResult:
    fields = ("https", "certificate_arn", "internal", "redirect_http_to_https")
    want = {name: getattr(planned, name) for name in fields}
    got = {name: getattr(live, name) for name in fields}
    want["default_action"] = _default_action(planned)
    got["default_action"] = _default_action(live)
    drifts = tuple(diff(want, got))
    return RouteResult(planned.name, LISTENER, "", DRIFT if drifts else PASS, drifts)


def _default_action(lb: p.LoadBalancerPlan) -> str:
    """The default action in one comparable word: forward targets, else a fixed response
    (the plan's empty default is a fixed 404)."""
    targets = lb.default_targets or ((p.WeightedTarget(lb.default_target),) if lb.default_target else ())
    if targets:
        return "forward " + ",".join(f"{t.target_group}:{t.weight}" for t in targets)
    return f"fixed-response {lb.default_fixed_response or 404}"
