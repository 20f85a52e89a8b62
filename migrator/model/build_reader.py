"""Typed access to one document's fields: a wrong type becomes a located finding, not a crash."""

from __future__ import annotations

from typing import Any, Callable

from migrator.findings import Finding, SourceRef, error
from migrator.load.documents import Document
from migrator.model import objects as m
from migrator.model.quantity import QuantityError


class Reader:
    """Reads one document's fields; every value of the wrong type is reported and ignored."""

    def __init__(self, doc: Document, findings: list[Finding]):
        self.doc = doc
        self.findings = findings

    def ref(self, *path: str | int) -> SourceRef:
        return self.doc.ref(*path)

    def map(self, value: Any, *path: str | int) -> dict:
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        self._wrong(path, "a mapping", value)
        return {}

    def list(self, value: Any, *path: str | int) -> list:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self._wrong(path, "a list", value)
        return []

    def str_map(self, value: Any, *path: str | int) -> dict[str, str]:
        return {str(k): "" if v is None else str(v) for k, v in self.map(value, *path).items()}

    def int(self, value: Any, *path: str | int) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self._wrong(path, "a number", value)
            return None
        try:
            return int(value)
        except ValueError:
            self._wrong(path, "a number", value)
            return None

    def int_or_str(self, value: Any) -> int | str | None:
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        text = str(value)
        return int(text) if text.isdigit() else text

    def quantity(self, value: Any, convert: Callable[[Any], int], *path: str | int) -> int | None:
        if value is None:
            return None
        try:
            return convert(value)
        except QuantityError as exc:
            self.findings.append(error("model.bad-quantity", f"{exc}; the value is ignored",
                                       self.ref(*path)))
            return None

    def _wrong(self, path: tuple, expected: str, value: Any) -> None:
        self.findings.append(error(
            "model.wrong-type",
            f"{'.'.join(map(str, path)) or 'document'} should be {expected}, "
            f"not {type(value).__name__}; the field is ignored",
            self.ref(*path)))


def read_meta(r: Reader, obj: dict) -> m.Meta:
    """An object's metadata: name (or generateName), namespace, labels, annotations."""
    meta = r.map(obj.get("metadata"), "metadata")
    return m.Meta(
        name=str(meta.get("name") or meta.get("generateName") or "unnamed"),
        namespace=str(meta.get("namespace") or "default"),
        labels=r.str_map(meta.get("labels"), "metadata", "labels"),
        annotations=r.str_map(meta.get("annotations"), "metadata", "annotations"),
    )


def yaml_text(value: Any) -> str:
    """A scalar as Kubernetes sees it in a string field: YAML booleans read true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
