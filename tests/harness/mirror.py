"""Terraform without the network: the local provider mirror, a CLI config that uses only it,
and a shared plugin cache so that many `terraform init`s link one provider copy.

`terraform_env(workdir)` is what tests pass as the environment of a terraform process. A moto
server fixture adds its own provider override file (`endpoints {}`) to a root module and
reuses this environment unchanged.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"
MIRROR_CANDIDATES = ("/opt/tf-plugins", "/usr/share/tf-plugins", "/usr/local/share/tf-plugins")


def provider_mirror() -> Path | None:
    """The first filesystem mirror that holds the AWS provider (TF_PLUGIN_MIRROR wins)."""
    for candidate in filter(None, (os.environ.get("TF_PLUGIN_MIRROR", ""), *MIRROR_CANDIDATES)):
        if (Path(candidate) / AWS_PROVIDER).is_dir():
            return Path(candidate)
    return None


def skip_reason() -> str | None:
    """Why Terraform tests cannot run here, or None when they can."""
    if shutil.which("terraform") is None:
        return "terraform is not installed"
    if provider_mirror() is None:
        return (f"no provider mirror with {AWS_PROVIDER} in {', '.join(MIRROR_CANDIDATES)} "
                "(set TF_PLUGIN_MIRROR to one)")
    return None


def write_cli_config(folder: Path) -> Path:
    """A CLI config that installs the AWS provider from the mirror only, with a plugin cache."""
    mirror = provider_mirror()
    cache = folder / "plugin-cache"
    cache.mkdir(parents=True, exist_ok=True)
    config = folder / "terraform.rc"
    config.write_text(
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{mirror}"\n'
        f'    include = ["{AWS_PROVIDER}"]\n'
        "  }\n"
        "}\n"
        f'plugin_cache_dir = "{cache}"\n')
    return config


def terraform_env(cli_config: Path) -> dict[str, str]:
    return {**os.environ, "TF_CLI_CONFIG_FILE": str(cli_config), "TF_IN_AUTOMATION": "1", "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1", "TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE": "1"}


def terraform(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(["terraform", *args, "-no-color"] if args[0] != "fmt" else ["terraform", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


LOCAL_BACKEND = 'terraform {\n  backend "local" {}\n}\n'

# `terraform test` with a mocked AWS provider plans the whole environment offline: every
# expression, for_each and precondition is evaluated, which `validate` does not do.
MOCK_PLAN_TEST = """mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = {
      names = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{}"
    }
  }
}

variables {
  efs_file_system_id = "fs-0123456789abcdef0"
}

run "plan" {
  command = plan
}
"""


def prepare_offline_plan(env_dir: Path) -> None:
    """Make a copy of an environment root plannable offline: local backend, mocked provider."""
    (env_dir / "backend_override.tf").write_text(LOCAL_BACKEND)
    (env_dir / "tests").mkdir(exist_ok=True)
    (env_dir / "tests" / "offline.tftest.hcl").write_text(MOCK_PLAN_TEST)
