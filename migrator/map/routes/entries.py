"""Ingress and HTTPRoute objects -> route entries: one host set, one path, its conditions and
backends, with the Kubernetes precedence facts the priorities need. Findings for what ALB cannot
express are raised here, located at the path or match they concern."""

from __future__ import annotations

from dataclasses import dataclass

from migrator import data
from migrator.findings import Finding, SourceRef, error, info, warning
from migrator.map.routes.gateways import attachment_findings
from migrator.model.objects import BackendRef, Estate, HTTPRoute, Ingress
from migrator.routing.gateways import Placement, attachment
from migrator.routing.kubernetes import EXACT, PREFIX, REGEX, ingress_path_kind, is_mesh_route
from migrator.routing.nginx_regex import (REGEX_SPECIAL, USE_REGEX, RegexLocation, location_order, regex_enabled,
                                          regex_locations)

SCHEME = "alb.ingress.kubernetes.io/scheme"
HEALTHCHECK_PATH = "alb.ingress.kubernetes.io/healthcheck-path"


@dataclass(frozen=True)
class RouteEntry:
    partition: str  # public | internal
    hosts: tuple[str, ...]  # lower case; () any host; a wildcard host stands alone
    kind: str  # Exact | Prefix | CharPrefix | Pattern | Regex (see migrator.routing.kubernetes)
    path: str  # a Prefix without its trailing slash
    methods: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]  # (name, value) exact matches
    backends: tuple[BackendRef, ...]
    namespace: str
    order: tuple  # tie-break: namespace, name, kind, rule, path (regex locations: text rank first, copy last)
    source: SourceRef
    origin: str
    single_label_wildcard: bool = True
    health_check_path: str = ""
    nginx_location: str = ""  # an ingress-nginx regex location: the Ingress path the controller ranks it by

    @property
    def wildcard(self) -> bool:
        return bool(self.hosts) and self.hosts[0].startswith("*.")


def partition_of(annotations) -> str:
    return "internal" if annotations.get(SCHEME, "") == "internal" else "public"


def route_entries(estate: Estate) -> tuple[list[RouteEntry], list[Finding]]:
    entries: list[RouteEntry] = []
    findings: list[Finding] = []
    ingresses = sorted(estate.ingresses, key=lambda i: (i.meta.namespace, i.meta.name))
    regex = regex_locations(ingresses)
    for ingress in ingresses:
        found, notes = ingress_entries(ingress, regex)
        entries.extend(found)
        findings.extend(notes)
    findings.extend(annotations_not_carried(ingresses))
    for route in sorted(estate.routes, key=lambda r: (r.meta.namespace, r.meta.name)):
        default = partition_of(route.meta.annotations)
        attached = attachment(route, estate.gateways, default)
        found, notes = http_route_entries(route, attached.placements)
        entries.extend(found)
        findings.extend(notes + attachment_findings(route, attached, default))
    return entries, findings


def prefix_path(path: str) -> str:
    return "/" + "/".join(part for part in path.split("/") if part)


def ingress_entries(ingress: Ingress, regex: dict[tuple, RegexLocation] | None = None,
                    ) -> tuple[list[RouteEntry], list[Finding]]:
    """`regex`: the ingress-nginx regex locations of the paths on regex hosts (nginx_regex)."""
    findings = annotation_findings(ingress)
    entries = []
    what = f"Ingress {ingress.meta.key}"
    for i, rule in enumerate(ingress.rules):
        for j, path in enumerate(rule.paths):
            located = (regex or {}).get((ingress.meta.namespace, ingress.meta.name, i, j))
            kind = ingress_path_kind(ingress, path.path_type, regex_host=located is not None)
            if path.backend is None:
                findings.append(warning("route.resource-backend", f"{what} path {path.path} has a resource backend, "
                                        "which ECS cannot serve; the ALB answers 503 there", path.source))
            if path.path_type == "ImplementationSpecific" and kind != REGEX:
                findings.append(_implementation_specific(what, path.path, kind, path.source))
            if located is not None:
                findings.extend(_regex_host_findings(what, rule.host, path, located))
            texts = located.texts if located is not None else (path.path,)
            order = (ingress.meta.namespace, ingress.meta.name, "Ingress", i, j)
            if located is not None:  # the controller's order: greater Ingress path text, definition, copy
                order = (location_order(located.path)[1], *order)
            for copy, text in enumerate(texts):  # a Prefix path can own two regex locations
                entries.append(RouteEntry(
                    partition=partition_of(ingress.meta.annotations),
                    hosts=(rule.host.lower(),) if rule.host else (), kind=kind,
                    path=prefix_path(text) if kind == PREFIX else text, methods=(), headers=(),
                    backends=(path.backend,) if path.backend else (), namespace=ingress.meta.namespace,
                    order=(*order, copy) if located else order,
                    source=path.source, origin=f"{what} {rule.host or '*'}{path.path} ({path.path_type})",
                    health_check_path=ingress.meta.annotations.get(HEALTHCHECK_PATH, ""),
                    nginx_location=located.path if located else ""))
    return entries, findings


def _regex_host_findings(what: str, host: str, path, located: RegexLocation) -> list[Finding]:
    """Paths ingress-nginx writes as case-insensitive regexes because of their host
    (https://kubernetes.github.io/ingress-nginx/user-guide/ingress-path-matching/)."""
    where = f"{what} path {path.path} ({path.path_type}) on host {host or '*'}"
    if not located.texts:
        return [info("route.conflict", f"{where} repeats a path Ingress {located.kept_by} already defines with that "
                     "pathType; ingress-nginx keeps the first, so no rule is planned for it", path.source)]
    text = located.texts[-1]
    base = text.rstrip("/")
    if not base or REGEX_SPECIAL.search(text):
        return []  # `/` matches every path in any case; a real regex: route.regex-closest says how it is planned
    exact = " (an Exact path included: it matches as a prefix there)" if path.path_type == EXACT else ""
    return [warning("route.case-insensitive",
                    f"{where}: Ingress {located.cause} turns on ingress-nginx regex paths for this host (use-regex or "
                    f"rewrite-target), so Kubernetes matches it as the case-insensitive regex ^{text}{exact}: "
                    f"{base}x and {base.upper()}/x match it too. The planned ALB rule {text}* matches "
                    f"{base}x but not {base.upper()}/x: ALB path patterns are case-sensitive. If clients "
                    "send other spellings, add rules for them or make the service redirect them; if the host does "
                    "not need regex paths, remove use-regex/rewrite-target from its Ingresses", path.source)]


def _implementation_specific(what: str, path: str, kind: str, source: SourceRef) -> Finding:
    meaning = ("an ALB path pattern (AWS Load Balancer Controller)" if kind == "Pattern" else
               f"a character prefix like ingress-nginx, so {path.rstrip('/')}x matches too")
    return warning("route.implementation-specific",
                   f"{what} path {path} is ImplementationSpecific; planned as {meaning}. "
                   "Set pathType Prefix or Exact to make the intent explicit", source)


def annotations_not_carried(ingresses: list[Ingress]) -> list[Finding]:
    """One finding per controller annotation the ALB rules do not carry, naming its Ingresses."""
    table = data.table("alb")
    seen: dict[str, list[Ingress]] = {}
    for ingress in ingresses:
        for key in ingress.meta.annotations:
            if key.startswith(tuple(table["annotation_prefixes"])) and key not in table["annotations"]:
                seen.setdefault(key, []).append(ingress)
    out = []
    for key, users in sorted(seen.items()):
        hint = table["notes"].get(key, "decide whether the ALB or the service must do it")
        names = ", ".join(i.meta.key for i in users[:5]) + (f" and {len(users) - 5} more" if len(users) > 5 else "")
        out.append(info("route.annotation-not-carried", f"annotation {key} (on Ingress {names}) has no ALB rule "
                        f"equivalent; {hint}", users[0].source))
    return out


def annotation_findings(ingress: Ingress) -> list[Finding]:
    notes = ingress.meta.annotations
    out = []
    rewrite = notes.get("nginx.ingress.kubernetes.io/rewrite-target")
    if rewrite:
        out.append(error("route.rewrite-target",
                         f"Ingress {ingress.meta.key} rewrites paths to {rewrite!r}; the planned ALB forwards the "
                         "original path. Make the service answer the original paths, or add an ALB URL "
                         "rewrite transform to these rules", ingress.source))
    if regex_enabled(ingress) and ingress.meta.annotations.get(USE_REGEX):
        out.append(warning("route.regex-path",
                           f"Ingress {ingress.meta.key} uses ingress-nginx regex paths (case-insensitive); ALB path "
                           "patterns are case-sensitive wildcards, so each regex path is planned as its closest "
                           "prefix or left out", ingress.source))
    return out


def http_route_entries(route: HTTPRoute, placements: tuple[Placement, ...] | None = None,
                       ) -> tuple[list[RouteEntry], list[Finding]]:
    """`placements`: the partitions and effective hostnames of its Gateway listeners
    (migrator.routing.gateways); None: its own hostnames on the partition of its annotations."""
    what = f"{route.kind} {route.meta.key}"
    if route.kind != "HTTPRoute":
        return [], [warning("route.grpc-route", f"{what} is not planned: map each gRPC method to an ALB rule on a "
                            "GRPC target group (path /package.Service/Method) by hand", route.source)]
    if is_mesh_route(route):
        return [], [info("route.mesh-route", f"{what} routes east-west traffic to Service "
                         f"{', '.join(route.parent_refs)}; it is handled with Service Connect, not the ALB",
                         route.source)]
    findings: list[Finding] = []
    entries = []
    if placements is None:
        placements = (Placement(partition_of(route.meta.annotations), route.hostnames),)
    for i, rule in enumerate(route.rules):
        findings.extend(_filter_findings(what, rule))
        for j, match in enumerate(rule.matches or (None,)):
            findings.extend(_match_findings(what, match))
            entries += [_route_entry(route, partition, hosts, i, j, match)
                        for partition, hosts in _host_sets(placements)]
    return entries, findings


def _host_sets(placements: tuple[Placement, ...]):
    """(partition, hosts): the exact hostnames as one set, each wildcard on its own; () any host."""
    for placement in placements:
        names = placement.hostnames
        exact = tuple(sorted({h.lower() for h in names if not h.startswith("*.")}))
        sets = ([exact] if exact else []) + [(h.lower(),) for h in sorted(names) if h.startswith("*.")]
        for hosts in sets or [()]:
            yield placement.partition, hosts


def _route_entry(route: HTTPRoute, partition: str, hosts: tuple[str, ...], i: int, j: int, match) -> RouteEntry:
    rule = route.rules[i]
    kind = (match.path_type if match else PREFIX)
    kind = {"PathPrefix": PREFIX, "RegularExpression": REGEX}.get(kind, kind)
    path = match.path if match else "/"
    return RouteEntry(
        partition=partition, hosts=hosts, kind=kind, path=prefix_path(path) if kind == PREFIX else path,
        methods=(match.method.upper(),) if match and match.method else (),
        headers=tuple(sorted((h[1], h[2]) for h in (match.headers if match else ()) if h[0] == "Exact")),
        backends=rule.backends, namespace=route.meta.namespace,
        order=(route.meta.namespace, route.meta.name, "HTTPRoute", i, j),
        source=match.source if match else rule.source,
        origin=f"{route.kind} {route.meta.key} rule {i} {path} ({'Exact' if kind == EXACT else kind})",
        single_label_wildcard=False)


def _filter_findings(what: str, rule) -> list[Finding]:
    return [warning("route.filter-not-planned", f"{what}: filter {name} is not planned; ALB rules only forward "
                    "(add a redirect action, a rewrite transform or app logic by hand)", rule.source)
            for name in rule.filters]


def _match_findings(what: str, match) -> list[Finding]:
    if match is None:
        return []
    out = []
    if match.path_type == "RegularExpression":
        out.append(warning("route.regex-path", f"{what} matches the regular expression {match.path}; it is planned "
                           "as its closest prefix or left out", match.source))
    for kind, name, value in match.headers:
        if kind != "Exact":
            out.append(warning("route.header-regex", f"{what}: header {name} {kind} {value!r} is not planned; the "
                               "rule matches without it", match.source))
        else:
            out.append(info("route.header-case", f"{what}: ALB compares header {name} values without case, so "
                            f"{value!r} also matches {value.swapcase()!r}", match.source))
    for kind, name, value in match.query_params:
        out.append(warning("route.query-match", f"{what}: query parameter {name}={value!r} ({kind}) is not planned; "
                           "the rule matches without it (add an ALB query-string condition by hand)", match.source))
    return out
