"""Located YAML: plain Python data plus the line every key and list item came from.

PyYAML's constructors forget node marks, and keep the last of two duplicate keys without a
word. We read libyaml's events (the same C parser `CSafeLoader` uses) and build the data
ourselves in one pass, with no node tree in between, recording lines in a side table keyed by
container identity so no path strings are built unless somebody asks where a field is.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Iterator

import yaml

from migrator.findings import InputError, SourceRef, display_path

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


_ScalarEvent, _AliasEvent = yaml.ScalarEvent, yaml.AliasEvent
_MappingStart, _SequenceStart = yaml.MappingStartEvent, yaml.SequenceStartEvent
_MappingEnd, _SequenceEnd = yaml.MappingEndEvent, yaml.SequenceEndEvent
_CACHED_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                "tag:yaml.org,2002:null"}
_CACHE_MAX = 1 << 16
# A plain scalar's tag depends only on its text (the safe loaders have no path resolvers), and
# ints, floats, bools and nulls are immutable: both are memoised across files.
_PLAIN_TAGS: dict[str, str] = {}
_CONSTRUCTED: dict[tuple[str, str], Any] = {}


class _Builder:
    """Plain data straight from libyaml's events: no node tree, one pass per document.

    Aliases share the anchored value (as PyYAML's own constructor does) and report the anchor's
    line, like the node it names; an alias inside its own anchor is an error, not a cycle."""

    def __init__(self, file: str, loader: Any):
        self.file = file
        self.loader = loader
        self.next = loader.get_event
        self.ctor = yaml.constructor.SafeConstructor()
        self.lines: dict[int, Any] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.opened: set[str] = set()  # anchors of collections still being read

    def value(self, event: Any) -> tuple[Any, int]:
        """(data, line) of the node that starts with `event`."""
        kind = type(event)
        if kind is not _ScalarEvent and event.anchor is not None and kind is not _AliasEvent:
            self.opened.add(event.anchor)
        if kind is _ScalarEvent:
            data = self.scalar(event)
        elif kind is _MappingStart:
            data = self.mapping()
        elif kind is _SequenceStart:
            data = self.sequence()
        elif kind is _AliasEvent:
            return self.alias(event)
        else:  # pragma: no cover - libyaml only starts nodes with the events above
            raise yaml.composer.ComposerError(None, None, f"unexpected {kind.__name__}", event.start_mark)
        line = event.start_mark.line + 1
        if event.anchor is not None:
            self.anchor(event, data, line)
        return data, line

    def scalar(self, event: Any) -> Any:
        tag, text = event.tag, event.value
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return text
            tag = _PLAIN_TAGS.get(text) or self.resolve(text, event.implicit)
        if tag == _STR or tag in _KEEP_AS_TEXT:
            return text
        build = _SCALARS.get(tag)
        if build is None:  # custom tags (!Ref, !!python/...) are not Kubernetes: keep the text
            return text
        if tag not in _CACHED_TAGS:
            return build(self.ctor, yaml.ScalarNode(tag, text))
        key = (tag, text)
        try:
            return _CONSTRUCTED[key]
        except KeyError:
            data = build(self.ctor, yaml.ScalarNode(tag, text))
            if len(_CONSTRUCTED) < _CACHE_MAX:
                _CONSTRUCTED[key] = data
            return data

    def resolve(self, text: str, implicit: tuple) -> str:
        tag = self.loader.resolve(yaml.ScalarNode, text, implicit)
        if len(text) < 64 and len(_PLAIN_TAGS) < _CACHE_MAX:
            _PLAIN_TAGS[text] = tag
        return tag

    # sequence() and mapping() read plain scalars inline: they are most of every document.

    def sequence(self) -> list:
        items: list = []
        lines: list[int] = []
        next_event = self.next
        event = next_event()
        while type(event) is not _SequenceEnd:
            if type(event) is _ScalarEvent and event.anchor is None:
                items.append(self.scalar(event))
                lines.append(event.start_mark.line + 1)
            else:
                data, line = self.value(event)
                items.append(data)
                lines.append(line)
            event = next_event()
        self.lines[id(items)] = lines
        return items

    def mapping(self) -> dict:
        out: dict = {}
        keylines: dict = {}
        next_event = self.next
        event = next_event()
        while type(event) is not _MappingEnd:
            if type(event) is _ScalarEvent and event.anchor is None:
                if event.value == "<<" and (event.tag == _MERGE or (event.tag is None and event.implicit[0])):
                    self.merge(out, keylines, next_event())
                    event = next_event()
                    continue
                key, line = self.scalar(event), event.start_mark.line + 1
            else:
                key, line = self.value(event)
                if isinstance(key, (list, dict)):
                    key = str(key)
            if key in keylines and keylines[key] > 0:
                self.duplicate(key, keylines[key], line)
            event = next_event()
            if type(event) is _ScalarEvent and event.anchor is None:
                out[key] = self.scalar(event)
            else:
                out[key] = self.value(event)[0]
            keylines[key] = line
            event = next_event()
        self.lines[id(out)] = keylines
        return out

    def duplicate(self, key: Any, first: int, line: int) -> None:
        raise InputError(
            "load.duplicate-key",
            f"key {key!r} appears twice in one mapping (first at line {first}); "
            "Kubernetes tools keep only the last one, so remove one of them",
            SourceRef(self.file, line),
        )

    def merge(self, out: dict, keylines: dict, event: Any) -> None:
        merged, line = self.value(event)
        if isinstance(merged, list):  # <<: [*a, *b]: each source with its own line
            sources = list(zip(merged, self.lines.get(id(merged), [line] * len(merged))))
        else:
            sources = [(merged, line)]
        for source, source_line in sources:
            if isinstance(source, dict):
                for key, value in source.items():
                    if key not in out:
                        out[key] = value
                        # merged keys may legitimately be overridden: mark them as not-duplicate
                        keylines[key] = -source_line

    def anchor(self, event: Any, data: Any, line: int) -> None:
        if event.anchor in self.anchors:
            raise yaml.composer.ComposerError(None, None, f"anchor &{event.anchor} is defined twice",
                                              event.start_mark)
        self.anchors[event.anchor] = (data, line)

    def alias(self, event: Any) -> tuple[Any, int]:
        try:
            return self.anchors[event.anchor]
        except KeyError:
            name = event.anchor
            problem = (f"alias *{name} is used inside its own anchor &{name}" if name in self.opened
                       else f"found undefined alias *{name}")
            raise yaml.composer.ComposerError(None, None, problem, event.start_mark) from None


def parse_yaml(text: str, file: str, origin: str = "raw", line_offset: int = 0) -> Iterator[Document]:
    """Yield every non-empty document in `text`, each remembering its lines.

    `line_offset` shifts reported lines when `text` is a slice of a larger file.
    Raises InputError naming file:line for syntax errors and duplicate keys.
    """
    file = display_path(file)
    loader = _Loader(text)
    try:
        loader.get_event()  # stream start
        while True:
            try:
                if type(loader.get_event()) is yaml.StreamEndEvent:
                    break
                builder = _Builder(file, loader)
                data, line = builder.value(loader.get_event())
                loader.get_event()  # document end
            except yaml.MarkedYAMLError as exc:
                mark = exc.problem_mark or exc.context_mark
                problem = exc.problem or exc.context or "invalid YAML"
                raise InputError(
                    "load.yaml-syntax",
                    f"YAML syntax error: {problem}; fix the file and run again",
                    SourceRef(file, (mark.line + 1 + line_offset) if mark else 0),
                ) from None
            except yaml.YAMLError as exc:
                raise InputError("load.yaml-syntax", f"YAML error: {exc}", SourceRef(file)) from None
            except InputError as exc:
                if line_offset:
                    exc.source = SourceRef(file, exc.source.line + line_offset)
                raise
            if data is None:
                continue
            lines = builder.lines
            if line_offset:
                lines = _shift(lines, line_offset)
            yield Document(data, file, line + line_offset, origin, lines)
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
