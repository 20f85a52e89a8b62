"""Where an Application Load Balancer sends a request, evaluated from its listener rules.

Written from the ALB listener-rule documentation (sources in mappings/alb.yaml), independently
of the Kubernetes matcher: rules are tried in ascending priority and the first rule whose
conditions all match answers; within one condition any value may match. Host headers compare
case-insensitively, path patterns case-sensitively against the path only; both take `*` (zero or
more characters) and `?` (exactly one). HTTP header names compare case-insensitively and their
values case-insensitively with the same wildcards; methods compare exactly. No rule matches:
the default action.

`alb_backend` and `load_balancer_for` are the plain definitions (a scan of every rule and host).
`AlbIndex` gives the same answers for many probes: a rule can only match a host ending with the
literal text after its host pattern's last wildcard and a path starting with the literal text
before its path pattern's first wildcard, so each probe evaluates only the rules whose literal
text it contains, still in priority order.
"""

from __future__ import annotations

import functools
import re
from typing import Callable, Sequence

from migrator.plan.model import ListenerRule, LoadBalancerPlan, RuleCondition, WeightedTarget
from migrator.routing.probes import Probe, answer_for

_WILDCARDS = re.compile(r"[*?]")


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


class RuleIndex:
    """One listener's rules by the literal host suffix and path prefix each value requires."""

    def __init__(self, rules: Sequence[ListenerRule], default: str | None):
        self.rules = sorted(rules, key=lambda r: r.priority)  # stable, as alb_backend sorts
        self.default = default
        by_host: dict[str, dict[str, list[int]]] = {}
        for position, rule in enumerate(self.rules):
            condition = rule.conditions
            for host_key in {_host_key(v) for v in condition.host_headers} or {""}:
                by_path = by_host.setdefault(host_key, {})
                for path_key in {_path_key(v) for v in condition.path_patterns} or {""}:
                    by_path.setdefault(path_key, []).append(position)
        # per host suffix: positions by path prefix, and the prefix lengths worth looking up
        self._by_host = {key: (by_path, sorted({len(k) for k in by_path})) for key, by_path in by_host.items()}
        self._host_lengths = sorted({len(k) for k in by_host})

    def backend(self, probe: Probe) -> str | None:
        for position in self._candidates(probe):
            rule = self.rules[position]
            if _conditions_hold(rule.conditions, probe):
                return rule_answer(rule)
        return self.default or None

    def _candidates(self, probe: Probe) -> list[int]:
        host = probe.host.split(":", 1)[0]
        if host.isascii():  # beyond ASCII, case-insensitive matching is more than lower()
            host = host.lower()
            groups = [self._by_host.get(host[len(host) - n:]) for n in self._host_lengths if n <= len(host)]
        else:
            groups = list(self._by_host.values())
        path = probe.path
        found: set[int] = set()
        for group in groups:
            if group is not None:
                by_path, lengths = group
                for n in lengths:
                    if n > len(path):
                        break
                    found.update(by_path.get(path[:n], ()))
        return sorted(found)


class AlbIndex:
    """The planned load balancers of a partition, ready to answer many probes: gives the same
    answers as `load_balancer_for` and `load_balancer_backend`."""

    def __init__(self, load_balancers: Sequence[LoadBalancerPlan]):
        self.load_balancers = tuple(load_balancers)
        self._exact: dict[str, int] = {}
        self._wildcards: dict[str, list[tuple[int, int]]] = {}  # ".example.com" -> [(len("*.example.com"), i)]
        for i, lb in enumerate(self.load_balancers):
            for host in lb.hosts:
                self._exact.setdefault(host.lower(), i)
                if host.startswith("*."):
                    self._wildcards.setdefault(host[1:].lower(), []).append((len(host), i))
        self._rules = [RuleIndex(lb.rules, default_answer(lb)) for lb in self.load_balancers]

    def load_balancer(self, host: str) -> int | None:
        """The position of the load balancer `load_balancer_for` picks."""
        name = host.split(":", 1)[0].lower()
        if name in self._exact:
            return self._exact[name]
        covering = [(length, i) for at, char in enumerate(name) if char == "."
                    for length, i in self._wildcards.get(name[at:], ()) if len(name) > length - 1]
        if covering:
            return max(covering)[1]
        return 0 if self.load_balancers else None

    def backend(self, probe: Probe) -> str | None:
        i = self.load_balancer(probe.host)
        return None if i is None else self._rules[i].backend(probe)


def alb_index(load_balancers: Sequence[LoadBalancerPlan]) -> AlbIndex:
    return AlbIndex(load_balancers)


def _host_key(pattern: str) -> str:
    """The literal text a host must end with to match `pattern` (lower case; "" for any host)."""
    literal = _WILDCARDS.split(pattern)[-1]
    return literal.lower() if literal.isascii() else ""


def _path_key(pattern: str) -> str:
    """The literal text a path must start with to match `pattern`."""
    return _WILDCARDS.split(pattern, 1)[0]


def _forward_answer(targets: Sequence[WeightedTarget]) -> str | None:
    return answer_for((t.service or t.target_group, t.weight) for t in targets)


def _conditions_hold(condition: RuleCondition, probe: Probe) -> bool:
    host = probe.host.split(":", 1)[0]
    if condition.host_headers and not any(_matcher(v, True)(host) for v in condition.host_headers):
        return False
    if condition.path_patterns and not any(_matcher(v, False)(probe.path) for v in condition.path_patterns):
        return False
    if condition.http_methods and probe.method not in condition.http_methods:
        return False
    return all(_header_holds(name, values, probe) for name, values in condition.http_headers)


def _header_holds(name: str, values: Sequence[str], probe: Probe) -> bool:
    # a header sent more than once is searched in order until one value matches
    sent = [value for header, value in probe.headers if header.lower() == name.lower()]
    return any(_matcher(v, True)(s) for v in values for s in sent)


@functools.lru_cache(maxsize=65536)
def _matcher(pattern: str, ignore_case: bool) -> Callable[[str], bool]:
    """Whether a text matches the whole pattern. Case-sensitive patterns without `?` and with at
    most a final `*` (Exact and Prefix paths) compare strings; the rest use the regex."""
    head, star, tail = pattern.partition("*")
    if not ignore_case and "?" not in pattern and not tail:
        return (lambda text: text.startswith(head)) if star else pattern.__eq__
    regex = _glob(pattern, ignore_case)
    return lambda text: regex.fullmatch(text) is not None


@functools.lru_cache(maxsize=4096)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern:
    parts = []
    for char in pattern:
        parts.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))
