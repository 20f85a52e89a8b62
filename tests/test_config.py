"""Where `migrate plan` finds migrate.yaml: the nearest one in the first path's folder or a
folder above it, never above the working folder or outside the git repository."""

from __future__ import annotations

import os

import pytest

from migrator.config import find_project_file


@pytest.mark.parametrize("layout, cwd, path, found", [
    # beside the chart folder, in the working folder: `cd project && migrate plan podinfo`
    (("migrate.yaml", "podinfo/Chart.yaml"), "", "podinfo", "migrate.yaml"),
    (("migrate.yaml", "podinfo/Chart.yaml", "podinfo/migrate.yaml"), "", "podinfo", "podinfo/migrate.yaml"),
    (("migrate.yaml", "k8s/apps/web.yaml"), "", "k8s/apps/web.yaml", "migrate.yaml"),
    # never above the working folder
    (("migrate.yaml", "work/k8s/web.yaml"), "work", "k8s", None),
    # outside the working folder: up to the repository root
    ((".git/HEAD", "migrate.yaml", "k8s/apps/web.yaml", "elsewhere/x"), "elsewhere", "../k8s/apps",
     "../migrate.yaml"),
    (("migrate.yaml", "k8s/apps/web.yaml", "elsewhere/x"), "elsewhere", "../k8s/apps", None),
])
def test_nearest_project_file(tmp_path, monkeypatch, layout, cwd, path, found):
    for name in layout:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    monkeypatch.chdir(tmp_path / cwd)
    assert find_project_file([path], None) == found


def test_absolute_paths_give_absolute_project_files(tmp_path, monkeypatch):
    (tmp_path / "podinfo").mkdir()
    (tmp_path / "migrate.yaml").write_text("")
    monkeypatch.chdir(tmp_path)
    assert find_project_file([str(tmp_path / "podinfo")], None) == os.path.join(tmp_path, "migrate.yaml")
