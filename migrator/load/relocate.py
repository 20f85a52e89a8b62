"""Give a rendered document the lines of the same fields in the document it came from.

kustomize prints new YAML, but says (`config.kubernetes.io/origin`) which file each object came
from. The rendered object and its origin are walked together: keys by name, list items by
`name` where they have one, else by position. A field the overlay added (a namespace, a
patched-in env var) takes the line of its nearest parent the origin spells out.
"""

from __future__ import annotations

from typing import Any

from migrator.load.documents import Document


def relocate_to_source(rendered: Document, source: Document, file: str) -> Document:
    """`rendered` with the lines of the same fields in `source` (the document it came from)."""
    lines: dict[int, Any] = {}
    _follow(rendered.data, source.data, source.lines, source.line, lines)
    return Document(rendered.data, file, source.line, rendered.origin, lines)


def _follow(value: Any, original: Any, original_lines: dict, line: int, lines: dict) -> None:
    if isinstance(value, dict):
        known = original_lines.get(id(original)) if isinstance(original, dict) else None
        table = {}
        for key, child in value.items():
            if known is not None and key in known:
                table[key] = abs(known[key])
                _follow(child, original[key], original_lines, table[key], lines)
            else:
                table[key] = line
                _follow(child, None, original_lines, line, lines)
        lines[id(value)] = table
    elif isinstance(value, list):
        known = original_lines.get(id(original)) if isinstance(original, list) else None
        table = []
        for i, child in enumerate(value):
            j = _same_item(child, original, i) if known is not None else None
            table.append(known[j] if j is not None else line)
            _follow(child, original[j] if j is not None else None, original_lines, table[-1], lines)
        lines[id(value)] = table


def _same_item(item: Any, original: list, index: int) -> int | None:
    if isinstance(item, dict) and "name" in item:
        for j, candidate in enumerate(original):
            if isinstance(candidate, dict) and candidate.get("name") == item["name"]:
                return j
    return index if index < len(original) else None
