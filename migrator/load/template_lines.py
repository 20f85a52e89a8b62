"""Point rendered Helm documents back at the template lines that produced them.

Helm prints new YAML; a line in that output means nothing to the person who has to fix the
chart. `TemplateLocator` rebuilds a rendered document's line table (see `Document.lines`)
against its template, which is YAML with `{{ }}` actions:

- The template's lines are read as keys and list items with their columns, ignoring actions,
  comments and the bodies of block scalars.
- Each rendered document is matched to a top-level `kind:` line of the template whose literal
  value is the rendered kind (a templated kind when none is literal), going forward from the
  previous document of the same kind and wrapping around (`helm template` prints documents
  grouped by kind). A `range` that renders 24 Deployments so points all of them at the one
  `kind: Deployment` of its body.
- Inside that document's `---` segment every rendered key is matched to the same key among
  the template's keys at that nesting level (forward from the previous sibling, then from the
  start), and every rendered list item to a template item with the same first key, the same
  value where the template writes it literally, and every key the template spells out (so a
  ranged item matches its templated line, and a literal item only itself).
- Keys the template does not spell out (emitted by `toYaml`, `include`) take the line of their
  nearest matched parent; a template without a `kind:` line (a whole object from `include`)
  gives line 1.

The rules are deterministic: the same chart always gives the same lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from migrator.load.documents import Document

_ACTION = re.compile(r"\{\{.*?\}\}")
_MARK = "\x00"  # stands in for a template action inside a line
_DASH = re.compile(r"^(\s*)-(?:\s+|$)")
_KEY = re.compile(r"""^("(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<plain>[^\s"'#{}\[\],|>][^:#]*?))\s*:(?:\s+|$)""")
_BLOCK = re.compile(r"[|>][-+0-9]*\s*(#.*)?$")


@dataclass(frozen=True)
class Entry:
    """One template line that is a key or a list item."""

    line: int
    col: int  # column of the key (or of the item's scalar)
    key: str | None  # None: a scalar list item, or a bare "-"
    value: str  # the text after "key:" or "- ", with actions replaced by _MARK
    dash: int = -1  # column of the "-" when the line opens a list item

    @property
    def start(self) -> int:
        return self.dash if self.dash >= 0 else self.col


def template_entries(text: str) -> tuple[list[Entry], list[int]]:
    """The key / list-item lines of a template, and the lines of its `---` separators."""
    entries: list[Entry] = []
    separators: list[int] = []
    block_col = -1
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _ACTION.sub(_MARK, raw).rstrip()
        body = line.lstrip()
        indent = len(line) - len(body)
        if block_col >= 0:
            if not body.replace(_MARK, "") or indent > block_col:
                continue
            block_col = -1
        if not body.replace(_MARK, "").strip() or body.startswith("#"):
            continue
        if body == "---" or body.startswith("--- "):
            separators.append(number)
            continue
        entry = _entry(number, line)
        if entry is None:
            continue
        entries.append(entry)
        if _BLOCK.search(entry.value) and not entry.value.startswith(("'", '"')):
            block_col = entry.start
    return entries, separators


def _entry(number: int, line: str) -> Entry | None:
    dash = -1
    col = len(line) - len(line.lstrip())
    match = _DASH.match(line)
    if match:
        dash = len(match.group(1))
        col = match.end()
    rest = line[col:]
    key = _KEY.match(rest)
    if key is not None:
        name = key.group("dq") if key.group("dq") is not None else key.group("sq")
        name = name if name is not None else key.group("plain")
        if _MARK in name:  # a templated key cannot be matched by name
            return Entry(number, col, None, _MARK, dash) if dash >= 0 else None
        return Entry(number, col, name.strip(), rest[key.end():].strip(), dash)
    if dash >= 0:
        return Entry(number, col, None, rest.strip(), dash)
    return None


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _value_matches(template_value: str, rendered: Any) -> bool:
    if _MARK in template_value or isinstance(rendered, (dict, list)):
        return True
    text = template_value.split(" #", 1)[0].strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return text == _scalar_text(rendered)


class TemplateLocator:
    """Line tables for the documents one template rendered, in rendering order."""

    def __init__(self, text: str):
        self.entries, separators = template_entries(text)
        self.segments = self._segments(separators)
        self.anchors = self._anchors()
        self._keys_cache: dict[tuple[int, int], dict[str, list[int]]] = {}
        self._items_cache: dict[tuple[int, int], list[int]] = {}
        self._last_anchor: dict[str, int] = {}  # per kind: `helm template` sorts by kind

    def _segments(self, separators: list[int]) -> list[tuple[int, int]]:
        """(first, end) entry indexes between `---` separators."""
        bounds, i = [], 0
        for sep in [*separators, 10**9]:
            j = i
            while j < len(self.entries) and self.entries[j].line < sep:
                j += 1
            if j > i:
                bounds.append((i, j))
            i = j
        return bounds

    def _anchors(self) -> list[int]:
        kinds = [i for i, e in enumerate(self.entries) if e.key == "kind" and e.dash < 0]
        if not kinds:
            return []
        top = min(self.entries[i].col for i in kinds)
        return [i for i in kinds if self.entries[i].col == top]

    def locate(self, doc: Document) -> Document:
        """The same document with its line table (and start line) in template lines."""
        anchor = self._next_anchor(doc.data.get("kind") if isinstance(doc.data, dict) else None)
        lines: dict[int, Any] = {}
        if anchor is None:
            self._fill(doc.data, 1, lines)
            return Document(doc.data, doc.file, 1, doc.origin, lines)
        lo, hi = next((s for s in self.segments if s[0] <= anchor < s[1]), (0, len(self.entries)))
        anchor_line = self.entries[anchor].line
        self._walk(doc.data, lo, hi, anchor_line, lines)
        table = lines.get(id(doc.data)) or {}
        start = min(table.values(), default=anchor_line) if isinstance(table, dict) else anchor_line
        return Document(doc.data, doc.file, min(start, anchor_line), doc.origin, lines)

    def _next_anchor(self, kind: Any) -> int | None:
        """The template's `kind:` line for the next rendered document: a literal match before
        a templated kind, forward from the previous document of that kind, wrapping around
        (for `range`)."""
        fitting = [i for i in self.anchors
                   if _MARK not in self.entries[i].value and _value_matches(self.entries[i].value, kind)]
        fitting = fitting or [i for i in self.anchors if _MARK in self.entries[i].value]
        if not fitting:
            return None
        last = self._last_anchor.get(str(kind), -1)
        chosen = next((i for i in fitting if i > last), fitting[0])
        self._last_anchor[str(kind)] = chosen
        return chosen

    def _walk(self, value: Any, lo: int, hi: int, line: int, lines: dict) -> None:
        if isinstance(value, dict):
            self._mapping(value, lo, hi, line, lines)
        elif isinstance(value, list):
            self._sequence(value, lo, hi, line, lines)

    def _mapping(self, data: dict, lo: int, hi: int, line: int, lines: dict) -> None:
        keys = self._top_keys(lo, hi)
        table: dict = {}
        cursor = -1
        for key, value in data.items():
            found = keys.get(str(key), ())
            i = next((x for x in found if x > cursor), found[0] if found else None)
            if i is None:
                table[key] = line
                self._fill(value, line, lines)
                continue
            cursor = i
            table[key] = self.entries[i].line
            self._walk(value, i + 1, self._key_end(i, hi), self.entries[i].line, lines)
        lines[id(data)] = table

    def _sequence(self, items: list, lo: int, hi: int, line: int, lines: dict) -> None:
        tops = self._top_items(lo, hi)
        table: list[int] = []
        cursor = -1
        for item in items:
            i = self._pick_item(tops, item, cursor, hi)
            if i is None:
                table.append(line)
                self._fill(item, line, lines)
                continue
            cursor = i
            table.append(self.entries[i].line)
            self._walk(item, i, self._item_end(i, hi), self.entries[i].line, lines)
        lines[id(items)] = table

    def _pick_item(self, tops: list[int], item: Any, cursor: int, hi: int) -> int | None:
        """The template item for a rendered item: same first key and literal value and every
        key the template spells out, then same first key and value, then same first key."""
        ahead = [i for i in tops if i > cursor] + [i for i in tops if i <= cursor]
        for strictness in (2, 1, 0):
            for i in ahead:
                if self._item_fits(self.entries[i], item, strictness > 0) and (
                        strictness < 2 or self._has_keys(i, hi, item)):
                    return i
        return None

    def _has_keys(self, i: int, hi: int, item: Any) -> bool:
        if not isinstance(item, dict):
            return True
        keys = self._top_keys(i, self._item_end(i, hi))
        return all(str(k) in keys for k in item)

    @staticmethod
    def _item_fits(entry: Entry, item: Any, strict: bool) -> bool:
        if isinstance(item, dict):
            if entry.key is None:
                return not strict or entry.value == ""
            first = next(iter(item), None)
            return str(first) == entry.key and (not strict or _value_matches(entry.value, item[first]))
        return entry.key is None and (not strict or _value_matches(entry.value, item))

    def _top_keys(self, lo: int, hi: int) -> dict[str, list[int]]:
        cached = self._keys_cache.get((lo, hi))
        if cached is not None:
            return cached
        keys: dict[str, list[int]] = {}
        i = lo
        while i < hi:
            entry = self.entries[i]
            if entry.key is None:
                i = i + 1 if i == lo else self._item_end(i, hi)
                continue
            keys.setdefault(entry.key, []).append(i)
            i = self._key_end(i, hi)
        self._keys_cache[(lo, hi)] = keys
        return keys

    def _top_items(self, lo: int, hi: int) -> list[int]:
        cached = self._items_cache.get((lo, hi))
        if cached is not None:
            return cached
        items, i = [], lo
        while i < hi:
            if self.entries[i].dash >= 0:
                items.append(i)
                i = self._item_end(i, hi)
            else:
                i = self._key_end(i, hi)
        self._items_cache[(lo, hi)] = items
        return items

    def _key_end(self, i: int, hi: int) -> int:
        """End of the value of the key at i: deeper lines, and a compact list at its column."""
        col = self.entries[i].col
        j = i + 1
        while j < hi and (self.entries[j].start > col or self.entries[j].dash == col):
            j += 1
        return j

    def _item_end(self, i: int, hi: int) -> int:
        dash = self.entries[i].start
        j = i + 1
        while j < hi and self.entries[j].start > dash:
            j += 1
        return j

    def _fill(self, value: Any, line: int, lines: dict) -> None:
        """Every field below an unmatched key gets that key's line."""
        if isinstance(value, dict):
            lines[id(value)] = {k: line for k in value}
            for v in value.values():
                self._fill(v, line, lines)
        elif isinstance(value, list):
            lines[id(value)] = [line] * len(value)
            for v in value:
                self._fill(v, line, lines)
