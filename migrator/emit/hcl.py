"""Plain data -> HCL text that `terraform fmt` leaves alone.

Used for the generated `.tfvars` files. Objects (`dict`) are written with bare attribute names;
`Map` marks data maps (service names, environment variables), whose keys are always quoted so
that no key can be read as a keyword or an expression. The layout follows `terraform fmt`: two
spaces per level, and the `=` of consecutive one-line attributes aligned.
"""

from __future__ import annotations

import re
from typing import Any

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_KEYWORDS = {"true", "false", "null", "for", "in", "if"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


class Map(dict):
    """A data map: keys are always quoted."""


class Commented(dict):
    """An object written with a `# comment` line above its attribute (where it came from)."""

    def __init__(self, comment: str, values: dict):
        super().__init__(values)
        self.comment = " ".join(str(comment).split())


def string(text: str) -> str:
    """A quoted HCL string. `${` and `%{` are escaped, so values never become templates."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _CONTROL.match(char):
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out).replace("${", "$${").replace("%{", "%%{") + '"'


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return string(str(value))


def key(name: str, quoted: bool) -> str:
    if not quoted and _IDENTIFIER.match(name) and name not in _KEYWORDS:
        return name
    return string(name)


def _is_inline(value: Any) -> bool:
    if isinstance(value, (dict, list, tuple)):
        if not value:
            return True
        return isinstance(value, (list, tuple)) and not any(isinstance(v, (dict, list, tuple)) for v in value)
    return True


def value_lines(value: Any, indent: int) -> list[str]:
    """`value` as lines; the first line has no indentation (it follows `key = `)."""
    if isinstance(value, dict):
        if not value:
            return ["{}"]
        pad = "  " * indent
        return ["{", *body_lines(value, indent + 1, quoted=isinstance(value, Map)), pad + "}"]
    if isinstance(value, (list, tuple)):
        if _is_inline(value):
            return ["[" + ", ".join(scalar(v) for v in value) + "]"]
        pad = "  " * (indent + 1)
        lines = ["["]
        for item in value:
            item_lines = value_lines(item, indent + 1)
            lines.append(pad + item_lines[0])
            lines.extend(item_lines[1:-1])
            if len(item_lines) > 1:
                lines.append(item_lines[-1])
            lines[-1] += ","
        lines.append("  " * indent + "]")
        return lines
    return [scalar(value)]


def body_lines(attributes: dict, indent: int = 0, quoted: bool = False) -> list[str]:
    """`key = value` lines; the `=` of each run of one-line attributes lines up."""
    pad = "  " * indent
    lines: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(k) for k, _ in run), default=0)
        lines.extend(f"{pad}{k.ljust(width)} = {v}" for k, v in run)
        run.clear()

    for name, value in attributes.items():
        written = key(str(name), quoted)
        if isinstance(value, Commented) and value.comment:
            flush()
            lines.append(f"{pad}# {value.comment}")
        if _is_inline(value):
            run.append((written, value_lines(value, indent)[0]))
            continue
        flush()
        rendered = value_lines(value, indent)
        lines.append(f"{pad}{written} = {rendered[0]}")
        lines.extend(rendered[1:])
    flush()
    return lines


def tfvars(attributes: dict) -> str:
    """A whole .tfvars body: runs of one-line attributes together, each multi-line attribute
    set apart by blank lines, as people write them."""
    groups: list[dict] = []
    for name, value in attributes.items():
        if _is_inline(value) and groups and all(_is_inline(v) for v in groups[-1].values()):
            groups[-1][name] = value
        else:
            groups.append({name: value})
    return "\n\n".join("\n".join(body_lines(group)) for group in groups) + "\n"
