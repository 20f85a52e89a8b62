"""Findings for how an HTTPRoute attaches to its Gateways (migrator.routing.gateways): parents
that are not in the estate and listeners the route does not attach to, located at the parentRef."""

from __future__ import annotations

from migrator.findings import Finding, info, warning
from migrator.model.objects import HTTPRoute
from migrator.routing.gateways import Attachment


def attachment_findings(route: HTTPRoute, attached: Attachment, default_partition: str) -> list[Finding]:
    """`default_partition`: where a route whose Gateway is not in the estate is planned."""
    if route.kind != "HTTPRoute":
        return []  # a GRPCRoute is not planned at all (route.grpc-route)
    what = f"{route.kind} {route.meta.key}"
    out = []
    for parent in attached.missing:
        hosts = ", ".join(route.hostnames) or "any host"
        out.append(warning("route.gateway-not-found", f"{what}: parentRef Gateway "
                           f"{parent.namespace or route.meta.namespace}/{parent.name} is not in the estate, so its "
                           f"listeners' hostnames and scheme are unknown; planned on the {default_partition} ALB with the route's "
                           f"own hostnames ({hosts}). Add the Gateway manifest to the input", parent.source))
    for refusal in attached.refused:
        out.append(warning("route.not-attached", f"{what} does not attach to Gateway {refusal.gateway}: "
                           f"{refusal.why}; Kubernetes does not route it there, so no rule is planned for it",
                           refusal.parent.source))
    if not attached.placements and route.kind == "HTTPRoute":
        out.append(warning("route.not-served", f"{what} attaches to no listener of its Gateways; no rule is "
                           "planned for it (see route.not-attached)", route.source))
    internal = [p for p in attached.placements if p.partition == "internal"]
    if internal and not attached.missing:
        out.append(info("route.internal-gateway", f"{what} is served by an internal Gateway: planned on the internal "
                        f"ALB for {', '.join(internal[0].hostnames) or 'any host'}", route.source))
    return out
