"""`migrate emit --check`: `terraform fmt -check` and `terraform validate` on the output.

Runs the real terraform binary; without one the check is skipped with a reason, not failed.
`terraform init -backend=false` installs the provider as the user's Terraform configuration
says (TF_CLI_CONFIG_FILE, a mirror, or the registry)."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class CheckResult:
    step: str  # "fmt", "init envs/prod", "validate envs/prod", ...
    ok: bool
    output: str = ""


def _run(args: list[str], cwd: str, timeout: int = 600) -> tuple[bool, str]:
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1"}
    try:
        proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"{' '.join(args)} did not finish in {timeout}s"
    return proc.returncode == 0, (proc.stdout + proc.stderr).strip()


def check_tree(root: str, roots: list[str], terraform: str | None = None,
               on_step: Callable[[CheckResult], None] | None = None) -> list[CheckResult] | None:
    """Check the tree under `root`; `roots` are the root modules to validate (envs/prod, global).
    None when Terraform is not installed. `on_step` sees each result as soon as it is known
    (init and validate take seconds per root module)."""
    binary = terraform or shutil.which("terraform")
    if not binary:
        return None
    results: list[CheckResult] = []

    def record(step: str, ok: bool, output: str) -> bool:
        results.append(CheckResult(step, ok, output))
        if on_step:
            on_step(results[-1])
        return ok

    record("fmt", *_run([binary, "fmt", "-check", "-recursive", "-no-color"], root))
    for module in roots:
        folder = os.path.join(root, module)
        ok, output = _run([binary, "init", "-backend=false", "-input=false", "-no-color"], folder)
        if record(f"init {module}", ok, output if not ok else ""):
            ok, output = _run([binary, "validate", "-no-color"], folder)
            record(f"validate {module}", ok, output if not ok else "")
    return results
