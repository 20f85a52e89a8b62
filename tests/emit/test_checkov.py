"""checkov over the generated Terraform: every failing check is accepted, with a reason, by the
allow-list shipped in the generated README, and every allow-list entry is still needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from migrator import api
from migrator.emit.readme import checkov_allowlist
from migrator.emit.scan import judge, run_checkov
from migrator.emit.tree import terraform_files
from tests.conftest import REPO, SAMPLES
from tests.emit import plans
from tests.emit.conftest import write_files

pytestmark = pytest.mark.slow

CHECKOV_VENV = REPO / ".venv-checkov"  # its own virtualenv, shared with `make scan`


@pytest.fixture(scope="session")
def checkov() -> str:
    binary = CHECKOV_VENV / "bin" / "checkov"
    if not binary.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True, capture_output=True,
                           timeout=300)
            subprocess.run([str(CHECKOV_VENV / "bin" / "pip"), "install", "-q", "checkov>=3.2"], check=True,
                           capture_output=True, timeout=900)
        except (subprocess.SubprocessError, OSError) as exc:
            pytest.skip(f"checkov could not be installed into {CHECKOV_VENV}: {exc}")
    return str(binary)


@pytest.fixture(scope="module")
def scanned(checkov, tmp_path_factory):
    """The sample (both environments) and the hand-built plan that sets every field, in one run."""
    root = tmp_path_factory.mktemp("checkov")
    sample = api.plan_estate(api.PlanOptions(paths=(str(SAMPLES),))).plan
    write_files(root / "sample", terraform_files(sample)[0])
    write_files(root / "full", terraform_files(plans.full_plan())[0])
    return run_checkov(checkov, str(root))


def test_every_failing_check_is_allow_listed_and_every_entry_still_needed(scanned):
    """One test, so checkov runs once even when tests are spread over workers."""
    unlisted, unused = judge(scanned, checkov_allowlist())
    assert [str(f) for f in unlisted] == []
    assert unused == []


def test_every_allow_list_entry_has_a_one_line_reason():
    for entry in checkov_allowlist():
        assert entry["reason"].strip() and "\n" not in entry["reason"], entry["id"]
