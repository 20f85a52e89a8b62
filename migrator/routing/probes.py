"""Probe requests generated from the routing objects, and the answers evaluators give.

A probe is a request line plus the headers routing looks at. An answer is the ECS service that
serves the request (`"orders-api"`), a weighted set (`"reviews-v1:1,reviews-v2:1"`), a fixed
response (`"fixed-response:503"`), or None for the 404 of an unmatched request.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from migrator.model.objects import HTTPRoute, Ingress
from migrator.routing.nginx_regex import regex_servers

NO_BACKEND = "fixed-response:503"  # a route whose backend does not exist: Kubernetes answers 503
UNMATCHED_HOST = "unmatched.probe.invalid"
_REGEX_CHARS = re.compile(r"[\\^$+()\[\]{}|*?]")


@dataclass(frozen=True, order=True)
class Probe:
    host: str
    path: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        extra = "".join(f" [{name}: {value}]" for name, value in self.headers)
        return f"{self.method} {self.host}{self.path}{extra}"


def answer_for(pairs: Iterable[tuple[str, int]]) -> str | None:
    """The canonical answer for a set of (service, weight): weights summed per service and
    reduced by their common divisor, so 90/10 and 9/1 are the same answer."""
    totals: dict[str, int] = {}
    for service, weight in pairs:
        if weight > 0:
            totals[service] = totals.get(service, 0) + weight
    if not totals:
        return None
    if len(totals) == 1:
        return next(iter(totals))
    divisor = math.gcd(*totals.values())
    return ",".join(f"{name}:{weight // divisor}" for name, weight in sorted(totals.items()))


def concrete_host(host: str) -> str:
    """A host name a client could send for `host` (a wildcard gets a first label)."""
    return "wildcard" + host[1:] if host.startswith("*.") else host


def probe_path(path: str) -> str:
    """The literal part of a path: a regex or ALB pattern is cut at its first special character."""
    cut = _REGEX_CHARS.search(path)
    literal = path[:cut.start()] if cut else path
    return literal if literal.startswith("/") else "/" + literal


def path_variants(path: str) -> list[str]:
    """The path as is, with `/` and `/x` appended, a sibling (`/foox`), changed case, the root."""
    base = path.rstrip("/") or "/"
    out = [path, base + "/" if base != "/" else "/", base.rstrip("/") + "/x", "/"]
    if base != "/":
        out.append(base + "x")
    changed = path.upper() if path.upper() != path else path.lower()
    if changed != path:
        out.append(changed)
    return list(dict.fromkeys(out))


def case_variants(path: str) -> list[str]:
    """For a path ingress-nginx matches without case (`~*`): below it in another case (`/STATIC/x`)."""
    base = path.rstrip("/")
    changed = base.upper() if base.upper() != base else base.lower()
    return [changed + "/x"] if changed != base else []


def probes_for(ingresses: Sequence[Ingress], routes: Sequence[HTTPRoute],
               unmatched_host: str = UNMATCHED_HOST) -> list[Probe]:
    """Probes for every host and path of the routing objects, sorted and without duplicates."""
    by_host: dict[str, set[str]] = {}
    special: set[Probe] = set()
    regex_hosts = {host for _, host in regex_servers(ingresses)}
    for ingress in ingresses:
        for rule in ingress.rules:
            by_host.setdefault(rule.host, set()).update(probe_path(p.path) for p in rule.paths)
            if rule.host.lower() in regex_hosts:
                special |= {Probe(concrete_host(rule.host) if rule.host else "", variant)
                            for p in rule.paths for variant in case_variants(probe_path(p.path))}
    for route in routes:
        for host in route.hostnames or ("",):
            paths = by_host.setdefault(host, set())
            for rule in route.rules:
                for match in rule.matches or ():
                    paths.add(probe_path(match.path))
                    special |= _conditioned(host, match)
    hostless = by_host.pop("", set())
    every_path = hostless.union(*by_host.values()) if by_host else set(hostless)
    probes: set[Probe] = set()
    for host, paths in by_host.items():
        name = concrete_host(host)
        for path in paths | hostless:
            probes.update(Probe(name, variant) for variant in path_variants(path))
        probes.add(Probe(name.upper(), "/"))
    for path in every_path | {"/"}:
        probes.update(Probe(unmatched_host, variant) for variant in path_variants(path))
    for probe in special:
        probes.add(probe if probe.host else Probe(unmatched_host, probe.path, probe.method, probe.headers))
    return sorted(probes, key=_fields)  # the order of Probe's fields, without its slower __lt__


def _fields(probe: Probe) -> tuple:
    return (probe.host, probe.path, probe.method, probe.headers)


def _conditioned(host: str, match) -> set[Probe]:
    """Probes that satisfy a match's method and header conditions (and one that does not)."""
    out: set[Probe] = set()
    name = concrete_host(host) if host else ""
    path = probe_path(match.path)
    headers = tuple(sorted((h[1], h[2]) for h in match.headers if h[0] == "Exact"))
    if match.method:
        out.add(Probe(name, path, match.method.upper(), headers))
        out.add(Probe(name, path, "PATCH" if match.method.upper() != "PATCH" else "PUT", headers))
    if headers:
        out.add(Probe(name, path, "GET", headers))
    return out
