"""Walk every leaf of every input document once and classify it.

Leaves are scalars and empty mappings/lists (`emptyDir: {}` says something). The walk keeps a
trie of normalised paths per kind, so a leaf costs two dictionary look-ups and classification
runs once per distinct (kind, path), however many objects share it. Findings that name a field
(their SourceRef's yaml_path) raise the class of every leaf under it; per-field entries with
their SourceRef are built only when the full ledger is asked for.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, NamedTuple

from migrator.findings import Finding, SourceRef
from migrator.ledger.tables import CLASSES, RANK, UNCLASSIFIED, CoverageTables
from migrator.load.documents import Document, yaml_path

_ITEM = ()  # the trie key of a list item: no YAML mapping key can be an empty tuple
_MARK = object()  # the key under which an upgrade trie stores (rank, code)


class LedgerEntry(NamedTuple):
    """One field. A named tuple, not a dataclass: the full ledger of a large estate has a
    million of them."""

    file: str
    line: int
    yaml_path: str  # the field's own path, with list indices
    kind: str
    name: str  # the object's metadata.name
    field: str  # normalised path (indices as [])
    cls: str
    rule: str  # the table pattern that matched, or `finding <code>` when a finding raised it

    @property
    def source(self) -> SourceRef:
        return SourceRef(self.file, self.line, self.yaml_path)


@dataclass(frozen=True)
class Ledger:
    counts: dict[str, int]  # class -> fields; every class present, `unclassified` only when > 0
    entries: tuple[LedgerEntry, ...] = field(default_factory=tuple)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class _Paths:
    """A trie of normalised paths: node -> (parent, key); the classification cached per node."""

    def __init__(self, tables: CoverageTables):
        self.tables = tables
        self.children: dict[tuple, int] = {}
        self.nodes: list[tuple] = []
        self.roots: dict[tuple[str, str], int] = {}
        self.rules: dict[int, Any] = {}  # root -> the kind's rules
        self.verdicts: dict[int, tuple[int, str]] = {}  # node -> (rank, rule)
        self.names: dict[int, str] = {}  # node -> normalised path

    def root(self, api_version: str, kind: str) -> int:
        key = (api_version, kind)
        node = self.roots.get(key)
        if node is None:
            node = self.roots[key] = len(self.nodes)
            self.nodes.append((None, key))
            self.rules[node] = self.tables.rules_for(api_version, kind)
        return node

    def path(self, node: int) -> tuple[int, str]:
        parts: list[str] = []
        while True:
            parent, key = self.nodes[node]
            if parent is None:
                break
            parts.append("[]" if key == _ITEM else ("." + str(key)))
            node = parent
        return node, "".join(reversed(parts)).lstrip(".")

    def name(self, node: int) -> str:
        known = self.names.get(node)
        if known is None:
            known = self.names[node] = self.path(node)[1]
        return known

    def verdict(self, node: int) -> tuple[int, str]:
        known = self.verdicts.get(node)
        if known is None:
            root, path = self.path(node)
            rule = self.tables.classify(self.rules[root], path)
            known = self.verdicts[node] = (len(CLASSES), "") if rule is None else (RANK[rule.cls], rule.pattern)
        return known


def build_ledger(documents: Iterable[Document], findings: Iterable[Finding], tables: CoverageTables,
                 detail: bool = False) -> Ledger:
    """Classify every leaf of every document. Pure: documents, findings and tables in."""
    documents = list(documents)
    paths = _Paths(tables)
    raised = _upgrades(documents, findings, tables)
    if detail:
        entries = tuple(e for i, doc in enumerate(documents) for e in _entries(paths, doc, raised.get(i)))
        counts = _tally(e.cls for e in entries)
        return Ledger(counts=counts, entries=entries)
    leaves: dict[Any, int] = {}
    for i, doc in enumerate(documents):
        root = paths.root(str(doc.data.get("apiVersion", "")), str(doc.data.get("kind", "")))
        upgrade = raised.get(i)
        rank = upgrade[_MARK][0] if upgrade and _MARK in upgrade else -1
        if doc.data:
            _count(doc.data, root, rank, upgrade, paths, leaves)
    totals: dict[str, int] = {}
    for key, n in leaves.items():
        node, rank = (key, -1) if isinstance(key, int) else key
        name = _name(max(paths.verdict(node)[0], rank))
        totals[name] = totals.get(name, 0) + n
    return Ledger(counts=_tally_counts(totals))


def _name(rank: int) -> str:
    return CLASSES[rank] if rank < len(CLASSES) else UNCLASSIFIED


def _tally(names: Iterable[str]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for name in names:
        totals[name] = totals.get(name, 0) + 1
    return _tally_counts(totals)


def _tally_counts(totals: dict[str, int]) -> dict[str, int]:
    counts = {name: totals.get(name, 0) for name in CLASSES}
    if totals.get(UNCLASSIFIED):
        counts[UNCLASSIFIED] = totals[UNCLASSIFIED]
    return counts


def _count(value: Any, node: int, rank: int, upgrade: dict | None, paths: _Paths, leaves: dict) -> None:
    """Count the leaves under a non-empty mapping or list, by (trie node[, raised rank])."""
    children = paths.children
    nodes = paths.nodes
    is_list = isinstance(value, list)
    for key, child in (enumerate(value) if is_list else value.items()):
        trie_key = (node, _ITEM if is_list else key)
        sub = children.get(trie_key)
        if sub is None:
            sub = children[trie_key] = len(nodes)
            nodes.append(trie_key)
        below = upgrade.get(key) if upgrade is not None else None
        sub_rank = max(rank, below[_MARK][0]) if below and _MARK in below else rank
        if child and isinstance(child, (dict, list)):
            _count(child, sub, sub_rank, below, paths, leaves)
        else:  # a leaf: most fields end here, so no call
            leaf = sub if sub_rank < 0 else (sub, sub_rank)
            leaves[leaf] = leaves.get(leaf, 0) + 1


def _entries(paths: _Paths, doc: Document, upgrade: dict | None) -> Iterator[LedgerEntry]:
    data = doc.data
    kind = str(data.get("kind", ""))
    meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    name = str(meta.get("name") or meta.get("generateName") or "")
    root = paths.root(str(data.get("apiVersion", "")), kind)
    mark = upgrade.get(_MARK) if upgrade else None
    stack: list[tuple[Any, int, tuple, int, dict | None, Any]] = [(data, root, (), doc.line, upgrade, mark)]
    while stack:
        value, node, parts, line, up, up_mark = stack.pop()
        if isinstance(value, (dict, list)) and value:
            table = doc.lines.get(id(value))
            pairs = list(enumerate(value)) if isinstance(value, list) else list(value.items())
            for key, child in reversed(pairs):
                trie_key = (node, _ITEM if isinstance(value, list) else key)
                sub = paths.children.get(trie_key)
                if sub is None:
                    sub = paths.children[trie_key] = len(paths.nodes)
                    paths.nodes.append(trie_key)
                child_line = _line(table, key, line)
                below = up.get(key) if up else None
                child_mark = below[_MARK] if below and _MARK in below and \
                    (up_mark is None or below[_MARK][0] > up_mark[0]) else up_mark
                stack.append((child, sub, (*parts, key), child_line, below, child_mark))
            continue
        rank, rule = paths.verdict(node)
        if up_mark is not None and up_mark[0] > rank:
            rank, rule = up_mark[0], f"finding {up_mark[1]}"
        yield LedgerEntry(doc.file, line, yaml_path(parts), kind, name, paths.name(node), _name(rank), rule)


def _line(table: Any, key: Any, default: int) -> int:
    if table is None:
        return default
    try:
        line = table[key]
    except (KeyError, IndexError, TypeError):
        return default
    return abs(line) if line else default


def _upgrades(documents: list[Document], findings: Iterable[Finding], tables: CoverageTables) -> dict[int, dict]:
    """Document index -> a trie of real paths ({key: {...}, _MARK: (rank, code)}) findings raise."""
    by_file: dict[str, dict[str, list[int]]] = {}  # file -> object name -> documents
    for i, doc in enumerate(documents):
        by_file.setdefault(doc.file, {}).setdefault(_object_name(doc), []).append(i)
    raised: dict[int, dict] = {}
    for finding in findings:
        cls, whole_object = tables.finding_class(finding)
        names = by_file.get(finding.source.file)
        if cls is None or names is None or (not finding.source.yaml_path and not whole_object):
            continue
        for index, parts in _finding_targets(documents, names, finding):
            node = raised.setdefault(index, {})
            for part in parts:
                node = node.setdefault(part, {})
            if _MARK not in node or node[_MARK][0] < RANK[cls]:
                node[_MARK] = (RANK[cls], finding.code)
    return raised


def _object_name(doc: Document) -> str:
    meta = doc.data.get("metadata")
    return str(meta.get("name") or "") if isinstance(meta, dict) else ""


_WORDS = re.compile(r"[^\w.-]+")


def _finding_targets(documents: list[Document], names: dict[str, list[int]], finding: Finding) -> list[tuple]:
    """The documents (and field paths) of one file a finding is about. Rendered charts point many
    documents at the same template lines, so the object the message names decides first, then
    the field path, then the line."""
    words = {w.strip(".") for w in _WORDS.split(finding.message)}
    named = [i for name, indexes in names.items() if name in words for i in indexes]
    candidates = named or [i for indexes in names.values() for i in indexes]
    found = []
    for index in candidates:
        parts = resolve_path(documents[index].data, finding.source.yaml_path)
        if parts is not None:
            found.append((index, parts))
    exact = [(i, parts) for i, parts in found
             if not finding.source.line or documents[i].ref(*parts).line == finding.source.line]
    return exact or found


_SEGMENTS = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


@functools.lru_cache(maxsize=65536)
def _segments(path: str) -> tuple[tuple[str, str], ...]:
    return tuple(_SEGMENTS.findall(path))  # findings of many objects name the same paths


def resolve_path(data: Any, path: str) -> tuple | None:
    """The keys and indices of a yaml_path such as `spec.containers[0].env[2]` in data, or None.
    Keys may contain dots (labels, annotations): when splitting at every dot finds nothing, the
    longest key that fits wins."""
    parts: list[Any] = []
    node = data
    for index, key in _segments(path):
        if index:
            if not isinstance(node, list) or int(index) >= len(node):
                return None
            parts.append(int(index))
            node = node[int(index)]
        elif isinstance(node, dict) and key in node:
            parts.append(key)
            node = node[key]
        elif isinstance(node, dict) and any(isinstance(k, str) and "." in k for k in node):
            return _resolve_longest(data, path)
        else:
            return None
    return tuple(parts)


def _resolve_longest(data: Any, path: str) -> tuple | None:
    parts: list[Any] = []
    node, rest = data, path
    while rest:
        if rest.startswith("["):
            close = rest.find("]")
            index = rest[1:close]
            if close < 0 or not index.isdigit() or not isinstance(node, list) or int(index) >= len(node):
                return None
            parts.append(int(index))
            node, rest = node[int(index)], rest[close + 1:].removeprefix(".")
            continue
        if not isinstance(node, dict):
            return None
        best = None
        for key in node:
            text = str(key)
            if (rest == text or rest.startswith(text + ".") or rest.startswith(text + "[")) and \
                    (best is None or len(text) > len(str(best))):
                best = key
        if best is None:
            return None
        parts.append(best)
        node, rest = node[best], rest[len(str(best)):].removeprefix(".")
    return tuple(parts)
