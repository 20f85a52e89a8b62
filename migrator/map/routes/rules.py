"""Route entries -> draft ALB rules: condition values that reproduce each Kubernetes path type,
weighted targets, and splits that keep every rule within the ALB condition quotas.

Prefix `/foo` becomes [`/foo`, `/foo/*`] (whole path elements), `/` becomes `/*`, Exact `/foo`
becomes [`/foo`], a character prefix `/foo` becomes [`/foo*`]. On an ingress-nginx regex host
every path is the regex `^/foo` (migrator.routing.nginx_regex), planned as [`/foo*`]: the same
paths but with case (route.case-insensitive). A path ALB cannot express is a located finding and
no rule, never a silent guess."""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass

from migrator import data
from migrator.findings import Finding, error, info, warning
from migrator.map.routes.backends import Endpoint, Endpoints
from migrator.map.routes.entries import RouteEntry
from migrator.routing.kubernetes import CHAR_PREFIX, EXACT, PATTERN, PREFIX, REGEX
from migrator.routing.nginx_regex import REGEX_SPECIAL, location_order

_PATH_OK = re.compile(r"[A-Za-z0-9_.$/~\"'@:+&-]*")
_HOST_OK = re.compile(r"(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]+")
# ingress-nginx regex idioms that are a prefix in disguise: (tail, kind of the literal part)
_REGEX_IDIOMS = {"": CHAR_PREFIX, "$": EXACT, "(/|$)(.*)": PREFIX, "(/|$)": PREFIX, "(/|$).*": PREFIX,
                 "(/.*)?": PREFIX, "(/.*)?$": PREFIX, "(.*)": CHAR_PREFIX, ".*": CHAR_PREFIX, "/?(.*)": CHAR_PREFIX}


@dataclass(frozen=True)
class Target:
    endpoint: Endpoint
    weight: int


@dataclass(frozen=True)
class Draft:
    entry: RouteEntry
    hosts: tuple[str, ...]  # ALB host values (this environment's names)
    paths: tuple[str, ...]
    kind: str  # the kind the values reproduce (a regex maps to the kind of its idiom); Regex on a regex host
    length: int  # the literal path length precedence is measured by (regex host: its Ingress path's bytes)
    targets: tuple[Target, ...]
    fixed_response: int = 0
    guard: str = ""  # wildcard | any: a copy for a host an ALB wildcard would wrongly catch (depth_guards);
    # catch_all: a host's last rule (map.routes.defaults)

    @property
    def key(self) -> str:
        e = self.entry
        return "|".join((",".join(self.hosts), ",".join(self.paths), ",".join(e.methods),
                         ",".join(f"{n}={v}" for n, v in e.headers)))

    @property
    def conditions(self) -> tuple[int, int]:
        return (1 if self.entry.methods else 0, len(self.entry.headers))


def quotas() -> dict:
    return data.table("alb")["quotas"]


def drafts_for(entry: RouteEntry, endpoints: Endpoints, host_map: dict[str, str]) -> tuple[list[Draft], list[Finding]]:
    findings: list[Finding] = []
    values = path_values(entry)
    if values is None:
        return [], [_inexpressible(entry)]
    paths, kind, length = values
    if entry.kind == REGEX and REGEX_SPECIAL.search(entry.path):  # literal ones: route.case-insensitive
        findings.append(warning("route.regex-closest", f"{entry.origin}: regex planned as {kind} {paths} (case-"
                                "sensitive, unlike ingress-nginx); check that the service needs nothing else",
                                entry.source))
    if entry.nginx_location:  # ranked as ingress-nginx ranks its locations, never ahead as an Exact
        kind, length = REGEX, -location_order(entry.nginx_location)[0]
    hosts = tuple(host_map.get(h, h) for h in entry.hosts)
    bad = [h for h in hosts if not _HOST_OK.fullmatch(h) or len(h) > quotas()["pattern_max_length"]]
    if bad:
        return [], [error("route.host-not-expressible", f"{entry.origin}: host {bad[0]!r} is not a valid ALB host "
                          "condition (letters, digits, - and . with a dotted name); the route is not planned. Map it "
                          "with environments.<env>.alb.host_map in migrate.yaml", entry.source)]
    if entry.wildcard and entry.single_label_wildcard:
        findings.append(warning("route.wildcard-depth", f"{entry.origin}: ALB host {hosts[0]} also matches deeper "
                                f"names (a.b{hosts[0][1:]}), which Kubernetes sends elsewhere", entry.source))
    targets, fixed, notes = targets_for(entry, endpoints)
    findings.extend(notes)
    drafts = [Draft(entry, chunk_hosts, chunk_paths, kind, length, targets, fixed)
              for chunk_hosts, chunk_paths in _chunks(entry, hosts, paths)]
    if not drafts:
        findings.append(error("route.too-many-conditions", f"{entry.origin}: its methods and headers alone exceed "
                              f"{quotas()['condition_values_per_rule']} condition values per ALB rule; not planned",
                              entry.source))
    elif len(drafts) > 1:
        findings.append(info("route.split", f"{entry.origin} needs {len(drafts)} ALB rules: at most "
                             f"{quotas()['condition_values_per_condition']} values per condition and "
                             f"{quotas()['condition_values_per_rule']} per rule", entry.source))
    return drafts, findings


def path_values(entry: RouteEntry) -> tuple[tuple[str, ...], str, int] | None:
    """(ALB path patterns, kind reproduced, precedence length), or None when inexpressible."""
    kind, path = entry.kind, entry.path
    if kind == REGEX:
        literal = _regex_literal(path)
        if literal is None:
            return None
        kind, path = literal
    if kind != PATTERN and not _PATH_OK.fullmatch(path):
        return None
    if kind == PATTERN and not _PATH_OK.fullmatch(path.replace("*", "").replace("?", "")):
        return None
    base = path.rstrip("/") or ""
    values = {EXACT: (path,), PATTERN: (path,), CHAR_PREFIX: (path + "*",),
              PREFIX: ("/*",) if path == "/" else (path, base + "/*")}[kind]
    if not path.startswith("/") or any(len(v) > quotas()["pattern_max_length"] for v in values):
        return None
    return values, kind, len(path)


def _regex_literal(regex: str) -> tuple[str, str] | None:
    text = regex[1:] if regex.startswith("^") else regex
    cut = REGEX_SPECIAL.search(text)
    literal, tail = (text[:cut.start()], text[cut.start():]) if cut else (text, "")
    kind = _REGEX_IDIOMS.get(tail)
    if kind is None or not literal.startswith("/"):
        return None
    if kind == PREFIX:
        literal = "/" + "/".join(part for part in literal.split("/") if part)
    return kind, literal


def _inexpressible(entry: RouteEntry) -> Finding:
    return error("route.path-not-expressible",
                 f"{entry.origin}: ALB path patterns cannot express {entry.path!r} ({entry.kind}); no rule is "
                 "planned for it, so these requests reach the next matching rule. Rewrite the path as Prefix or "
                 "Exact with letters, digits and _-.$/~\"'@:+& only", entry.source)


def targets_for(entry: RouteEntry, endpoints: Endpoints) -> tuple[tuple[Target, ...], int, list[Finding]]:
    """Weighted target groups: each backendRef's weight spread over the workloads its Service
    selects by task count; 503 when nothing serves the route."""
    shares = []
    for backend in entry.backends:
        found = endpoints.for_backend(backend.namespace or entry.namespace, backend.service, backend.port)
        if backend.weight > 0 and found:
            shares.append((backend.weight, found))
    if not shares:
        names = ", ".join(b.service for b in entry.backends) or "no backend"
        if entry.backends and all(b.weight == 0 for b in entry.backends):
            why = "every backendRef has weight 0"
        else:
            why = "selects no planned workload (missing Service, a port or port name the Service does not have, or no " \
                  "pod selected)"
        return (), 503, [warning("route.no-backend", f"{entry.origin}: {names}: {why}; the ALB answers 503 as "
                                 "Kubernetes would", entry.source)]
    scale = math.lcm(*(sum(e.weight for e in found) for _, found in shares))
    totals: dict[Endpoint, int] = {}
    for weight, found in shares:
        size = sum(e.weight for e in found)
        for endpoint in found:
            totals[endpoint] = totals.get(endpoint, 0) + weight * endpoint.weight * scale // size
    return _within_quota(entry, totals)


def _within_quota(entry: RouteEntry, totals: dict[Endpoint, int]) -> tuple[tuple[Target, ...], int, list[Finding]]:
    findings = []
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0].service, kv[0].container_port))
    limit = quotas()["target_groups_per_action"]
    if len(ranked) > limit:
        findings.append(error("route.too-many-targets", f"{entry.origin} spreads over {len(ranked)} target groups; "
                              f"an ALB action forwards to at most {limit}, so only the {limit} heaviest are planned",
                              entry.source))
        ranked = ranked[:limit]
    divisor = math.gcd(*(w for _, w in ranked))
    weights = [(e, w // divisor) for e, w in ranked]
    top = max(w for _, w in weights)
    if top > 999:  # ALB weights are 0-999
        weights = [(e, max(1, round(w * 999 / top))) for e, w in weights]
    ordered = sorted(weights, key=lambda ew: (ew[0].service, ew[0].container_port))
    return tuple(Target(e, w) for e, w in ordered), 0, findings


def _chunks(entry: RouteEntry, hosts: tuple[str, ...], paths: tuple[str, ...]):
    """Split host and path values so each rule has <= 3 values per condition and <= 5 in all."""
    q = quotas()
    fixed = len(entry.methods) + len(entry.headers)
    per_condition, per_rule = q["condition_values_per_condition"], q["condition_values_per_rule"]
    path_groups = [paths] if len(paths) <= per_condition and fixed + len(paths) + min(1, len(hosts)) <= per_rule \
        else [(p,) for p in paths]
    for group in path_groups:
        room = min(per_condition, per_rule - fixed - len(group))
        if hosts and room < 1 or fixed + len(group) > per_rule:
            return
        for i in range(0, max(len(hosts), 1), max(room, 1)):
            yield hosts[i:i + room], group


def depth_guards(drafts: list[Draft], default: tuple[tuple[Endpoint, int], ...] | None,
                 by_host: dict | None = None) -> list[Draft]:
    """Kubernetes Ingress wildcards cover one DNS label, ALB wildcards any number. For each known
    host an Ingress wildcard's ALB pattern would wrongly catch (x.a.example.com under
    *.example.com), repeat what Kubernetes falls through to -- the HTTPRoute wildcards covering the
    host, the any-host rules, the default answer (`by_host`, else `default`) -- for that host ahead
    of the wildcard rules."""
    one_label = _Suffixes(d.hosts[0][1:] for d in drafts if d.entry.wildcard and d.entry.single_label_wildcard)
    exact = sorted({h for d in drafts for h in d.hosts if not h.startswith("*.")})
    deep = [h for h in exact if any(s and "." in h[:-len(s)] for s in one_label.ending(h))]
    more_labels: dict[str, list[int]] = {}  # HTTPRoute wildcard suffix -> its drafts (positions)
    for i, d in enumerate(drafts):
        if d.entry.wildcard and not d.entry.single_label_wildcard:
            more_labels.setdefault(d.hosts[0][1:], []).append(i)
    many = _Suffixes(more_labels)
    anyhost = [d for d in drafts if not d.hosts]
    guards = []
    for host in deep:
        covering = [drafts[i] for i in sorted(i for s in many.ending(host) for i in more_labels[s])]
        guards += [dataclasses.replace(d, hosts=(host,), guard="wildcard") for d in covering]
        guards += [dataclasses.replace(d, hosts=(host,), guard="any") for d in anyhost]
        last = dataclasses.replace(anyhost[0].entry if anyhost else drafts[0].entry, hosts=(host,), kind=PREFIX,
                                   path="/", methods=(), headers=(), order=("~",),
                                   origin=f"default action for {host} (not under its Ingress wildcard)")
        answer = (by_host or {}).get(host, default)
        targets = tuple(Target(e, w) for e, w in answer or ())
        guards.append(Draft(last, (host,), ("/*",), PREFIX, 1, targets, 0 if targets else
                            (503 if answer is None else 404), guard="any"))
    return guards


class _Suffixes:
    """A set of host suffixes that answers "which of them does this host end with" by looking
    up the host's own endings, not by testing every suffix."""

    def __init__(self, suffixes):
        self.known = set(suffixes)
        self.lengths = sorted({len(s) for s in self.known})

    def ending(self, host: str) -> list[str]:
        ends = (host[len(host) - n:] for n in self.lengths if n <= len(host))
        return [end for end in ends if end in self.known]
