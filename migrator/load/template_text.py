"""Read a Helm template as YAML lines: its keys and list items with their columns, and the
lines where an action writes YAML of its own (`toYaml`, `include`, `tpl`), with the column that
YAML starts at. Actions inside a line stand in as MARK; bodies of block scalars are text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_ACTION = re.compile(r"\{\{.*?\}\}")
MARK = "\x00"  # stands in for a template action inside a line
_DASH = re.compile(r"^(\s*)-(?:\s+|$)")
_KEY = re.compile(r"""^("(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<plain>[^\s"'#{}\[\],|>][^:#]*?))\s*:(?:\s+|$)""")
_BLOCK = re.compile(r"[|>][-+0-9]*\s*(#.*)?$")
_ACTION_BODY = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}")
_CONTROL = re.compile(r"^(?:if|else|end|with|range|define|break|continue|/\*|\$\w+\s*:?=)(?:\W|$)")
_INDENT = re.compile(r"\bn?indent\s+(\d+)")


@dataclass(frozen=True)
class Entry:
    """One template line that is a key or a list item."""

    line: int
    col: int  # column of the key (or of the item's scalar)
    key: str | None  # None: a scalar list item, or a bare "-"
    value: str  # the text after "key:" or "- ", with actions replaced by MARK
    dash: int = -1  # column of the "-" when the line opens a list item

    @property
    def start(self) -> int:
        return self.dash if self.dash >= 0 else self.col


@dataclass(frozen=True)
class Injection:
    """A template line that is only actions, one of which writes text (toYaml, include, tpl)."""

    line: int
    col: int  # where the written YAML starts: the nindent/indent width, else the action's column


def template_injections(text: str) -> list[Injection]:
    found = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or _ACTION.sub("", raw).strip():
            continue
        writers = [body for body in _ACTION_BODY.findall(raw) if not _CONTROL.match(body)]
        if writers:
            width = _INDENT.search(writers[0])
            found.append(Injection(number, int(width.group(1)) if width else len(raw) - len(raw.lstrip())))
    return found


def template_entries(text: str) -> tuple[list[Entry], list[int]]:
    """The key / list-item lines of a template, and the lines of its `---` separators."""
    entries: list[Entry] = []
    separators: list[int] = []
    block_col = -1
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _ACTION.sub(MARK, raw).rstrip()
        body = line.lstrip()
        indent = len(line) - len(body)
        if block_col >= 0:
            if not body.replace(MARK, "") or indent > block_col:
                continue
            block_col = -1
        if not body.replace(MARK, "").strip() or body.startswith("#"):
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
        if MARK in name:  # a templated key cannot be matched by name
            return Entry(number, col, None, MARK, dash) if dash >= 0 else None
        return Entry(number, col, name.strip(), rest[key.end():].strip(), dash)
    if dash >= 0:
        return Entry(number, col, None, rest.strip(), dash)
    return None


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def value_matches(template_value: str, rendered: Any) -> bool:
    """A literal value equals the rendered one; a templated one (`--port={{ .port }}`) has the
    same literal text around its actions."""
    if isinstance(rendered, (dict, list)):
        return True
    text = template_value.split(" #", 1)[0].strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    if MARK in text:
        pattern = ".*".join(re.escape(part) for part in text.split(MARK))
        return re.fullmatch(pattern, _scalar_text(rendered), re.DOTALL) is not None
    return text == _scalar_text(rendered)
