"""The full ledger on disk: JSON with every field (for tools), Markdown grouped by field (for
people). Pure: ledgers in, text out. Only paths, classes and rules are written, never a value."""

from __future__ import annotations

import json
import os
from typing import Iterable

from migrator.ledger.tables import CLASSES, RANK
from migrator.ledger.walk import Ledger, LedgerEntry

MEANING = {
    "mapped": "carried over; the service behaves the same",
    "approximated": "carried over with a documented difference",
    "dropped": "not carried over; nothing on ECS needs it",
    "needs-decision": "not carried over; a person has to decide what replaces it",
}
EXAMPLES = 3  # distinct locations shown per field in Markdown


def ledger_paths(target: str) -> tuple[str, str]:
    """`--ledger DIR` (an existing folder, or ending in /) -> DIR/ledger.json and DIR/ledger.md;
    anything else is a prefix: PREFIX.json and PREFIX.md."""
    if target.endswith(("/", os.sep)) or os.path.isdir(target):
        return os.path.join(target, "ledger.json"), os.path.join(target, "ledger.md")
    stem = target[:-5] if target.endswith(".json") else target[:-3] if target.endswith(".md") else target
    return stem + ".json", stem + ".md"


def _short(path: str, root: str) -> str:
    if root and path.startswith(root.rstrip("/") + "/"):
        return os.path.relpath(path, root)
    return path


def ledger_json(project: str, ledgers: Iterable[tuple[str, Ledger]], root: str = "") -> str:
    """One JSON document; each field is one line so that diffs of two ledgers stay readable."""
    out = ["{", f'  "project": {json.dumps(project)},', f'  "classes": {json.dumps(list(CLASSES))},',
           '  "environments": [']
    envs = list(ledgers)
    for n, (name, ledger) in enumerate(envs):
        out += ["    {", f'      "name": {json.dumps(name)},', f'      "counts": {json.dumps(ledger.counts)},',
                f'      "total": {ledger.total},', '      "fields": [']
        last = len(ledger.entries) - 1
        for i, e in enumerate(ledger.entries):
            row = {"file": _short(e.file, root), "line": e.line, "yaml_path": e.yaml_path, "kind": e.kind,
                   "object": e.name, "field": e.field, "class": e.cls, "rule": e.rule}
            out.append("        " + json.dumps(row, ensure_ascii=False) + ("," if i < last else ""))
        out += ["      ]", "    }" + ("," if n < len(envs) - 1 else "")]
    out += ["  ]", "}", ""]
    return "\n".join(out)


def ledger_markdown(project: str, ledgers: Iterable[tuple[str, Ledger]], root: str = "") -> str:
    out = [f"# Coverage ledger: {project}", "",
           "Every field of every input object, classified (rules in `mappings/coverage.yaml`):", ""]
    out += [f"- **{cls}**: {MEANING[cls]}" for cls in CLASSES] + [""]
    for name, ledger in ledgers:
        out += [f"## Environment `{name}`", "", counts_table(ledger.counts), ""]
        groups = _groups(ledger.entries)
        for cls in reversed(CLASSES):
            rows = [(key, found) for key, found in groups.items() if key[0] == cls]
            if not rows:
                continue
            out += [f"### {cls} ({sum(len(found) for _, found in rows)} fields)", "",
                    "| kind | field | fields | where | rule |", "|---|---|---:|---|---|"]
            for (_, kind, field, rule), found in sorted(rows, key=lambda r: (r[0][1], r[0][2])):
                places = list(dict.fromkeys(f"{_short(e.file, root)}:{e.line}" for e in found))
                where = ", ".join(places[:EXAMPLES])
                more = f" (+{len(places) - EXAMPLES} more)" if len(places) > EXAMPLES else ""
                out.append(f"| {kind} | `{_cell(field)}` | {len(found)} | {_cell(where)}{more} | `{_cell(rule)}` |")
            out.append("")
    return "\n".join(out)


def counts_table(counts: dict[str, int]) -> str:
    total = sum(counts.values()) or 1
    lines = ["| class | fields | share |", "|---|---:|---:|"]
    for cls, n in sorted(counts.items(), key=lambda kv: RANK.get(kv[0], len(CLASSES))):
        lines.append(f"| {cls} | {n} | {100 * n / total:.1f}% |")
    lines.append(f"| **total** | {sum(counts.values())} | 100% |")
    return "\n".join(lines)


def _groups(entries: Iterable[LedgerEntry]) -> dict[tuple[str, str, str, str], list[LedgerEntry]]:
    groups: dict[tuple[str, str, str, str], list[LedgerEntry]] = {}
    for e in entries:
        groups.setdefault((e.cls, e.kind, e.field, e.rule), []).append(e)
    return groups


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'")
