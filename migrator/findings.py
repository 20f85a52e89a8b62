"""Findings are values: what the tool noticed, how much it matters, and where."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass


def display_path(path: str) -> str:
    """How a file is named in findings and plans: relative to the working folder when it is
    inside it (plans reviewed in a repository then read the same on every machine), else as is."""
    if not os.path.isabs(path):
        return path
    cwd = os.getcwd()
    if path.startswith(cwd + os.sep):
        return os.path.relpath(path, cwd)
    return path


@dataclass(frozen=True, order=True)
class SourceRef:
    """Where a thing came from: a file, a 1-based line (0 when unknown) and a YAML path."""

    file: str
    line: int = 0
    yaml_path: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def at(self, yaml_path: str, line: int | None = None) -> SourceRef:
        return SourceRef(self.file, self.line if line is None else line, yaml_path)


class Severity(enum.IntEnum):
    """Ordered so that `severity >= threshold` reads naturally."""

    INFO = 10
    WARNING = 20
    ERROR = 30

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}: use info, warning or error") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    source: SourceRef

    def __str__(self) -> str:
        return f"{self.source}: {self.code} {self.message}"

    def sort_key(self) -> tuple:
        return (self.source.file, self.source.line, self.code, self.message)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "file": self.source.file,
            "line": self.source.line,
            "yaml_path": self.source.yaml_path,
        }


def info(code: str, message: str, source: SourceRef) -> Finding:
    return Finding(code, Severity.INFO, message, source)


def warning(code: str, message: str, source: SourceRef) -> Finding:
    return Finding(code, Severity.WARNING, message, source)


def error(code: str, message: str, source: SourceRef) -> Finding:
    return Finding(code, Severity.ERROR, message, source)


class InputError(Exception):
    """Input the tool cannot work with at all: reported as one line, exit code 2."""

    def __init__(self, code: str, message: str, source: SourceRef | str):
        self.code = code
        self.message = message
        ref = source if isinstance(source, SourceRef) else SourceRef(str(source))
        self.source = SourceRef(display_path(ref.file), ref.line, ref.yaml_path)
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.source}: {self.code} {self.message}"
