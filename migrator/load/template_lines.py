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
- Keys and items the template does not spell out were written by an action alone on its line
  (`{{- toYaml .Values.env | nindent 12 }}`, `include`, `tpl`, `{{ toYaml . | indent 8 }}`
  inside `with`): they take the line of that action, found among the actions inside their
  parent's lines at their parent's depth (the column `nindent`/`indent` gives, else the
  action's own), the first after the previous matched sibling. Such an action also keeps a
  rendered item from being matched to a literal item by its first key alone (podinfo's
  `extraEnvs` after its literal `PODINFO_UI_*` env items). Where there is no such action, the
  nearest matched parent's line; a template without a `kind:` line (a whole object from
  `include`) gives line 1. Values files are not named: a field has one file, and the template
  line is where a value file's key is turned into manifest text.

The rules are deterministic: the same chart always gives the same lines.
"""

from __future__ import annotations

from typing import Any

from migrator.load.documents import Document
from migrator.load.template_text import MARK, Entry, template_entries, template_injections, value_matches

class TemplateLocator:
    """Line tables for the documents one template rendered, in rendering order."""

    def __init__(self, text: str):
        self.entries, separators = template_entries(text)
        self.segments = self._segments(separators)
        self.separators = separators
        self.injections = template_injections(text)
        self.anchors = self._anchors()
        self._keys_cache: dict[tuple[int, int], dict[str, list[int]]] = {}
        self._items_cache: dict[tuple[int, int], list[int]] = {}
        self._injections_cache: dict[tuple[int, int, int, int], list[int]] = {}
        self._claimed: dict[int, bool] = {}
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
        self._claimed = {}  # injection line -> it wrote list items, within this document
        if anchor is None:
            self._fill(doc.data, 1, lines)
            return Document(doc.data, doc.file, 1, doc.origin, lines)
        lo, hi = next((s for s in self.segments if s[0] <= anchor < s[1]), (0, len(self.entries)))
        anchor_line = self.entries[anchor].line
        self._walk(doc.data, lo, hi, anchor_line, lines, self.entries[anchor].col)
        table = lines.get(id(doc.data)) or {}
        start = min(table.values(), default=anchor_line) if isinstance(table, dict) else anchor_line
        return Document(doc.data, doc.file, min(start, anchor_line), doc.origin, lines)

    def _next_anchor(self, kind: Any) -> int | None:
        """The template's `kind:` line for the next rendered document: a literal match before
        a templated kind, forward from the previous document of that kind, wrapping around
        (for `range`)."""
        fitting = [i for i in self.anchors
                   if MARK not in self.entries[i].value and value_matches(self.entries[i].value, kind)]
        fitting = fitting or [i for i in self.anchors if MARK in self.entries[i].value]
        if not fitting:
            return None
        last = self._last_anchor.get(str(kind), -1)
        chosen = next((i for i in fitting if i > last), fitting[0])
        self._last_anchor[str(kind)] = chosen
        return chosen

    def _walk(self, value: Any, lo: int, hi: int, line: int, lines: dict, floor: int) -> None:
        """`floor`: the least column the value's own keys or items can start at."""
        if isinstance(value, dict):
            self._mapping(value, lo, hi, line, lines, floor)
        elif isinstance(value, list):
            self._sequence(value, lo, hi, line, lines, floor)

    def _mapping(self, data: dict, lo: int, hi: int, line: int, lines: dict, floor: int) -> None:
        keys = self._top_keys(lo, hi)
        table: dict = {}
        cursor = -1
        for key, value in data.items():
            found = keys.get(str(key), ())
            i = next((x for x in found if x > cursor), found[0] if found else None)
            if i is None:
                after = self.entries[cursor].line if cursor >= 0 else line
                table[key] = self._injected_line(lo, hi, line, floor, after, item=False)
                self._fill(value, table[key], lines)
                continue
            cursor = i
            entry = self.entries[i]
            table[key] = entry.line
            self._walk(value, i + 1, self._key_end(i, hi), entry.line, lines,
                       entry.col if isinstance(value, list) else entry.col + 1)
        lines[id(data)] = table

    def _sequence(self, items: list, lo: int, hi: int, line: int, lines: dict, floor: int) -> None:
        tops = self._top_items(lo, hi)
        injected = bool(self._injections(lo, hi, line, floor))
        table: list[int] = []
        cursor = -1
        for item in items:
            i = self._pick_item(tops, item, cursor, hi, loose=not injected)
            if i is None:
                after = self.entries[cursor].line if cursor >= 0 else line
                table.append(self._injected_line(lo, hi, line, floor, after, item=True))
                self._fill(item, table[-1], lines)
                continue
            cursor = i
            table.append(self.entries[i].line)
            self._walk(item, i, self._item_end(i, hi), self.entries[i].line, lines, self.entries[i].col)
        lines[id(items)] = table

    def _injected_line(self, lo: int, hi: int, line: int, floor: int, after: int, item: bool) -> int:
        """The line of the action that wrote a field the template does not spell out: the
        first one after the previous matched sibling, else the last before it; else `line`.
        An action writes list items or keys, never both: one claimed for items is not taken
        for keys (an `env:` list's toYaml followed by one for the container's own keys)."""
        found = [x for x in self._injections(lo, hi, line, floor) if self._claimed.get(x, item) == item]
        if not found:
            return line
        chosen = next((x for x in found if x > after), found[-1])
        self._claimed[chosen] = item
        return chosen

    def _injections(self, lo: int, hi: int, line: int, floor: int) -> list[int]:
        """Lines of the writing actions directly inside a parent (at `line`, entries lo..hi):
        not before the parent, not at or past the next entry or `---`, not nested deeper in
        one of the parent's keys or items."""
        cached = self._injections_cache.get((lo, hi, line, floor))
        if cached is not None:
            return cached
        end = min([self._line_of(hi), *(s for s in self.separators if s > line)])
        items = [(i, self._item_end(i, hi), self.entries[i].dash) for i in self._top_items(lo, hi)
                 if self.entries[i].line != line]  # not the parent item itself
        keys = [(i, self._key_end(i, hi), self.entries[i].col) for v in self._top_keys(lo, hi).values() for i in v]
        children = [(self.entries[i].line, self._line_of(end), col) for i, end, col in [*items, *keys]]
        found = [j.line for j in self.injections if line <= j.line < end and j.col >= floor and not any(
            first < j.line < last and j.col > col for first, last, col in children)]
        self._injections_cache[(lo, hi, line, floor)] = found
        return found

    def _line_of(self, i: int) -> int:
        return self.entries[i].line if i < len(self.entries) else 10**9

    def _pick_item(self, tops: list[int], item: Any, cursor: int, hi: int, loose: bool = True) -> int | None:
        """The template item for a rendered item: same first key and literal value and every
        key the template spells out, then same first key and value, then (`loose`: when no
        action could have written it) same first key."""
        ahead = [i for i in tops if i > cursor] + [i for i in tops if i <= cursor]
        for strictness in (2, 1, 0) if loose else (2, 1):
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
            return str(first) == entry.key and (not strict or value_matches(entry.value, item[first]))
        return entry.key is None and (not strict or value_matches(entry.value, item))

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
