import json
import os

import pytest

from migrator.emit import writer
from migrator.emit.writer import MANIFEST, write_tree
from tests.conftest import REPO

SCOPE = ("modules/", "envs/prod/", "README.md")


def tree(**overrides):
    files = {"modules/a/main.tf": "# a\n", "envs/prod/main.tf": "# prod\n", "README.md": "# readme\n"}
    files.update(overrides)
    return {k: v for k, v in files.items() if v is not None}


def snapshot(root):
    out = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, root)] = fh.read()
    return out


def test_first_write_creates_files_and_a_manifest_of_hashes(tmp_path):
    result = write_tree(str(tmp_path), tree(), SCOPE)
    assert result.written == ("README.md", "envs/prod/main.tf", "modules/a/main.tf")
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    assert manifest["files"]["modules/a/main.tf"] == writer.digest(b"# a\n")


def test_rewriting_the_same_tree_changes_no_byte(tmp_path):
    write_tree(str(tmp_path), tree(), SCOPE)
    before = snapshot(tmp_path)
    result = write_tree(str(tmp_path), tree(), SCOPE)
    assert result.written == () and len(result.unchanged) == 3
    assert snapshot(tmp_path) == before


def test_a_hand_edited_file_stops_the_run_and_nothing_is_written(tmp_path):
    write_tree(str(tmp_path), tree(), SCOPE)
    (tmp_path / "modules/a/main.tf").write_text("# a, tuned by hand\n")
    before = snapshot(tmp_path)
    result = write_tree(str(tmp_path), tree(**{"envs/prod/main.tf": "# prod v2\n", "modules/a/main.tf": "# a v2\n"}),
                        SCOPE)
    assert result.conflicts == ("modules/a/main.tf",) and result.written == ()
    assert snapshot(tmp_path) == before


def test_force_overwrites_the_hand_edit(tmp_path):
    write_tree(str(tmp_path), tree(), SCOPE)
    (tmp_path / "modules/a/main.tf").write_text("# a, tuned by hand\n")
    result = write_tree(str(tmp_path), tree(), SCOPE, force=True)
    assert result.written == ("modules/a/main.tf",)
    assert (tmp_path / "modules/a/main.tf").read_text() == "# a\n"


def test_a_file_emit_did_not_write_is_never_overwritten_or_removed(tmp_path):
    (tmp_path / "envs/prod").mkdir(parents=True)
    (tmp_path / "envs/prod/main.tf").write_text("# mine\n")
    (tmp_path / "envs/prod/network.auto.tfvars").write_text("existing_vpc = null\n")
    result = write_tree(str(tmp_path), tree(), SCOPE)
    assert result.conflicts == ("envs/prod/main.tf",)
    write_tree(str(tmp_path), tree(**{"envs/prod/main.tf": None}), SCOPE)
    assert (tmp_path / "envs/prod/main.tf").read_text() == "# mine\n"
    assert (tmp_path / "envs/prod/network.auto.tfvars").read_text() == "existing_vpc = null\n"


def test_the_placeholder_readme_kept_in_git_is_replaced_by_the_first_emit(tmp_path):
    placeholder = (REPO / "terraform_out" / "README.md").read_bytes()
    (tmp_path / "README.md").write_bytes(placeholder)
    result = write_tree(str(tmp_path), tree(), SCOPE)
    assert result.conflicts == () and "README.md" in result.written
    assert (tmp_path / "README.md").read_text() == "# readme\n"


def test_files_no_longer_generated_are_removed_unless_edited(tmp_path):
    write_tree(str(tmp_path), tree(**{"modules/b/main.tf": "# b\n", "modules/c/main.tf": "# c\n"}), SCOPE)
    (tmp_path / "modules/c/main.tf").write_text("# c, edited\n")
    result = write_tree(str(tmp_path), tree(), SCOPE)
    assert result.removed == ("modules/b/main.tf",) and result.kept == ("modules/c/main.tf",)
    assert not (tmp_path / "modules/b/main.tf").exists() and (tmp_path / "modules/c/main.tf").exists()


def test_files_outside_the_scope_of_this_run_stay(tmp_path):
    write_tree(str(tmp_path), tree(**{"envs/staging/main.tf": "# staging\n"}),
               SCOPE + ("envs/staging/",))
    write_tree(str(tmp_path), tree(), SCOPE)
    assert (tmp_path / "envs/staging/main.tf").read_text() == "# staging\n"
    assert "envs/staging/main.tf" in json.loads((tmp_path / MANIFEST).read_text())["files"]


@pytest.mark.parametrize("fail_at", [1, 2, 4])
def test_a_failure_part_way_leaves_the_previous_tree_untouched(tmp_path, monkeypatch, fail_at):
    write_tree(str(tmp_path), tree(), SCOPE)
    before = snapshot(tmp_path)
    real_replace, installs = os.replace, []

    def flaky_replace(src, dst):
        if not str(dst).endswith(".emit-backup") and not installs.count("failed"):
            installs.append(dst)
            if len(installs) == fail_at:
                installs.append("failed")
                raise OSError("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(writer.os, "replace", flaky_replace)
    with pytest.raises(OSError, match="disk full"):
        write_tree(str(tmp_path), {k: v + "# v2\n" for k, v in tree().items()}, SCOPE)
    monkeypatch.setattr(writer.os, "replace", real_replace)
    assert snapshot(tmp_path) == before


def test_a_failure_while_staging_leaves_no_temporary_files(tmp_path, monkeypatch):
    write_tree(str(tmp_path), tree(), SCOPE)
    before = snapshot(tmp_path)
    real_fdopen, opened = os.fdopen, []

    def failing_fdopen(fd, *args, **kwargs):
        opened.append(fd)
        if len(opened) == 2:
            os.close(fd)
            raise OSError("no space left")
        return real_fdopen(fd, *args, **kwargs)

    monkeypatch.setattr(writer.os, "fdopen", failing_fdopen)
    with pytest.raises(OSError):
        write_tree(str(tmp_path), {k: v + "# v2\n" for k, v in tree().items()}, SCOPE)
    assert snapshot(tmp_path) == before
