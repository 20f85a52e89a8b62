"""Bad input through the real CLI: one line `file:line: CODE message` on stderr (or the path
where there is no line), exit code 2, no traceback, and no plan file written.

Each case builds a small variant of one valid input in tmp_path and says where the error is.
"""

from __future__ import annotations

import os

import re
import shutil
from pathlib import Path
from typing import Callable

import pytest

from tests.conftest import run_cli
from tests.load.chartkit import DEPLOYMENT, write_chart

ERROR_LINE = re.compile(r"^(?P<file>.+?)(?::(?P<line>\d+))?: (?P<code>[a-z][a-z0-9-]*\.[a-z0-9.-]+) (?P<message>.+)$")

DEPLOYMENT_YAML = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: shop/api:1.0
          resources:
            requests: {cpu: 250m}
          resources:
            limits: {cpu: 500m}
"""


def _raw(text: str | bytes) -> Callable[[Path], tuple[list[str], str, int | None]]:
    def build(tmp: Path):
        path = tmp / "k8s" / "app.yaml"
        path.parent.mkdir()
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        return [str(tmp / "k8s")], str(path), None
    return build


def _case_broken_yaml(tmp):
    args, file, _ = _raw("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n   bad: indent\n")(tmp)
    return args, file, 5


def _case_duplicate_key(tmp):
    args, file, _ = _raw(DEPLOYMENT_YAML)(tmp)
    return args, file, 13


def _case_unknown_api_version(tmp):
    args, file, _ = _raw(DEPLOYMENT_YAML.replace("apps/v1", "apps/v9").replace(
        "          resources:\n            limits: {cpu: 500m}\n", ""))(tmp)
    return args, file, 1


def _case_unknown_core_kind(tmp):
    args, file, _ = _raw("apiVersion: v1\nkind: ConfigMapp\nmetadata: {name: a}\n")(tmp)
    return args, file, 2


def _case_template_fails(tmp):
    chart = write_chart(tmp, templates={"deployment.yaml": DEPLOYMENT.replace(
        "{{ .Values.image | quote }}", '{{ required "set image.tag" .Values.tag }}')})
    return [str(chart)], str(chart / "templates" / "deployment.yaml"), 15


def _case_missing_dependency(tmp):
    chart = write_chart(tmp, chart_extra="dependencies:\n  - name: postgresql\n    version: 15.5.0\n"
                        "    repository: oci://registry-1.docker.io/bitnamicharts\n")
    return [str(chart)], str(chart / "Chart.yaml"), 4


def _case_broken_chart_yaml(tmp):
    chart = write_chart(tmp)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: shop\nversion: [0.1.0\n")
    return [str(chart)], str(chart / "Chart.yaml"), 4


def _case_missing_values_file(tmp):
    write_chart(tmp)
    (tmp / "migrate.yaml").write_text("environments:\n  prod:\n    helm:\n      shop:\n"
                                      "        values: [shop/values-prod.yaml]\n")
    return [str(tmp)], str(tmp / "migrate.yaml"), 5


def _case_bad_set(tmp):
    write_chart(tmp)
    (tmp / "migrate.yaml").write_text("environments:\n  prod:\n    helm:\n      shop:\n"
                                      "        set:\n          - replicas=2\n          - image.tag\n")
    return [str(tmp)], str(tmp / "migrate.yaml"), 7


def _case_missing_path(tmp):
    return [str(tmp / "nowhere")], str(tmp / "nowhere"), None


def _case_empty_folder(tmp):
    (tmp / "empty").mkdir()
    return [str(tmp / "empty")], str(tmp / "empty"), None


def _case_not_utf8(tmp):
    return _raw("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: caf\xe9\n".encode("latin-1"))(tmp)


def _case_kustomize_fails(tmp):
    if not (shutil.which("kubectl") or shutil.which("kustomize")):
        pytest.skip("kubectl or kustomize is needed to render kustomizations")
    (tmp / "overlay").mkdir()
    (tmp / "overlay" / "kustomization.yaml").write_text("resources:\n- deployment.yaml\n")
    return [str(tmp / "overlay")], str(tmp / "overlay" / "kustomization.yaml"), 2  # the missing item


def _case_missing_overlay(tmp):
    _raw("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")(tmp)
    (tmp / "k8s" / "migrate.yaml").write_text("environments:\n  prod:\n    overlays:\n      - overlays/prod\n")
    return [str(tmp / "k8s")], str(tmp / "k8s" / "migrate.yaml"), 4


CASES = [
    ("broken YAML", _case_broken_yaml, "load.yaml-syntax"),
    ("duplicate keys", _case_duplicate_key, "load.duplicate-key"),
    ("unknown apiVersion", _case_unknown_api_version, "load.unknown-api-version"),
    ("unknown kind in a core group", _case_unknown_core_kind, "load.unknown-kind"),
    ("chart template fails", _case_template_fails, "helm.render"),
    ("missing chart dependency", _case_missing_dependency, "helm.missing-dependency"),
    ("broken Chart.yaml", _case_broken_chart_yaml, "load.yaml-syntax"),
    ("missing values file", _case_missing_values_file, "helm.missing-values"),
    ("bad --set in migrate.yaml", _case_bad_set, "helm.bad-set"),
    ("path does not exist", _case_missing_path, "load.missing-path"),
    ("empty folder", _case_empty_folder, "load.empty"),
    ("non-UTF-8 file", _case_not_utf8, "load.not-text"),
    ("kustomize fails", _case_kustomize_fails, "kustomize.render"),
    ("overlay in migrate.yaml missing", _case_missing_overlay, "load.missing-path"),
]


@pytest.mark.parametrize("name, build, code", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_located_line_and_exit_2(tmp_path, name, build, code):
    args, file, line = build(tmp_path)
    plan = tmp_path / "out" / "plan.yaml"
    result = run_cli("plan", *args, "--out", str(plan), cwd=tmp_path)
    assert result.code == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    match = ERROR_LINE.match(lines[0])
    assert match, lines[0]
    # files inside the folder migrate ran in are named relative to it, as a user typed them
    expected_file = os.path.relpath(file, tmp_path) if str(file).startswith(f"{tmp_path}{os.sep}") else file
    assert (match["file"], int(match["line"]) if match["line"] else None, match["code"]) == (expected_file, line, code)
    assert not plan.exists() and not (tmp_path / "out").exists()


def test_bad_input_with_format_json_also_prints_the_error_as_json(tmp_path, monkeypatch):
    import json

    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: [\n")
    monkeypatch.chdir(tmp_path)
    result = run_cli("plan", "broken.yaml", "--format", "json")
    error = json.loads(result.stdout)["error"]
    assert (result.code, error["file"], error["code"]) == (2, "broken.yaml", result.stderr.split()[1])
    assert result.stderr.startswith(f"broken.yaml:{error['line']}: ") and error["line"] >= 3
    assert not (tmp_path / "migration-plan.yaml").exists()
