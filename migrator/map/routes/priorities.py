"""ALB rule priorities that make first-match reproduce Kubernetes precedence.

The priority range is cut into bands (exact hosts, wildcard hosts by label count, any host) and
each band into cells by path level (Exact paths first, then prefixes from 64 characters down to
1). A rule takes the slot of its cell that its own content hashes to, so priorities do not
depend on the other rules: adding a route leaves the others where they are. Rules that can match
the same request inside one cell (same host and path, different methods or headers; patterns;
prefixes longer than 64 characters) form a group that takes consecutive slots in precedence order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from migrator import data
from migrator.findings import Finding, error, info, warning
from migrator.map.routes.rules import Draft
from migrator.routing.kubernetes import EXACT, PATTERN, REGEX


@dataclass(frozen=True)
class Cell:
    start: int
    slots: int


def cell_for(draft: Draft) -> Cell:
    table = data.table("alb")["priorities"]
    levels = table["path_levels"]
    level = 0 if draft.kind == EXACT else 1 + max(0, levels - 1 - draft.length)
    if draft.guard == "catch_all":  # after every rule that can match its host: exact hosts, then wildcards
        band = table["catch_all"]
        labels = draft.hosts[0].count(".")
        index = 1 + min(band["label_bands"] - 1, max(0, band["label_bands"] - labels)) \
            if draft.hosts[0].startswith("*.") else 0
        return Cell(band["start"] + index * band["slots"], band["slots"])
    if draft.guard:
        band = table["guard_" + draft.guard]
        return Cell(band["start"] + level * band["slots"], band["slots"])
    if not draft.hosts:
        band = table["any_host"]
        return Cell(band["start"] + level * band["slots"], band["slots"])
    if draft.hosts[0].startswith("*."):
        band = table["wildcard_host"]
        labels = draft.hosts[0].count(".")
        label_band = max(0, band["label_bands"] - labels)
        return Cell(band["start"] + (label_band * levels + level) * band["slots"], band["slots"])
    band = table["exact_host"]
    return Cell(band["start"] + level * band["slots"], band["slots"])


def assign_priorities(drafts: list[Draft]) -> tuple[list[tuple[int, Draft]], list[Finding]]:
    """(priority, draft) in priority order; fully shadowed duplicates are dropped with a finding."""
    cells: dict[Cell, list[Draft]] = {}
    for draft in drafts:
        cells.setdefault(cell_for(draft), []).append(draft)
    out: list[tuple[int, Draft]] = []
    findings: list[Finding] = []
    for cell in sorted(cells, key=lambda c: c.start):
        placed, notes = _fill_cell(cell, cells[cell])
        out.extend(placed)
        findings.extend(notes)
    return sorted(out, key=lambda pd: pd[0]), findings


def _fill_cell(cell: Cell, drafts: list[Draft]) -> tuple[list[tuple[int, Draft]], list[Finding]]:
    findings: list[Finding] = []
    used: set[int] = set()
    placed = []
    groups = _groups(drafts)
    for anchor, members in sorted(groups.items(), key=lambda kv: (_slot(kv[0], cell.slots), kv[0])):
        members, notes = _drop_shadowed(sorted(members, key=_precedence))
        findings.extend(notes)
        start = _free_run(used, _slot(anchor, cell.slots), len(members), cell.slots)
        if start is None:
            findings.append(error("route.priority-overflow", f"{members[0].entry.origin}: more than {cell.slots} "
                                  "rules share one priority level; split the hosts across environments or ALBs",
                                  members[0].entry.source))
            continue
        for offset, draft in enumerate(members):
            used.add(start + offset)
            placed.append((cell.start + start + offset, draft))
    return placed, findings


def _precedence(draft: Draft) -> tuple:
    methods, headers = draft.conditions
    return (-draft.length, -methods, -headers, draft.entry.order, draft.key)


def _groups(drafts: list[Draft]) -> dict[str, list[Draft]]:
    """Union of drafts that may match one request; keyed by their smallest token."""
    loose_hosts = {h for d in drafts if d.entry.kind in (PATTERN, REGEX) or d.length >= 64 for h in d.hosts or ("",)}
    parent: dict[str, str] = {}

    def find(token: str) -> str:
        while parent.setdefault(token, token) != token:
            parent[token] = parent[parent[token]]  # path halving keeps the chains short
            token = parent[token]
        return token

    tokens_of = {}
    for draft in drafts:
        tokens = [f"{h}|{draft.kind != EXACT}|{draft.entry.path if draft.kind != EXACT else draft.paths[0]}"
                  for h in draft.hosts or ("",)]
        tokens += [f"{h}|*" for h in draft.hosts or ("",) if h in loose_hosts]
        tokens_of[draft.key + repr(draft.entry.order)] = tokens
        for token in tokens[1:]:
            parent[find(token)] = find(tokens[0])
        find(tokens[0])
    groups: dict[str, list[Draft]] = {}
    for draft in drafts:
        root = find(tokens_of[draft.key + repr(draft.entry.order)][0])
        groups.setdefault(root, []).append(draft)
    smallest: dict[str, str] = {}
    for token in parent:
        root = find(token)
        smallest[root] = min(smallest.get(root, token), token)
    return {smallest[root]: members for root, members in groups.items()}


def _drop_shadowed(members: list[Draft]) -> tuple[list[Draft], list[Finding]]:
    kept: list[Draft] = []
    first: dict[str, Draft] = {}  # key -> the kept draft with it
    findings = []
    for draft in members:
        twin = first.get(draft.key)
        if twin is None:
            first[draft.key] = draft
            kept.append(draft)
            continue
        same = (twin.targets, twin.fixed_response) == (draft.targets, draft.fixed_response)
        make = info if same else warning
        findings.append(make("route.conflict", f"{draft.entry.origin} is shadowed by {twin.entry.origin} (same host, "
                             "path and conditions; the first by namespace/name wins); no rule is planned for it",
                             draft.entry.source))
    return kept, findings


def _slot(key: str, slots: int) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") % slots


def _free_run(used: set[int], start: int, length: int, slots: int) -> int | None:
    if slots - len(used) < length:  # a full cell answers at once, not after trying every slot
        return None
    for base in (*range(start, slots - length + 1), *range(0, min(start, slots - length + 1))):
        if all(base + i not in used for i in range(length)):
            return base
    return None
