"""Located YAML: plain Python data plus the line every key and list item came from.

PyYAML's constructors forget node marks, and keep the last of two duplicate keys without a
word. We compose nodes with libyaml (the same C parser `CSafeLoader` uses) and build the data
ourselves in one pass, recording lines in a side table keyed by container identity so no path
strings are built unless somebody asks where a field is.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Iterator

import yaml

from migrator.findings import InputError, SourceRef

try:  # libyaml is in every PyYAML wheel; the pure-Python loader is the fallback.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
# Kubernetes parses YAML into JSON: timestamps and binary stay strings.
_KEEP_AS_TEXT = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"}
_SCALARS = yaml.constructor.SafeConstructor.yaml_constructors


@dataclass(frozen=True, eq=False)
class Document:
    """One YAML document: its data, where it starts, and the line of every key/item.

    `file` is what findings name; `origin` says how the document was produced
    (raw file, a Helm chart, a kustomize overlay, a cluster).
    """

    data: Any
    file: str
    line: int
    origin: str = "raw"
    lines: dict = field(default_factory=dict, repr=False)

    @property
    def source(self) -> SourceRef:
        return SourceRef(self.file, self.line, "")

    def ref(self, *path: str | int) -> SourceRef:
        """The SourceRef of a field path such as ("spec", "template", "spec", "containers", 0)."""
        line = self.line
        node = self.data
        lines = self.lines
        for part in path:
            table = lines.get(id(node))
            if table is None:
                break
            try:
                line = table[part]
                node = node[part]
            except (KeyError, IndexError, TypeError):
                break
        # merged (<<) keys are stored negated so they may be overridden; the line is the same
        return SourceRef(self.file, abs(line), _path_text(path))


def yaml_path(path: tuple | list) -> str:
    return _path_text(tuple(path))


@functools.lru_cache(maxsize=8192)
def _path_text(path: tuple) -> str:
    # The model asks for a few hundred thousand refs on a large estate, mostly the same few
    # hundred paths: render each once.
    out = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(("." if out else "") + str(part))
    return "".join(out)


def _scalar(node: yaml.ScalarNode, ctor: yaml.constructor.SafeConstructor) -> Any:
    tag = node.tag
    if tag == _STR or tag in _KEEP_AS_TEXT:
        return node.value
    build = _SCALARS.get(tag)
    if build is None:  # custom tags (!Ref, !!python/...) are not Kubernetes: keep the text
        return node.value
    return build(ctor, node)


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.ctor = yaml.constructor.SafeConstructor()
        self.lines: dict[int, Any] = {}

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node, self.ctor)
        if isinstance(node, yaml.SequenceNode):
            items = [self.build(item) for item in node.value]
            self.lines[id(items)] = [item.start_mark.line + 1 for item in node.value]
            return items
        return self._mapping(node)

    def _mapping(self, node: yaml.MappingNode) -> dict:
        out: dict = {}
        keylines: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self._merge(out, keylines, value_node)
                continue
            key = self.build(key_node)
            if isinstance(key, (list, dict)):
                key = str(key)
            line = key_node.start_mark.line + 1
            if key in keylines and keylines[key] > 0:
                raise InputError(
                    "load.duplicate-key",
                    f"key {key!r} appears twice in one mapping (first at line {keylines[key]}); "
                    "Kubernetes tools keep only the last one, so remove one of them",
                    SourceRef(self.file, line),
                )
            out[key] = self.build(value_node)
            keylines[key] = line
        self.lines[id(out)] = keylines
        return out

    def _merge(self, out: dict, keylines: dict, value_node: yaml.Node) -> None:
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source in sources:
            merged = self.build(source)
            if isinstance(merged, dict):
                for key, value in merged.items():
                    if key not in out:
                        out[key] = value
                        # merged keys may legitimately be overridden: mark them as not-duplicate
                        keylines[key] = -(source.start_mark.line + 1)


def parse_yaml(text: str, file: str, origin: str = "raw", line_offset: int = 0) -> Iterator[Document]:
    """Yield every non-empty document in `text`, each remembering its lines.

    `line_offset` shifts reported lines when `text` is a slice of a larger file.
    Raises InputError naming file:line for syntax errors and duplicate keys.
    """
    loader = _Loader(text)
    try:
        while True:
            try:
                if not loader.check_node():
                    break
                node = loader.get_node()
            except yaml.MarkedYAMLError as exc:
                mark = exc.problem_mark or exc.context_mark
                line = (mark.line + 1 + line_offset) if mark else 0
                problem = exc.problem or exc.context or "invalid YAML"
                raise InputError(
                    "load.yaml-syntax",
                    f"YAML syntax error: {problem}; fix the file and run again",
                    SourceRef(file, line),
                ) from None
            except yaml.YAMLError as exc:
                raise InputError("load.yaml-syntax", f"YAML error: {exc}", SourceRef(file)) from None
            if node is None:
                continue
            builder = _Builder(file)
            try:
                data = builder.build(node)
            except InputError as exc:
                if line_offset:
                    exc.source = SourceRef(file, exc.source.line + line_offset)
                raise
            if data is None:
                continue
            lines = builder.lines
            if line_offset:
                lines = _shift(lines, line_offset)
            yield Document(data, file, node.start_mark.line + 1 + line_offset, origin, lines)
    finally:
        loader.dispose()


def _shift(lines: dict, offset: int) -> dict:
    shifted = {}
    for key, table in lines.items():
        if isinstance(table, list):
            shifted[key] = [line + offset for line in table]
        else:
            shifted[key] = {k: (v + offset if v > 0 else v - offset) for k, v in table.items()}
    return shifted
