"""Which Gateway listeners an HTTPRoute attaches to, and the hostnames it serves there, as the
Gateway API specifies (HTTPRoute `spec.hostnames`, `spec.parentRefs`, Listener `hostname`,
`allowedRoutes`: https://gateway-api.sigs.k8s.io/reference/spec/).

- A parentRef to a Gateway selects all its listeners, or the one named by `sectionName`, or those
  on `port` (both given: both must match). Only HTTP and HTTPS listeners take HTTPRoutes, and
  only from the Gateway's own namespace unless `allowedRoutes.namespaces.from` says otherwise.
- Effective hostnames are the intersection of the route's and the listener's: a route without
  hostnames takes the listener's, a listener without one accepts the route's, and route
  hostnames that do not match the listener's are ignored. No intersection: the route does not
  attach to that listener. Wildcards (`*.example.com`) cover one or more labels.
- A route reaches the internal load balancer through an internal Gateway and the public one
  through any other Gateway; a route whose Gateway is not in the estate (or that names none)
  keeps its own hostnames on the partition its own annotations give.

Used by the mapper and by the Kubernetes evaluator, so both read attachment the same way; the ALB
evaluator never sees it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Sequence

from migrator.model.objects import Gateway, GatewayListener, HTTPRoute, ParentRef

ROUTE_PROTOCOLS = ("HTTP", "HTTPS")


@dataclass(frozen=True)
class Refusal:
    """A parentRef (or one listener it selects) the route does not attach to, and why."""
    parent: ParentRef
    gateway: str  # namespace/name
    why: str


@dataclass(frozen=True)
class Placement:
    partition: str  # public | internal
    hostnames: tuple[str, ...]  # effective, lower case; () any host


@dataclass(frozen=True)
class Attachment:
    placements: tuple[Placement, ...]  # by partition; () the route is served nowhere
    missing: tuple[ParentRef, ...] = ()  # Gateways not in the estate
    refused: tuple[Refusal, ...] = ()


def hostname_intersection(listener: str, route: str) -> str | None:
    """The hostname both accept, or None (`listener` "" accepts any)."""
    listener, route = listener.lower(), route.lower()
    if not listener or listener == route:
        return route
    if listener.startswith("*.") and _covers(listener, route):
        return route  # the route's name is the narrower one (a name or a deeper wildcard)
    if route.startswith("*.") and _covers(route, listener):
        return listener
    return None


def _covers(wildcard: str, host: str) -> bool:
    suffix = wildcard[1:]  # ".example.com"
    return host.endswith(suffix) and len(host) > len(suffix)


def _partition(gateway: Gateway) -> str:
    return "internal" if gateway.scheme == "internal" else "public"


def attachment(route: HTTPRoute, gateways: Sequence[Gateway], default_partition: str) -> Attachment:
    """Where `route` is served: partitions and effective hostnames, with what it could not attach to."""
    parents = [p for p in route.parents if p.kind == "Gateway"]
    if not parents:
        return Attachment((Placement(default_partition, _lower(route.hostnames)),))
    by_key = {(g.meta.namespace, g.meta.name): g for g in gateways}
    hosts: dict[str, set[str] | None] = {}  # partition -> hostnames; None: any host
    missing, refused = [], []
    for parent in parents:
        gateway = by_key.get((parent.namespace or route.meta.namespace, parent.name))
        if gateway is None:
            missing.append(parent)
            _add(hosts, default_partition, route.hostnames or None)
            continue
        found, why = _attached_hostnames(route, gateway, parent)
        refused += [Refusal(parent, gateway.meta.key, reason) for reason in why]
        for names in found:
            _add(hosts, _partition(gateway), names)
    placements = tuple(Placement(p, () if names is None else tuple(sorted(names))) for p, names in sorted(hosts.items()))
    return Attachment(placements, tuple(missing), tuple(refused))


def _add(hosts: dict[str, set[str] | None], partition: str, names) -> None:
    if partition in hosts and hosts[partition] is None:
        return
    hosts[partition] = None if names is None else (hosts.get(partition) or set()) | {n.lower() for n in names}


def _lower(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(n.lower() for n in names)


def _attached_hostnames(route: HTTPRoute, gateway: Gateway, parent: ParentRef):
    """([effective hostnames or None for any host, per listener attached], [why not, per listener refused])."""
    selected = [listener for listener in gateway.listeners
                if (not parent.section_name or listener.name == parent.section_name)
                and (parent.port is None or listener.port == parent.port)]
    if not selected:
        what = " ".join(filter(None, (f"listener {parent.section_name}" if parent.section_name else "",
                                      f"port {parent.port}" if parent.port is not None else "")))
        return [], [f"it has no {what or 'listeners'}"]
    found, why = [], []
    for listener in selected:
        reason = _refusal(route, gateway, listener)
        if reason:
            why.append(f"listener {listener.name}: {reason}")
            continue
        names = _effective(listener.hostname, route.hostnames)
        if names == ():
            why.append(f"listener {listener.name} (hostname {listener.hostname}): none of the route's hostnames "
                       f"({', '.join(route.hostnames)}) intersects it")
        else:
            found.append(names)
    return found, why


def _refusal(route: HTTPRoute, gateway: Gateway, listener: GatewayListener) -> str:
    if listener.protocol not in ROUTE_PROTOCOLS:
        return f"protocol {listener.protocol} takes no HTTPRoutes"
    if listener.allowed_namespaces == "Same" and route.meta.namespace != gateway.meta.namespace:
        return f"it only allows routes from namespace {gateway.meta.namespace} (allowedRoutes)"
    return ""  # All, and Selector (namespace labels are not in the estate: taken as allowed)


def _effective(listener: str, route: Sequence[str]) -> tuple[str, ...] | None:
    """None: any host; (): no intersection."""
    if not route:
        return (listener,) if listener else None
    return tuple(sorted({h for h in (hostname_intersection(listener, r) for r in route) if h is not None}))


def routes_by_partition(routes: Sequence[HTTPRoute], gateways: Sequence[Gateway],
                        partition_of) -> dict[str, list[HTTPRoute]]:
    """Each route as it is served on each partition: its hostnames replaced by the effective ones.
    `partition_of(annotations)`: the partition of a route its Gateways do not decide."""
    out: dict[str, list[HTTPRoute]] = {}
    for route in routes:
        default = partition_of(route.meta.annotations)
        if route.kind != "HTTPRoute" or all(p.kind == "Service" for p in route.parents) and route.parents:
            out.setdefault(default, []).append(route)  # not attached to Gateways: mesh routes, GRPCRoutes
            continue
        for placement in attachment(route, gateways, default).placements:
            out.setdefault(placement.partition, []).append(dataclasses.replace(route, hostnames=placement.hostnames))
    return out
