"""Golden test: the generated variables for the hand-built plan (every plan field set), which is
what reviewers read in a pull request.

Regenerate only on purpose, then review the diff:
  MIGRATOR_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/emit/test_golden.py"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from migrator.emit.tree import terraform_files
from tests.emit import plans

GOLDEN = Path(__file__).parent / "golden"
FILES = ["envs/prod/terraform.tfvars", "envs/prod/services.auto.tfvars", "envs/prod/backend.tf",
         "envs/staging/terraform.tfvars", "global/terraform.tfvars"]


@pytest.fixture(scope="module")
def emitted() -> dict[str, str]:
    return terraform_files(plans.full_plan())[0]


@pytest.mark.parametrize("path", FILES)
def test_generated_file_matches_golden(emitted, path):
    golden = GOLDEN / path.replace("/", "__")
    if os.environ.get("MIGRATOR_REGEN_GOLDEN"):
        golden.write_text(emitted[path], encoding="utf-8")
    assert emitted[path] == golden.read_text(encoding="utf-8")
