"""The harness proven on a small hand-written Fargate stack, independently of `migrate emit`:
every resource kind the emitted modules use applies to the patched moto server, the plan
after apply is empty, and destroy removes it all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.harness.moto_server import MotoServer, boto_env, write_provider_override
from tests.harness.tf_runner import Terraform

STACK = Path(__file__).parent / "fargate_stack"
APPLY_BUDGET_SECONDS = 420  # ~90 s on an idle machine; the provider's own waits are ~80 s of it


@pytest.mark.slow
def test_fargate_stack_applies_plans_empty_and_destroys(terraform_cli_config, tmp_path):
    root = shutil.copytree(STACK, tmp_path / "stack")
    with MotoServer(tmp_path / "moto.log") as server:
        write_provider_override(root, server.endpoint)
        terraform = Terraform(root, terraform_cli_config, boto_env())
        for step in (terraform.init, terraform.apply):
            result = step()
            assert result.code == 0, f"{result.describe()}\n--- moto log ---\n{server.log_tail()}"
        plan = terraform.plan()
        destroy = terraform.destroy(refresh=False)
        log = server.log_path.read_text(errors="replace")
    assert plan.code == 0, f"plan after apply is not empty:\n{plan.describe()}"
    assert destroy.code == 0, destroy.describe()
    assert "NotImplementedError" not in log, "the provider called an action moto lacks"
    assert terraform.runs[1].seconds < APPLY_BUDGET_SECONDS, terraform.timings()
