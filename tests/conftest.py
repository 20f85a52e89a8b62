"""Shared test helpers: where the corpus is, and running the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Two shared cores and parallel workers: wall-clock deadlines would make property tests flaky
# without telling us anything about correctness.
settings.register_profile("migrator", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("migrator")

# The moto server and the bundled sample applied to it (tests/harness/README.md).
pytest_plugins = ["tests.harness.fixtures"]

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples" / "k8s"
SHARED = Path(os.environ.get("MIGRATOR_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: str | os.PathLike | None = None, env: dict | None = None,
            timeout: int = 600) -> CliResult:
    """Run `migrate` as a user would: a real process, so exit codes and stderr are real."""
    proc = subprocess.run(
        [sys.executable, "-m", "migrator.cli", *args],
        cwd=cwd, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (set MIGRATOR_SHARED)")
    return CORPUS
