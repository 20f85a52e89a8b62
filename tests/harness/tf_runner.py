"""Run the real `terraform` binary in one root module, timed, for end-to-end apply tests.

The provider comes from the local mirror through the CLI config that `tests.harness.mirror`
writes (no network); this module only adds the apply / plan / destroy steps and their timing.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.harness import mirror


@dataclass(frozen=True)
class TerraformRun:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str
    seconds: float

    def describe(self, tail: int = 6000) -> str:
        return (f"terraform {' '.join(self.args)} exited {self.code} after {self.seconds:.0f}s\n"
                f"--- stdout (tail) ---\n{self.stdout[-tail:]}\n--- stderr ---\n{self.stderr[-tail:]}")


class Terraform:
    """terraform in `workdir`: no prompts, no colour, provider from the mirror only."""

    def __init__(self, workdir: Path, cli_config: Path, extra_env: dict[str, str],
                 parallelism: int = 20):
        self.workdir = Path(workdir)
        self.parallelism = parallelism
        self.env = {**mirror.terraform_env(cli_config), **extra_env}
        self.runs: list[TerraformRun] = []

    def run(self, *args: str, timeout: float = 1200) -> TerraformRun:
        start = time.monotonic()
        proc = subprocess.run(["terraform", *args], cwd=self.workdir, env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        result = TerraformRun(tuple(args), proc.returncode, proc.stdout, proc.stderr,
                              time.monotonic() - start)
        self.runs.append(result)
        return result

    def init(self) -> TerraformRun:
        return self.run("init", "-input=false", "-no-color")

    def apply(self) -> TerraformRun:
        return self.run("apply", "-auto-approve", "-input=false", "-no-color",
                        f"-parallelism={self.parallelism}")

    def plan(self) -> TerraformRun:
        """`plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error."""
        return self.run("plan", "-detailed-exitcode", "-input=false", "-no-color",
                        f"-parallelism={self.parallelism}")

    def destroy(self, refresh: bool = True) -> TerraformRun:
        return self.run("destroy", "-auto-approve", "-input=false", "-no-color",
                        f"-refresh={str(refresh).lower()}", f"-parallelism={self.parallelism}")

    def timings(self) -> dict[str, float]:
        return {run.args[0]: round(run.seconds, 1) for run in self.runs}
