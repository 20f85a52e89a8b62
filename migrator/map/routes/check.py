"""The route-equivalence self-check: every probe must reach the same service through the
planned ALBs as through Kubernetes. Each probe that does not is an error finding naming it."""

from __future__ import annotations

import dataclasses

from migrator.map.guard import finding_on_failure
from migrator.findings import Finding, SourceRef, error
from migrator.map.context import MapContext
from migrator.map.routes.backends import Endpoints
from migrator.map.routes.entries import partition_of, route_entries
from migrator.plan.model import EnvironmentPlan, RouteCheck
from migrator.routing import Probe, alb_index, kubernetes_backend, kubernetes_index, probes_for
from migrator.routing.gateways import routes_by_partition
from migrator.routing.kubernetes import REGEX
from migrator.routing.probes import probe_path

MAX_REPORTED = 25


def sources_by_partition(estate) -> list[tuple[str, list, list]]:
    """(partition, Ingresses, HTTPRoutes as served there) for each load balancer partition: an
    Ingress by its scheme annotation, an HTTPRoute by its parent Gateways (with the hostnames
    it has on their listeners). The self-check and `migrate verify` both read routes this way."""
    served = routes_by_partition(estate.routes, estate.gateways, partition_of)  # effective hostnames
    return [(partition, [i for i in estate.ingresses if partition_of(i.meta.annotations) == partition],
             served.get(partition, []))
            for partition in sorted({partition_of(i.meta.annotations) for i in estate.ingresses} | set(served))]


@finding_on_failure
def check_routes(ctx: MapContext, env_plan: EnvironmentPlan) -> tuple[EnvironmentPlan, list[Finding]]:
    estate = ctx.estate
    if not estate.ingresses and not estate.routes:
        return env_plan, []
    resolve = Endpoints(ctx, env_plan).weights
    probes = mismatches = 0
    findings: list[Finding] = []
    entries = None  # read once, for the first mismatch
    for partition, ingresses, routes in sources_by_partition(estate):
        lbs = [lb for lb in env_plan.load_balancers if lb.internal == (partition == "internal")]
        index, planned = kubernetes_index(ingresses, routes, resolve), alb_index(lbs)
        for probe in probes_for(ingresses, routes):
            probes += 1
            want = kubernetes_backend(index, probe)
            got = planned.backend(translate(probe, ctx.env.host_map))
            if want != got:
                mismatches += 1
                if mismatches <= MAX_REPORTED:
                    entries = route_entries(estate)[0] if entries is None else entries
                    findings.append(error("route.mismatch", f"probe {probe}: Kubernetes sends it to "
                                          f"{_name(want)}, the planned ALB rules to {_name(got)}; see the other "
                                          "route.* findings for this path", _where(estate, entries, probe)))
    if mismatches > MAX_REPORTED:
        findings.append(error("route.mismatch", f"{mismatches - MAX_REPORTED} more probes reach a different service "
                              "(only the first 25 are listed)", _where(estate, [], None)))
    check = RouteCheck(probes=probes, mismatches=mismatches)
    return dataclasses.replace(env_plan, route_check=check), findings


def translate(probe: Probe, host_map: dict[str, str]) -> Probe:
    """The probe as this environment's clients send it (Kubernetes hosts renamed by host_map)."""
    host = probe.host.lower()
    if host in host_map:
        return dataclasses.replace(probe, host=host_map[host])
    for source, target in host_map.items():
        if source.startswith("*.") and target.startswith("*.") and host.endswith(source[1:]):
            return dataclasses.replace(probe, host=host[:-len(source) + 1] + target[1:])
    return probe


def _name(answer: str | None) -> str:
    return answer or "404 (no rule)"


def _where(estate, entries, probe: Probe | None) -> SourceRef:
    """The route whose literal path is the longest prefix of the probe's (without case for a
    case-insensitive regex), else the first routing object."""
    best: tuple[int, SourceRef] | None = None
    for entry in entries:
        host_ok = not entry.hosts or any(h == probe.host.lower() or (h.startswith("*.") and
                                                                    probe.host.lower().endswith(h[1:]))
                                         for h in entry.hosts)
        literal = probe_path(entry.path).rstrip("/") or "/"
        sent, literal = (probe.path.lower(), literal.lower()) if entry.kind == REGEX else (probe.path, literal)
        if host_ok and sent.startswith(literal) and (best is None or len(literal) > best[0]):
            best = (len(literal), entry.source)
    if best is not None:
        return best[1]
    first = (*estate.ingresses, *estate.routes)
    return first[0].source if first else SourceRef("")
