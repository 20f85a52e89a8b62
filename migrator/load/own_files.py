"""Files migrate writes or reads as settings are never Kubernetes input.

`migrate plan .` writes migration-plan.yaml (and maybe a ledger) into the folder it reads, so a
second run would otherwise plan last run's plan: re-planning must give the same plan, byte for
byte, so files recognised as migrate's own (by this run's paths, name or first lines) are skipped
without a finding. A document in migrate's API group inside some other file (a plan pasted into
a manifest) is skipped with an info finding naming its line.
"""

from __future__ import annotations

import os
from typing import Any, Iterable

from migrator.findings import Finding, SourceRef, display_path, info

API_GROUP = "migrator"  # apiVersion migrator/v1: the plan (MigrationPlan) and migrate.yaml (Project)
# Only names nobody else uses: a `migrate.yaml` may be someone's database-migration Job, so the
# project file is skipped as this run's --config/found file or by its apiVersion, not by name.
NAMES = {".migrator-manifest.json": "the manifest `migrate emit` writes"}
PLAN_HEADER = "# Migration plan written by `migrate plan`"
LEDGER_HEAD = ('"project":', '"classes": ["mapped"')  # the first lines of ledger.json
HEAD = 400  # characters enough to recognise a header


def written_by_migrate(path: str, text: str, skip: Iterable[str] = ()) -> str | None:
    """What migrate wrote `path` as (or reads it as), from its path, name or first lines; else None.
    `skip` holds absolute paths of this run's own files (--out, --ledger, --config)."""
    if os.path.abspath(path) in {os.path.abspath(p) for p in skip}:
        return "an input or output file of this run"
    name = NAMES.get(os.path.basename(path))
    if name:
        return name
    head = text[:HEAD].lstrip("\ufeff")
    if head.startswith(PLAN_HEADER):
        return "a migration plan"
    if head.lstrip().startswith("{") and all(mark in head for mark in LEDGER_HEAD):
        return "a coverage ledger"
    return None


def migrator_document(data: Any) -> str | None:
    """The kind of a document in migrate's own API group (MigrationPlan, Project), else None."""
    if not isinstance(data, dict):
        return None
    api_version = data.get("apiVersion")
    if isinstance(api_version, str) and api_version.split("/", 1)[0] == API_GROUP and "/" in api_version:
        return str(data.get("kind") or "document")
    return None


def skipped_document(source: SourceRef, kind: str, api_version: str) -> Finding:
    return info("load.migrator-file", f"{kind} ({api_version}) is migrate's own file format, not a Kubernetes "
                "object; skipped", source)
