"""The options the `migrate` commands share, and how option values are parsed.

Typer renders every option with its Python type (`<int>`, `<bool>`); for flags and the counting
`-v` that reads as if they took a value, so they get an empty metavar here.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import typer

from migrator.findings import Severity
from migrator.ledger import CLASSES as LEDGER_CLASSES

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


class Format(str, Enum):
    table = "table"
    json = "json"
    md = "md"


class SizeFrom(str, Enum):
    requests = "requests"
    limits = "limits"
    max = "max"


def flag(*names: str, help: str, **kwargs: Any) -> Any:
    """An on/off option: `--dry-run`, not `--dry-run <bool>`."""
    return typer.Option(False, *names, metavar="", help=help, **kwargs)


def verbose_option(help: str) -> Any:
    """`-v`: counted, so `-vv` is accepted; shown as a flag, without a type or a default."""
    return typer.Option(0, "--verbose", "-v", count=True, metavar="", show_default=False, help=help)


def quiet_option(help: str) -> Any:
    return flag("--quiet", "-q", help=help)


def format_option(help: str) -> Any:
    return typer.Option(Format.table, "--format", "-f", help=help)


def fail_thresholds(text: str) -> tuple[Severity | None, str | None]:
    """`--fail-on`: severities and ledger classes, comma-separated; `never` alone disables both."""
    words = [w.strip().lower() for w in text.split(",") if w.strip()]
    if words == ["never"]:
        return None, None
    unknown = [w for w in words if w not in LEDGER_CLASSES and w != "never" and w.upper() not in Severity.__members__]
    if unknown:
        raise ValueError(f"unknown value {unknown[0]!r}: give one severity (info, warning, error) and/or one "
                         "ledger class (approximated, dropped, needs-decision), or never")
    severities = [Severity.parse(w) for w in words if w not in LEDGER_CLASSES and w != "never"]
    classes = [w for w in words if w in LEDGER_CLASSES and w != "mapped"]
    if "never" in words or len(severities) > 1 or len(classes) > 1 or (not severities and not classes):
        raise ValueError(f"{text!r}: give one severity (info, warning, error) and/or one ledger class "
                         "(approximated, dropped, needs-decision), or never")
    return (severities[0] if severities else Severity.ERROR), (classes[0] if classes else None)
