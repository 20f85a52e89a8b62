"""migrate's own files (plan, ledger, emit manifest, project file) are never Kubernetes input."""

from __future__ import annotations

import pytest

from migrator.load.own_files import migrator_document, written_by_migrate

PLAN = "# Migration plan written by `migrate plan`. Review it\napiVersion: migrator/v1\nkind: MigrationPlan\n"
LEDGER = '{\n  "project": "app",\n  "classes": ["mapped", "approximated", "dropped", "needs-decision"],\n'


@pytest.mark.parametrize("path, text, skip, expected", [
    ("/in/migration-plan.yaml", PLAN, (), "a migration plan"),
    ("/in/renamed.yaml", "\ufeff" + PLAN, (), "a migration plan"),
    ("/in/L/ledger.json", LEDGER, (), "a coverage ledger"),
    ("/in/migrate.yaml", "apiVersion: migrator/v1\nkind: Project\n", (), None),  # by its apiVersion, later
    ("/in/db/migrate.yaml", "apiVersion: batch/v1\nkind: Job\n", (), None),  # a DB migration job
    ("/in/out/.migrator-manifest.json", '{"files": {}}', (), "the manifest `migrate emit` writes"),
    ("/in/plan.yaml", "apiVersion: v1\nkind: ConfigMap\n", ("/in/plan.yaml",), "an input or output file of this run"),
    ("/in/sub/../plan.yaml", "", ("/in/plan.yaml",), "an input or output file of this run"),
    ("/in/app.yaml", "apiVersion: v1\nkind: ConfigMap\n", ("/in/plan.yaml",), None),
    ("/in/app.json", '{"project": "x", "classes": ["a"]}', (), None),  # someone's JSON, not our ledger
    ("/in/app.yaml", "# Migration notes\nkind: Service\n", (), None),
])
def test_written_by_migrate(path, text, skip, expected):
    assert written_by_migrate(path, text, skip) == expected


@pytest.mark.parametrize("data, expected", [
    ({"apiVersion": "migrator/v1", "kind": "MigrationPlan"}, "MigrationPlan"),
    ({"apiVersion": "migrator/v1", "kind": "Project"}, "Project"),
    ({"apiVersion": "migrator/v2"}, "document"),
    ({"apiVersion": "migrator.example.com/v1", "kind": "Thing"}, None),  # someone's CRD
    ({"apiVersion": "migrator", "kind": "Thing"}, None),
    ({"apiVersion": "v1", "kind": "ConfigMap"}, None),
    (["apiVersion", "migrator/v1"], None),
    (None, None),
])
def test_migrator_document(data, expected):
    assert migrator_document(data) == expected

