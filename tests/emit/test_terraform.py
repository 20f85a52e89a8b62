"""The generated Terraform against the real terraform binary and AWS provider (local mirror):
for the bundled sample and every corpus app, every environment is `terraform fmt` clean, inits
with `-backend=false`, validates, and plans offline with a mocked provider."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from migrator import api
from migrator.emit import hcl
from migrator.emit.tree import terraform_files
from tests.conftest import CORPUS, SAMPLES
from tests.emit import plans
from tests.emit.conftest import write_files
from tests.harness import mirror

pytestmark = pytest.mark.slow

# "every-field" is the hand-built plan that sets every plan field (tests/emit/plans.py).
CASES = ["every-field", "sample", *sorted(p.name for p in CORPUS.iterdir() if (p / "src").is_dir())] if CORPUS.is_dir() \
    else ["every-field", "sample"]


def case_paths(case: str) -> tuple[str, ...]:
    return (str(SAMPLES),) if case == "sample" else (str(CORPUS / case / "src"),)


@pytest.fixture(scope="module", params=CASES)
def emitted(request, tmp_path_factory, tf_env) -> tuple[Path, list[str], str]:
    if request.param == "every-field":
        plan = plans.full_plan()
    else:
        plan = api.plan_estate(api.PlanOptions(paths=case_paths(request.param))).plan
    files, _ = terraform_files(plan)
    root = write_files(tmp_path_factory.mktemp(request.param), files)
    return root, sorted(p.name for p in (root / "envs").iterdir()), request.param


def test_fmt_is_clean(emitted, tf_env):
    root, _, _ = emitted
    result = mirror.terraform(["fmt", "-check", "-recursive", "-diff"], root, tf_env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_root_inits_against_the_mirror_and_validates(emitted, tf_env):
    root, envs, case = emitted
    # global/ is the same code for every estate (only its tfvars differ): validating it once is enough.
    for folder in [*(root / "envs" / e for e in envs), *([root / "global"] if case == "sample" else [])]:
        init = mirror.terraform(["init", "-backend=false", "-input=false"], folder, tf_env)
        assert init.returncode == 0, f"{folder}: {init.stderr}"
        validate = mirror.terraform(["validate"], folder, tf_env)
        assert validate.returncode == 0, f"{folder}: {validate.stdout}{validate.stderr}"


def test_every_environment_plans_offline(emitted, tf_env, tmp_path):
    """`validate` does not read the tfvars; a plan with a mocked provider does: every value is
    type-checked and every expression, for_each and precondition evaluated."""
    root, envs, _ = emitted
    copy = Path(shutil.copytree(root, tmp_path / "tree", ignore=shutil.ignore_patterns(".terraform*")))
    for env in envs:
        folder = copy / "envs" / env
        mirror.prepare_offline_plan(folder)
        init = mirror.terraform(["init", "-input=false"], folder, tf_env)
        assert init.returncode == 0, f"{env}: {init.stderr}"
        test = mirror.terraform(["test"], folder, tf_env)
        assert test.returncode == 0, f"{env}: {test.stdout[-4000:]}{test.stderr[-4000:]}"


ALPHABET = "aZ09 _-./:${}%\"\\\n\t\u00e9\u2603"


def _random_value(rng: random.Random, depth: int = 0):
    kind = rng.choice(["str", "int", "float", "bool", "list", "map"] if depth < 3 else ["str", "int", "bool"])
    if kind == "str":
        return _random_text(rng)
    if kind == "int":
        return rng.randint(-10**6, 10**6)
    if kind == "float":
        return rng.randint(-1000, 1000) / 8
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "list":
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return hcl.Map((_random_text(rng) if rng.random() < 0.5 else f"k{i}", _random_value(rng, depth + 1))
                   for i in range(rng.randint(0, 3)))


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12)))


def test_hcl_writer_round_trips_through_terraform(tmp_path, tf_env):
    """Random nested values (with quotes, backslashes, `${`, `%{`, newlines, unicode) written as
    tfvars are fmt clean and read back by Terraform as the same values."""
    rng = random.Random(20240611)
    values = [hcl.Map((f"v{i}", _random_value(rng)) for i in range(4)) for _ in range(60)]
    (tmp_path / "main.tf").write_text('variable "values" {\n  type = any\n}\n\noutput "values" {\n'
                                      '  value = jsonencode(var.values)\n}\n')
    (tmp_path / "terraform.tfvars").write_text(hcl.tfvars({"values": values}))
    fmt = mirror.terraform(["fmt", "-check", "-diff"], tmp_path, tf_env)
    assert fmt.returncode == 0, fmt.stdout
    shown = _console(tmp_path, tf_env, "jsonencode(var.values)")
    assert json.loads(json.loads(shown)) == json.loads(json.dumps(values))


def _console(folder: Path, env: dict, expression: str) -> str:
    import subprocess

    result = subprocess.run(["terraform", "console", "-no-color"], input=expression + "\n", cwd=folder, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_emit_check_runs_fmt_and_validate(tmp_path, tf_env):
    from tests.conftest import run_cli

    plan_file = tmp_path / "migration-plan.yaml"
    api.write_plan(plans.minimal_plan(), str(plan_file))
    out = tmp_path / "tf"
    env = {"TF_CLI_CONFIG_FILE": tf_env["TF_CLI_CONFIG_FILE"]}
    ok = run_cli("emit", "--check", "--plan", str(plan_file), "--out", str(out), env=env)
    assert ok.code == 0, ok.stderr
    assert "fmt: ok" in ok.stdout and "validate envs/default: ok" in ok.stdout and "validate global: ok" in ok.stdout
    assert "--check: terraform fmt, then init and validate in 2 root module(s)" in ok.stderr
    # A file of the user's own that breaks the configuration: emit leaves it alone, --check fails.
    (out / "envs/default/mine.tf").write_text('output "broken" {\n  value = var.nope\n}\n')
    broken = run_cli("emit", "--check", "--plan", str(plan_file), "--out", str(out), env=env)
    assert broken.code == 1
    assert "validate envs/default: failed" in broken.stderr and "var.nope" in broken.stderr


def test_check_reports_each_step_as_it_ends(tmp_path, tf_env, monkeypatch):
    from migrator.emit.check import check_tree

    monkeypatch.setenv("TF_CLI_CONFIG_FILE", tf_env["TF_CLI_CONFIG_FILE"])
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "main.tf").write_text('output "x" {\n  value = 1\n}\n')
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "main.tf").write_text('output "y" {\n  value = var.nope\n}\n')
    seen = []
    results = check_tree(str(tmp_path), ["a", "b"], on_step=lambda step: seen.append((step.step, step.ok)))
    assert seen == [(r.step, r.ok) for r in results]
    assert seen == [("fmt", True), ("init a", True), ("validate a", True), ("init b", True), ("validate b", False)]
