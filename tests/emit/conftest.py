"""Fixtures for emit tests: Terraform against the local provider mirror (one CLI config and
plugin cache per test process), and emitted trees of the bundled sample and the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness import mirror


@pytest.fixture(scope="session")
def tf_env(tmp_path_factory) -> dict[str, str]:
    reason = mirror.skip_reason()
    if reason:
        pytest.skip(reason)
    return mirror.terraform_env(mirror.write_cli_config(tmp_path_factory.mktemp("terraform")))


def write_files(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root
