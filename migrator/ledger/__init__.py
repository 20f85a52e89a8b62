"""The coverage ledger: every field of every input object, classified as mapped, approximated,
dropped or needs-decision, with its SourceRef. Nothing is left unclassified.

`build_ledger(documents, findings, tables)` is pure; `coverage_tables()` reads
mappings/coverage.yaml; `render` writes the full ledger as JSON and Markdown.
"""

from migrator.ledger.tables import CLASSES, RANK, UNCLASSIFIED, CoverageTables, compile_tables, coverage_tables
from migrator.ledger.walk import Ledger, LedgerEntry, build_ledger, resolve_path

__all__ = ["CLASSES", "RANK", "UNCLASSIFIED", "CoverageTables", "Ledger", "LedgerEntry", "build_ledger",
           "compile_tables", "coverage_tables", "resolve_path", "fails"]


def fails(counts: dict[str, int], threshold: str) -> bool:
    """True when any field is classified at or above `threshold` (a class name)."""
    return any(n for name, n in counts.items() if name in RANK and RANK[name] >= RANK[threshold]) or \
        bool(counts.get(UNCLASSIFIED))
