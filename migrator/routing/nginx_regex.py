"""The regex locations ingress-nginx writes for a host once regex matching is on there.

From https://kubernetes.github.io/ingress-nginx/user-guide/ingress-path-matching/ ("Path
Priority", "IMPORTANT NOTES"): when `use-regex` or `rewrite-target` is set on ANY Ingress of a
host, EVERY path of that host, whatever Ingress defines it, is written as the case-insensitive
regex location `~* "^<path>"`, and the locations are ordered by descending path length because
NGINX takes the first regex that matches.

Pinned from the controller source the page describes (internal/ingress/controller/controller.go
and template.go, read for this module):
- `enforceRegexModifier` turns regex on for the host when a location has `use-regex: "true"` or a
  rewrite-target that differs from its path (`needsRewrite`); `buildLocation` then writes
  `~* "^<path>"` for every location, Exact ones included, so an Exact `/static` also matches
  `/static/x` and `/staticfoo`, without case.
- A path with the same text and pathType as an earlier location of the host is dropped (the
  first Ingress keeps it); the comparison stops at the first location with the same text.
- `updateServerLocations` gives a Prefix path (not `/`) of an Ingress without regex or rewrite
  of its own two locations: `<path>/` and an Exact copy `<path>` (no copy when an Exact location
  of that path exists). Prefix paths of a regex Ingress keep one location, `<path>`.
- `getBackendServers` sorts a host's locations by descending path length in bytes, equal
  lengths by descending path text (two `sort.SliceStable`), so the earlier-defined location wins
  only between equal texts. Only AFTERWARDS does `getConfiguration` call `updateServerLocations`,
  which puts the `<path>/` copy and the Exact copy in the place of their Prefix location without
  sorting again: a copy ranks by its Ingress path, then by copy index (`location_order`). So
  Prefix `/api` (`^/api/`, `^/api`) comes after the longer regex `/ap.*` although `/api/` is as
  long as it.

Ingresses are taken per ingress class in namespace/name order (the controller uses creation
time, which manifests do not carry). `alb` Ingresses are not served by ingress-nginx.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from migrator.model.objects import Ingress, IngressRule

USE_REGEX = "nginx.ingress.kubernetes.io/use-regex"
REWRITE_TARGET = "nginx.ingress.kubernetes.io/rewrite-target"

# a character that makes a regex location more than its literal text
REGEX_SPECIAL = re.compile(r"[\\^$.*+?()\[\]{}|]")

PathKey = tuple[str, str, int, int]  # (namespace, name, rule index, path index)


@dataclass(frozen=True)
class RegexLocation:
    """What one Ingress path becomes on a regex host."""
    texts: tuple[str, ...]  # the regex text of each location it owns: `~* "^<text>"`; () merged away
    path: str = ""  # the location path the controller sorts by (before the copies): rank with location_order
    kept_by: str = ""  # merged away: the Ingress (namespace/name) whose location of that path answers
    cause: str = ""  # the Ingress whose use-regex or rewrite-target turned regex on for the host


def served_by_nginx(ingress: Ingress) -> bool:
    return (ingress.ingress_class or "").lower() != "alb"


def location_path(path: str) -> str:
    return path or "/"  # the controller writes an empty path as `/`


def rewrites(ingress: Ingress, path: str) -> bool:
    target = ingress.meta.annotations.get(REWRITE_TARGET, "")
    return target != "" and target != location_path(path)


def own_regex(ingress: Ingress, path: str) -> bool:
    """Whether this Ingress's own annotations make the location of `path` a regex."""
    return ingress.meta.annotations.get(USE_REGEX, "").lower() == "true" or rewrites(ingress, path)


def turns_regex_on(ingress: Ingress, rule: IngressRule) -> bool:
    """Whether this rule's own locations turn regex on for its host (`enforceRegexModifier`)."""
    return served_by_nginx(ingress) and any(own_regex(ingress, p.path) for p in rule.paths)


def regex_enabled(ingress: Ingress) -> bool:
    """Whether this Ingress turns ingress-nginx regex locations on for any of its hosts."""
    return any(turns_regex_on(ingress, rule) for rule in ingress.rules)


def server_key(ingress: Ingress, host: str) -> tuple[str, str]:
    return ((ingress.ingress_class or "").lower(), host.lower())


def regex_servers(ingresses: Iterable[Ingress]) -> dict[tuple[str, str], str]:
    """(ingress class, lower-case host; "" for host-less rules) -> the first Ingress (namespace/name)
    that turns regex locations on there."""
    found: dict[tuple[str, str], str] = {}
    for ingress in _in_order(ingresses):
        for rule in ingress.rules:
            if turns_regex_on(ingress, rule):
                found.setdefault(server_key(ingress, rule.host), ingress.meta.key)
    return found


def regex_locations(ingresses: Sequence[Ingress]) -> dict[PathKey, RegexLocation]:
    """Every Ingress path of a regex host -> the locations ingress-nginx writes for it."""
    servers = regex_servers(ingresses)
    merged: dict[tuple[str, str], list[tuple[str, str, str]]] = {}  # server -> (text, pathType, owner)
    kept: dict[PathKey, tuple[Ingress, str, str]] = {}
    out: dict[PathKey, RegexLocation] = {}
    for ingress in _in_order(ingresses):
        for i, rule in enumerate(ingress.rules):
            server = server_key(ingress, rule.host)
            if server not in servers:
                continue
            locations = merged.setdefault(server, [])
            for j, path in enumerate(rule.paths):
                key = (ingress.meta.namespace, ingress.meta.name, i, j)
                text = location_path(path.path)
                first = next((loc for loc in locations if loc[0] == text), None)
                if first is not None and first[1] == path.path_type:
                    out[key] = RegexLocation((), kept_by=first[2], cause=servers[server])
                    continue
                locations.append((text, path.path_type, ingress.meta.key))
                kept[key] = (ingress, text, path.path_type)
    exact = {(server, text) for server, locs in merged.items() for text, kind, _ in locs if kind == "Exact"}
    for key, (ingress, text, kind) in kept.items():
        server = server_key(ingress, ingress.rules[key[2]].host)
        out[key] = RegexLocation(_texts(ingress, text, kind, (server, text) in exact), path=text,
                                 cause=servers[server])
    return out


def _texts(ingress: Ingress, text: str, kind: str, exact_exists: bool) -> tuple[str, ...]:
    if kind != "Prefix" or text == "/" or own_regex(ingress, text):
        return (text,)
    normal = text if text.endswith("/") else text + "/"
    return (normal,) if exact_exists else (normal, text)


def location_order(path: str) -> tuple[int, str]:
    """Sort key of the locations of an Ingress `path` (RegexLocation.path, never a copy's text):
    longer first (bytes), then the greater text first; ties keep definition order, then copy
    order. The text is returned as the hex of its inverted bytes, so that an ascending sort puts
    the greater text first and the key is a plain string the mapper can lead its tie-break with
    (hex digits sort before the "~" that puts the default action of a host last).
    Pinned from ingress-nginx internal/ingress/controller/controller.go: getBackendServers sorts
    (sort.SliceStable by Path descending, then by len(Path) descending) before getConfiguration
    runs updateServerLocations, which adds the copies in place and does not sort again.
    """
    raw = path.encode()
    return (-len(raw), bytes(255 - b for b in raw).hex())


def _in_order(ingresses: Iterable[Ingress]) -> list[Ingress]:
    return sorted((i for i in ingresses if served_by_nginx(i)), key=lambda i: (i.meta.namespace, i.meta.name))
