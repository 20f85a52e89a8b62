"""Plan <-> plain data (dicts, lists, scalars) <-> YAML text.

One generic converter driven by the dataclass type hints, so adding a plan field never needs
serialisation code. Defaults are left out of the file to keep plans short to review, and the
YAML writer is a small deterministic emitter: the same plan always gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import types
import typing
from typing import Any

import yaml

from migrator.findings import Finding, InputError, Severity, SourceRef
from migrator.plan import model as p


def to_data(obj: Any) -> Any:
    kind = type(obj)
    if kind in _ATOMS:  # most values; checked first because plans have hundreds of thousands
        return obj
    if kind is tuple or kind is list:
        return [to_data(item) for item in obj]
    fields = _FIELDS.get(kind)
    if fields is None:
        if isinstance(obj, Finding):
            return obj.to_dict()
        if not dataclasses.is_dataclass(obj):
            if isinstance(obj, (tuple, list)):
                return [to_data(item) for item in obj]
            if isinstance(obj, dict):
                return {str(k): to_data(v) for k, v in obj.items()}
            return obj
        fields = _fields_of(kind)
    out = {}
    for name, default in fields:
        value = getattr(obj, name)
        if default is not _NO_DEFAULT and value == default:
            continue
        out[name] = to_data(value)
    return out


_ATOMS = frozenset({str, int, float, bool, type(None)})
_NO_DEFAULT = object()
_FIELDS: dict[type, tuple[tuple[str, Any], ...]] = {}


def _fields_of(cls: type) -> tuple[tuple[str, Any], ...]:
    """(name, default) per field, the default being _NO_DEFAULT where every value is written
    (no default, or a class marked __plan_explicit__). Factories are called once, here."""
    explicit = getattr(cls, "__plan_explicit__", False)
    fields = tuple((f.name, _NO_DEFAULT if explicit else _default_of(f)) for f in dataclasses.fields(cls))
    _FIELDS[cls] = fields
    return fields


def _default_of(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        return f.default_factory()  # type: ignore[misc]
    return _NO_DEFAULT


def from_data(cls: Any, data: Any, where: str = "") -> Any:
    """Build `cls` from plain data, naming the plan path of anything malformed."""
    if cls is Finding:
        return _finding(data)
    origin = typing.get_origin(cls)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(cls) if a is not type(None)]
        if data is None:
            return None
        for option in options:
            try:
                return from_data(option, data, where)
            except (PlanFormatError, TypeError, ValueError):
                continue
        raise PlanFormatError(where, f"unexpected value {data!r}")
    if dataclasses.is_dataclass(cls):
        if not isinstance(data, dict):
            raise PlanFormatError(where, f"expected a mapping, found {type(data).__name__}")
        hints = _hints(cls)
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise PlanFormatError(where, f"unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        kwargs = {k: from_data(hints[k], v, f"{where}.{k}" if where else k) for k, v in data.items()}
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise PlanFormatError(where, str(exc)) from None
    if origin is tuple:
        args = typing.get_args(cls)
        if not isinstance(data, list):
            raise PlanFormatError(where, "expected a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_data(args[0], item, f"{where}[{i}]") for i, item in enumerate(data))
        return tuple(from_data(a, item, f"{where}[{i}]") for i, (a, item) in enumerate(zip(args, data)))
    if origin is dict:
        key_type, value_type = typing.get_args(cls)
        if not isinstance(data, dict):
            raise PlanFormatError(where, "expected a mapping")
        return {from_data(key_type, k, where): from_data(value_type, v, f"{where}.{k}") for k, v in data.items()}
    if cls is float and isinstance(data, (int, float)) and not isinstance(data, bool):
        return float(data)
    if cls in (int, str, bool):
        if not isinstance(data, cls) or (cls is int and isinstance(data, bool)):
            raise PlanFormatError(where, f"expected {cls.__name__}, found {data!r}")
        return data
    if cls is Any:
        return data
    raise PlanFormatError(where, f"cannot read type {cls}")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(p) | {"Finding": Finding})


def _finding(data: Any) -> Finding:
    return Finding(
        code=str(data["code"]),
        severity=Severity.parse(str(data["severity"])),
        message=str(data["message"]),
        source=SourceRef(str(data.get("file", "")), int(data.get("line", 0)), str(data.get("yaml_path", ""))),
    )


class PlanFormatError(ValueError):
    def __init__(self, where: str, problem: str):
        self.where = where
        super().__init__(f"{where or 'plan'}: {problem}")


def plan_to_data(plan: p.MigrationPlan) -> dict:
    body = to_data(plan)
    return {"apiVersion": p.API_VERSION, "kind": p.KIND, **body}


def plan_from_data(data: Any, file: str = "migration-plan.yaml") -> p.MigrationPlan:
    if not isinstance(data, dict) or data.get("kind") != p.KIND:
        raise InputError("plan.not-a-plan", "this file is not a migrator plan (kind: MigrationPlan); "
                         "create one with `migrate plan`", file)
    if data.get("apiVersion") != p.API_VERSION:
        raise InputError("plan.version", f"plan apiVersion {data.get('apiVersion')!r} is not supported; "
                         f"re-create it with this version of migrator ({p.API_VERSION})", file)
    body = {k: v for k, v in data.items() if k not in ("apiVersion", "kind")}
    try:
        return from_data(p.MigrationPlan, body)
    except PlanFormatError as exc:
        raise InputError("plan.invalid", f"{exc}; fix the field or re-create the plan", file) from None


def read_plan(path: str) -> p.MigrationPlan:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except FileNotFoundError:
        raise InputError("plan.missing", "plan file not found; run `migrate plan` first or pass --plan", path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError("plan.yaml-syntax", f"the plan is not valid YAML ({getattr(exc, 'problem', exc)})",
                         SourceRef(path, mark.line + 1 if mark else 0)) from None
    return plan_from_data(data, path)


# ---- a small deterministic YAML writer --------------------------------------------------

_PLAIN = re.compile(r"^[A-Za-z_./][A-Za-z0-9_./@+-]*$")
_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
_DOT_FLOAT = re.compile(r"^\.(?:[0-9]|inf$|nan$)", re.IGNORECASE)  # .5, .inf, .NaN read as floats


_TEXTS: dict[str, str] = {}  # keys and values repeat across services: render each once
_TEXTS_MAX = 1 << 17


def _scalar(value: Any) -> str:
    if type(value) is str:
        text = _TEXTS.get(value)
        if text is None:
            text = _text(value)
            if len(value) < 80 and len(_TEXTS) < _TEXTS_MAX:
                _TEXTS[value] = text
        return text
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, int):
        return str(value)
    return _text(str(value))


def _float(value: float) -> str:
    if value != value:
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    # YAML 1.1 floats need a dot: 1e-05 would read back as a string
    if "." not in text:
        text = text.replace("e", ".0e") if "e" in text else text + ".0"
    return text


def _text(text: str) -> str:
    if _PLAIN.match(text) and text.lower() not in _RESERVED and not _DOT_FLOAT.match(text):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    # JSON leaves DEL, C1 controls, line separators and non-characters raw; YAML readers reject or fold them.
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def dump_yaml(data: Any) -> str:
    """Block-style YAML for plain data: mappings in insertion order, strings quoted as JSON
    when they could be misread. Output parses back to the same data with any YAML 1.1 loader."""
    lines: list[str] = []
    _emit(data, 0, lines)
    return "\n".join(lines) + "\n"


def _emit(value: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            out.append(pad + "{}")
            return
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                _emit_entry(f"{pad}{_scalar(key)}:", item, indent, out)
            else:  # most entries; written here to spare a call per line
                out.append(f"{pad}{_scalar(key)}: {_scalar(item)}")
    elif isinstance(value, list):
        if not value:
            out.append(pad + "[]")
            return
        for item in value:
            _emit_item(pad, item, indent, out)
    else:
        out.append(pad + _scalar(value))


def _emit_entry(head: str, item: Any, indent: int, out: list[str]) -> None:
    if not isinstance(item, (dict, list)):  # most entries: tested first
        out.append(f"{head} {_scalar(item)}")
    elif not item:
        out.append(f"{head} {'{}' if isinstance(item, dict) else '[]'}")
    elif isinstance(item, dict):
        out.append(head)
        _emit(item, indent + 2, out)
    elif len(item) <= 8 and not any(isinstance(x, (dict, list)) for x in item):
        out.append(f"{head} [{', '.join(_scalar(x) for x in item)}]")
    else:
        out.append(head)
        _emit(item, indent, out)


def _emit_item(pad: str, item: Any, indent: int, out: list[str]) -> None:
    if isinstance(item, dict) and item:
        lead = f"{pad}- "
        for key, value in item.items():
            if isinstance(value, (dict, list)):
                _emit_entry(f"{lead}{_scalar(key)}:", value, indent + 2, out)
            else:
                out.append(f"{lead}{_scalar(key)}: {_scalar(value)}")
            lead = f"{pad}  "
    elif isinstance(item, list) and item and all(not isinstance(x, (dict, list)) for x in item):
        out.append(f"{pad}- [{', '.join(_scalar(x) for x in item)}]")
    elif isinstance(item, list) and item:
        out.append(f"{pad}-")
        _emit(item, indent + 2, out)
    else:
        out.append(f"{pad}- {_scalar(item) if not isinstance(item, (dict, list)) else ('{}' if isinstance(item, dict) else '[]')}")
