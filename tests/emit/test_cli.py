import json

import pytest

from migrator import api
from migrator.emit.writer import MANIFEST
from tests.conftest import SAMPLES, run_cli
from tests.emit import plans


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("plan") / "migration-plan.yaml"
    api.write_plan(plans.full_plan(), str(path))
    return path


def test_emit_writes_the_tree_and_says_where_to_look_next(plan_file, tmp_path):
    out = tmp_path / "tf"
    result = run_cli("emit", "--plan", str(plan_file), "--env", "prod", "--out", str(out))
    assert result.code == 0, result.stderr
    assert (out / "envs/prod/services.auto.tfvars").is_file() and not (out / "envs/staging").exists()
    assert f"{out}: 48 written, 0 unchanged, 0 removed (prod); next: see {out}/README.md" in result.stdout
    staging = run_cli("emit", "--plan", str(plan_file), "--env", "staging", "--out", str(out))
    assert "migration-plan.yaml: emit.https-without-certificate staging: load balancer main" in staging.stdout
    assert "envs/prod/main.tf" in json.loads((out / MANIFEST).read_text())["files"]


def test_quiet_prints_only_the_result_line(plan_file, tmp_path):
    result = run_cli("emit", "-q", "--plan", str(plan_file), "--out", str(tmp_path))
    assert result.code == 0 and result.stdout.strip().count("\n") == 0


def test_verbose_lists_every_file(plan_file, tmp_path):
    result = run_cli("emit", "-v", "--plan", str(plan_file), "--env", "prod", "--out", str(tmp_path))
    assert f"wrote {tmp_path}/modules/alb/main.tf" in result.stdout


def test_a_hand_edited_file_is_named_and_not_overwritten(plan_file, tmp_path):
    assert run_cli("emit", "--plan", str(plan_file), "--out", str(tmp_path)).code == 0
    edited = tmp_path / "envs/prod/terraform.tfvars"
    edited.write_text(edited.read_text() + "az_count = 1\n")
    result = run_cli("emit", "--plan", str(plan_file), "--out", str(tmp_path))
    assert result.code == 1
    assert f"{edited}: emit.hand-edited" in result.stderr
    assert edited.read_text().endswith("az_count = 1\n")
    forced = run_cli("emit", "--force", "--plan", str(plan_file), "--out", str(tmp_path))
    assert forced.code == 0 and not edited.read_text().endswith("az_count = 1\n")


def test_re_emit_is_byte_identical(plan_file, tmp_path):
    run_cli("emit", "--plan", str(plan_file), "--out", str(tmp_path))
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    result = run_cli("emit", "--plan", str(plan_file), "--out", str(tmp_path))
    assert "0 written" in result.stdout
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("args, message", [
    (("--plan", "missing.yaml"), "plan.missing"),
    (("--env", "qa"), "emit.unknown-env"),
])
def test_bad_input_exits_2_with_one_line(plan_file, tmp_path, args, message):
    base = ["--plan", str(plan_file)] if args[0] != "--plan" else []
    result = run_cli("emit", *base, *args, "--out", str(tmp_path), cwd=tmp_path)
    assert result.code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_emit_plans_paths_itself(tmp_path):
    result = run_cli("emit", str(SAMPLES), "--env", "staging", "--out", str(tmp_path / "tf"))
    assert result.code == 0, result.stderr
    assert (tmp_path / "tf/envs/staging/services.auto.tfvars").is_file()


def test_help_describes_every_option():
    result = run_cli("emit", "--help")
    for option in ("--plan", "--env", "--out", "--force", "--check", "--verbose", "--quiet"):
        assert option in result.stdout
