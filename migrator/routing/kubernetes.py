"""Where Kubernetes sends a request: Ingress (networking.k8s.io/v1) and Gateway API HTTPRoute
matching, written from the specs, with the implementation-specific parts pinned down.

The contract, per request: candidate rules are those whose host matches (an exact host beats a
wildcard, a longer wildcard beats a shorter one, any host beats none); then an `Exact` path beats
a prefix, a longer path beats a shorter one, a method match beats none, more header matches beat
fewer; remaining ties go to the first object by namespace/name, then rule and path order. No
match: the default backend of a controller serving the host (see migrator.routing.default_backends:
a host only other classes serve gets their 404, None; a host no Ingress names gets the first
default backend by namespace/name), else 404 (None).

Pinned implementation-specific behaviour: `ImplementationSpecific` paths are ALB path patterns
for the `alb` class and a plain character prefix (ingress-nginx `location /foo`) otherwise. On a
host where ingress-nginx regex is on (`use-regex` or `rewrite-target` on any Ingress of the
host), every path of every Ingress of that host, Prefix and Exact included, is a case-insensitive
regex anchored at the start (`~* "^/path"`), tried longest first: see migrator.routing.nginx_regex
and https://kubernetes.github.io/ingress-nginx/user-guide/ingress-path-matching/. Ingress
wildcards cover one DNS label; HTTPRoute wildcards cover one or more.

The index keeps the entries in that precedence order and finds, per request, only those its host
and path could match (by exact host or wildcard suffix, then by exact path, leading path
elements or literal prefix); the first of them that matches answers, as a scan of every entry
would (tests/routing/test_kubernetes.py holds the two to the same answers).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from migrator.model.objects import BackendRef, Gateway, HTTPRoute, Ingress
from migrator.routing.default_backends import DefaultBackends, default_backends
from migrator.routing.gateways import routes_by_partition
from migrator.routing.nginx_regex import RegexLocation, location_order, regex_locations, served_by_nginx
from migrator.routing.probes import NO_BACKEND, Probe, answer_for

# (namespace, service, port) -> ((ECS service, weight), ...); empty when nothing serves it
Resolver = Callable[[str, str, "int | str | None"], tuple[tuple[str, int], ...]]

EXACT, PREFIX, CHAR_PREFIX, PATTERN, REGEX = "Exact", "Prefix", "CharPrefix", "Pattern", "Regex"


def ingress_path_kind(ingress: Ingress, path_type: str, regex_host: bool = False) -> str:
    """How a path of this Ingress matches: Exact, Prefix, CharPrefix, Pattern or Regex
    (`regex_host`: ingress-nginx writes the paths of its host as regex locations)."""
    if not served_by_nginx(ingress):
        return path_type if path_type in (EXACT, PREFIX) else PATTERN
    if regex_host:
        return REGEX
    return path_type if path_type in (EXACT, PREFIX) else CHAR_PREFIX


def is_mesh_route(route: HTTPRoute) -> bool:
    """GAMMA routes attach to a Service (east-west traffic), not to a Gateway."""
    return bool(route.parent_kinds) and all(kind == "Service" for kind in route.parent_kinds)


@dataclass(frozen=True)
class _Entry:
    host: str  # lower case; "" any host; "*.example.com" wildcard
    single_label: bool  # Ingress wildcards cover one label, HTTPRoute wildcards more
    kind: str
    path: str
    method: str
    headers: tuple[tuple[str, str], ...]  # (lower-case name, value), exact matches
    answer: str | None
    order: tuple
    nginx_location: str = ""  # an ingress-nginx regex location: the Ingress path the controller ranks it by

    def rank(self) -> tuple:
        host = (0, 0) if self.host and not self.host.startswith("*.") else \
            (1, -len(self.host)) if self.host else (2, 0)
        # a `<path>/` or Exact copy ranks by its Ingress path, then by copy index (last in `order`)
        length = location_order(self.nginx_location) if self.nginx_location else (-len(self.path), "")
        return (host, 0 if self.kind == EXACT else 1, *length,
                0 if self.method else 1, -len(self.headers), self.order)


@dataclass(frozen=True)
class _Paths:
    """Entries of one host (positions in precedence order) by what a matching path must be or
    start with: the whole path (Exact), its first path elements (Prefix), literal text (a
    character prefix or a pattern up to its first wildcard); regexes and `/` are always tried."""
    exact: dict[str, tuple[int, ...]]
    elements: dict[str, tuple[int, ...]]  # "api/v1" -> the Prefix entries of /api/v1
    element_counts: tuple[int, ...]
    literal: dict[str, tuple[int, ...]]
    literal_lengths: tuple[int, ...]
    always: tuple[int, ...]

    def candidates(self, path: str) -> list[int]:
        found = [*self.exact.get(path, ()), *self.always]
        have = path.split("/")[1:]
        for n in self.element_counts:
            if n > len(have):
                break
            found += self.elements.get("/".join(have[:n]), ())
        for n in self.literal_lengths:
            if n > len(path):
                break
            found += self.literal.get(path[:n], ())
        return found


@dataclass(frozen=True)
class KubernetesIndex:
    """Entries in precedence order (rank, then definition), found by host then path so that a
    request only tests the entries it could match; the best-ranked match answers."""
    entries: tuple[_Entry, ...]
    exact: dict[str, _Paths]
    wildcard: dict[str, _Paths]  # ".example.com" -> the entries of "*.example.com"
    anyhost: _Paths
    default: str | None = None  # the answer for hosts no Ingress names
    defaults: DefaultBackends | None = None  # by host: what an unmatched request gets

    def default_for(self, host: str) -> str | None:
        return self.defaults.for_host(host) if self.defaults is not None else self.default
    regexes: dict[str, re.Pattern] = field(default_factory=dict)
    patterns: dict[str, re.Pattern] = field(default_factory=dict)


def kubernetes_index(ingresses: Sequence[Ingress], routes: Sequence[HTTPRoute], resolve: Resolver,
                     gateways: Sequence[Gateway] | None = None) -> KubernetesIndex:
    """Build the matcher once for a set of routing objects (mesh routes and GRPCRoutes ignored).
    `gateways`: attach the routes to their listeners first; None: hostnames already effective."""
    if gateways is not None:
        routes = [route for partition in routes_by_partition(routes, gateways, lambda _: "").values()
                  for route in partition]
    found = all_entries(ingresses, routes, resolve)
    defaults = default_backends(ingresses).answers(
        lambda ingress: _answer(resolve, ingress.meta.namespace, [ingress.default_backend]))
    # ties in rank keep definition order: exact hosts, wildcards and any host rank apart
    entries = tuple(e for _, e in sorted(enumerate(found), key=lambda ie: (ie[1].rank(), ie[0])))
    exact: dict[str, list[int]] = {}
    wildcard: dict[str, list[int]] = {}
    anyhost: list[int] = []
    for position, entry in enumerate(entries):
        if not entry.host:
            anyhost.append(position)
        elif entry.host.startswith("*."):
            wildcard.setdefault(entry.host[1:], []).append(position)
        else:
            exact.setdefault(entry.host, []).append(position)
    return KubernetesIndex(
        entries=entries,
        exact={host: _paths(entries, items) for host, items in exact.items()},
        wildcard={suffix: _paths(entries, items) for suffix, items in wildcard.items()},
        anyhost=_paths(entries, anyhost),
        default=defaults.fallback,
        defaults=defaults,
        regexes={e.path: re.compile(e.path, re.IGNORECASE) for e in entries if e.kind == REGEX and _compiles(e.path)},
        patterns={e.path: _alb_style_pattern(e.path) for e in entries if e.kind == PATTERN},
    )


def all_entries(ingresses: Sequence[Ingress], routes: Sequence[HTTPRoute], resolve: Resolver) -> list[_Entry]:
    """Every path of every Ingress and match of every HTTPRoute, in definition order."""
    regex = regex_locations(ingresses)
    found: list[_Entry] = []
    for ingress in ingresses:
        found.extend(_ingress_entries(ingress, resolve, regex))
    for route in routes:
        if route.kind == "HTTPRoute" and not is_mesh_route(route):
            found.extend(_route_entries(route, resolve))
    return found


def _paths(entries: tuple[_Entry, ...], positions: list[int]) -> _Paths:
    exact: dict[str, list[int]] = {}
    elements: dict[str, list[int]] = {}
    literal: dict[str, list[int]] = {}
    always: list[int] = []
    for position in positions:
        entry = entries[position]
        want = [part for part in entry.path.split("/") if part]
        if entry.kind == EXACT:
            exact.setdefault(entry.path, []).append(position)
        elif entry.kind == PREFIX and want:
            elements.setdefault("/".join(want), []).append(position)
        elif entry.kind in (CHAR_PREFIX, PATTERN):  # a pattern's text up to its first wildcard
            literal.setdefault(re.split(r"[*?]", entry.path, maxsplit=1)[0], []).append(position)
        else:
            always.append(position)
    return _Paths(exact=_frozen(exact), elements=_frozen(elements),
                  element_counts=tuple(sorted({key.count("/") + 1 for key in elements})),
                  literal=_frozen(literal), literal_lengths=tuple(sorted({len(key) for key in literal})),
                  always=tuple(always))


def _frozen(positions: dict[str, list[int]]) -> dict[str, tuple[int, ...]]:
    return {key: tuple(items) for key, items in positions.items()}


def kubernetes_backend(index: KubernetesIndex, probe: Probe) -> str | None:
    """The answer Kubernetes gives to `probe`."""
    host = probe.host.split(":", 1)[0].lower().rstrip(".")
    groups = [index.exact.get(host), index.anyhost]
    groups += [index.wildcard.get(host[at:]) for at, char in enumerate(host) if char == "." and at > 0]
    candidates = sorted({p for paths in groups if paths is not None for p in paths.candidates(probe.path)})
    for position in candidates:
        entry = index.entries[position]
        if (not entry.host.startswith("*.") or _wildcard_covers(entry, host)) and _request_matches(index, entry, probe):
            return entry.answer
    return index.default_for(host)


def _wildcard_covers(entry: _Entry, host: str) -> bool:
    suffix = entry.host[1:]  # ".example.com"
    label = host[:-len(suffix)] if host.endswith(suffix) else ""
    return bool(label) and (not entry.single_label or "." not in label)


def _request_matches(index: KubernetesIndex, entry: _Entry, probe: Probe) -> bool:
    if entry.method and probe.method != entry.method:
        return False
    sent = {(name.lower(), value) for name, value in probe.headers}
    if any(header not in sent for header in entry.headers):
        return False
    return _path_matches(index, entry, probe.path)


def _path_matches(index: KubernetesIndex, entry: _Entry, path: str) -> bool:
    if entry.kind == EXACT:
        return path == entry.path
    if entry.kind == PREFIX:  # whole path elements; a trailing slash in the rule is ignored
        want = [part for part in entry.path.split("/") if part]
        have = path.split("/")[1:]
        return have[:len(want)] == want
    if entry.kind == CHAR_PREFIX:
        return path.startswith(entry.path)
    if entry.kind == PATTERN:
        return index.patterns[entry.path].fullmatch(path) is not None
    regex = index.regexes.get(entry.path)
    return bool(regex and regex.match(path))


def _alb_style_pattern(pattern: str) -> re.Pattern:
    # the AWS Load Balancer Controller passes ImplementationSpecific paths to ALB as patterns
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern),
                      re.DOTALL)


def _normal(prefix: str) -> str:
    """A prefix as the path elements it stands for: `/foo/` and `/foo` are the same rule."""
    return "/" + "/".join(part for part in prefix.split("/") if part)


def _compiles(text: str) -> bool:
    try:
        re.compile(text)
        return True
    except re.error:
        return False


def _ingress_entries(ingress: Ingress, resolve: Resolver, regex: dict[tuple, RegexLocation]) -> list[_Entry]:
    """`regex`: the ingress-nginx regex locations of the paths on regex hosts (nginx_regex)."""
    entries = []
    for i, rule in enumerate(ingress.rules):
        for j, path in enumerate(rule.paths):
            answer = _answer(resolve, ingress.meta.namespace, [path.backend] if path.backend else [])
            order = (ingress.meta.namespace, ingress.meta.name, "Ingress", i, j)
            located = regex.get((ingress.meta.namespace, ingress.meta.name, i, j))
            if located is not None:  # one entry per location; none when an earlier Ingress owns the path
                entries += [_Entry(host=rule.host.lower(), single_label=True, kind=REGEX, path=text, method="",
                                   headers=(), answer=answer, order=(*order, copy), nginx_location=located.path)
                            for copy, text in enumerate(located.texts)]
                continue
            kind = ingress_path_kind(ingress, path.path_type)
            entries.append(_Entry(
                host=rule.host.lower(), single_label=True, kind=kind,
                path=_normal(path.path) if kind == PREFIX else path.path, method="", headers=(), answer=answer,
                order=order))
    return entries


def _route_entries(route: HTTPRoute, resolve: Resolver) -> list[_Entry]:
    entries = []
    for host in route.hostnames or ("",):
        for i, rule in enumerate(route.rules):
            answer = _answer(resolve, route.meta.namespace, list(rule.backends))
            for j, match in enumerate(rule.matches or (None,)):
                kind = EXACT if match and match.path_type == EXACT else REGEX if match and \
                    match.path_type == "RegularExpression" else PREFIX
                path = match.path if match else "/"
                entries.append(_Entry(
                    host=host.lower(), single_label=False, kind=kind, path=_normal(path) if kind == PREFIX else path,
                    method=(match.method if match else "").upper(),
                    headers=tuple(sorted((h[1].lower(), h[2]) for h in (match.headers if match else ())
                                         if h[0] == "Exact")),
                    answer=answer, order=(route.meta.namespace, route.meta.name, "HTTPRoute", i, j)))
    return entries


def _answer(resolve: Resolver, namespace: str, backends: list[BackendRef]) -> str | None:
    """Weighted backendRefs, each spread over the workloads its Service selects (by replicas)."""
    shares: list[tuple[int, tuple[tuple[str, int], ...]]] = []
    for backend in backends:
        served = resolve(backend.namespace or namespace, backend.service, backend.port)
        if backend.weight > 0 and served and sum(w for _, w in served) > 0:
            shares.append((backend.weight, served))
    if not shares:
        return NO_BACKEND
    common = math.lcm(*(sum(w for _, w in served) for _, served in shares))
    return answer_for((service, weight * part * common // sum(w for _, w in served))
                      for weight, served in shares for service, part in served)

