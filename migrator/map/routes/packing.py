"""Pack rules onto as many ALBs as the quotas need. A host's rules stay together (DNS sends a
host to one ALB), a wildcard host travels with the exact hosts it covers (Kubernetes falls
through from an exact host to the wildcard), and rules for any host go on every ALB."""

from __future__ import annotations

from migrator.findings import Finding, error, info
from migrator.map.routes.rules import Draft, quotas


def pack(drafts: list[Draft], extra_targets: int = 0) -> tuple[list[list[Draft]], list[Finding]]:
    """Bins of drafts, each within the rules and target-group quotas of one ALB."""
    anyhost = [d for d in drafts if not d.hosts]
    units = _host_units([d for d in drafts if d.hosts])
    q = quotas()
    rule_room = q["rules_per_load_balancer"] - len(anyhost)
    base_targets = _targets(anyhost) | {("default", i) for i in range(extra_targets)}
    findings: list[Finding] = []
    if rule_room < 0 and anyhost:
        findings.append(error("route.too-many-rules", f"{len(anyhost)} rules match any host, more than the "
                              f"{q['rules_per_load_balancer']} rules an ALB holds; give the routes hosts",
                              anyhost[0].entry.source))
    bins: list[list[Draft]] = []
    bin_targets: list[set] = []
    for unit in units:
        placed = False
        unit_targets = _targets(unit)
        for i, members in enumerate(bins):
            if len(members) + len(unit) > rule_room:
                continue
            targets = bin_targets[i] | unit_targets
            if len(targets) <= q["target_groups_per_load_balancer"]:
                members.extend(unit)
                bin_targets[i] = targets
                placed = True
                break
        if not placed:
            if len(unit) > rule_room:
                findings.append(error("route.too-many-rules", f"the hosts {', '.join(sorted(_hosts(unit)))} need "
                                      f"{len(unit)} rules, more than one ALB holds ({max(rule_room, 0)} after the "
                                      "rules for any host); merge paths or split the host", unit[0].entry.source))
            bins.append(list(unit))
            bin_targets.append(base_targets | unit_targets)
    if not bins:
        bins = [[]]
    if len(bins) > 1:
        findings.append(info("route.alb-split", f"{len(drafts)} rules exceed one ALB's quotas "
                             f"({q['rules_per_load_balancer']} rules, {q['target_groups_per_load_balancer']} target "
                             f"groups); hosts are packed onto {len(bins)} ALBs", drafts[0].entry.source))
    return [anyhost + members for members in bins], findings


def _host_units(drafts: list[Draft]) -> list[list[Draft]]:
    parent: dict[str, str] = {}

    def find(host: str) -> str:
        while parent.setdefault(host, host) != host:
            parent[host] = parent[parent[host]]  # path halving keeps the chains short
            host = parent[host]
        return host

    for draft in drafts:
        for host in draft.hosts:
            parent[find(host)] = find(draft.hosts[0])
    hosts = list(parent)
    wildcards = {h[1:]: h for h in hosts if h.startswith("*.")}  # ".example.com" -> "*.example.com"
    lengths = sorted({len(suffix) for suffix in wildcards})
    for host in hosts:  # joined with each wildcard it ends with: the units of testing every pair
        for n in (n for n in lengths if n <= len(host)):
            wildcard = wildcards.get(host[len(host) - n:])
            if wildcard is not None and wildcard != host:
                parent[find(host)] = find(wildcard)
    units: dict[str, list[Draft]] = {}
    for draft in drafts:
        units.setdefault(find(draft.hosts[0]), []).append(draft)
    return sorted(units.values(), key=lambda unit: min(_hosts(unit)))


def _hosts(unit: list[Draft]) -> set[str]:
    return {h for d in unit for h in d.hosts}


def _targets(drafts: list[Draft]) -> set:
    return {(t.endpoint.service, t.endpoint.container, t.endpoint.container_port) for d in drafts for t in d.targets}
