"""kustomize overlays through the real `kubectl kustomize`, located in their origin files."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from migrator.findings import InputError
from migrator.load.documents import parse_yaml
from migrator.load.kustomize import ORIGIN, error_message, relocate_to_source, render_overlay
from tests.load.chartkit import line_of

needs_kustomize = pytest.mark.skipif(not (shutil.which("kubectl") or shutil.which("kustomize")),
                                     reason="kubectl or kustomize is needed to render kustomizations")
C = ("spec", "template", "spec", "containers", 0)


def _by_name(docs, kind):
    return {d.data["metadata"]["name"]: d for d in docs if d.data["kind"] == kind}


def _podinfo(corpus: Path) -> Path:
    return corpus / "podinfo-kustomize" / "src" / "deploy"


@needs_kustomize
def test_overlay_objects_point_at_their_base_files(corpus):
    deploy = _podinfo(corpus)
    docs = render_overlay(str(deploy / "overlays" / "staging"))
    backend = _by_name(docs, "Deployment")["backend"]
    file = deploy / "bases" / "backend" / "deployment.yaml"
    assert (backend.file, backend.line) == (str(file), 1)
    assert backend.data["metadata"]["namespace"] == "staging"
    assert backend.ref("metadata", "namespace").line == line_of(file, "metadata:")  # added by the overlay
    image = ("spec", "template", "spec", "containers", 0, "image")
    assert backend.ref(*image).line == line_of(file, "image:")


@needs_kustomize
def test_generated_objects_point_at_their_generator(corpus):
    deploy = _podinfo(corpus)
    docs = render_overlay(str(deploy / "overlays" / "dev"))
    config = next(d for name, d in _by_name(docs, "ConfigMap").items() if name.startswith("redis-config"))
    kustomization = deploy / "bases" / "cache" / "kustomization.yaml"
    assert config.file == str(kustomization)
    assert config.line == line_of(kustomization, "- name: redis-config")


@needs_kustomize
def test_rendering_through_the_wrapper_changes_nothing_but_the_location(corpus):
    overlay = corpus / "online-boutique-kustomize" / "src" / "kustomize" / "tests" / \
        "service-mesh-istio-with-all-components"
    plain = subprocess.run(["kubectl", "kustomize", str(overlay)], capture_output=True, text=True, check=True)
    expected = sorted(repr(d.data) for d in parse_yaml(plain.stdout, "x"))
    docs = render_overlay(str(overlay))
    assert sorted(repr(d.data) for d in docs) == expected
    assert ORIGIN not in repr([d.data for d in docs])
    route = _by_name(docs, "HTTPRoute")["frontend-route"]
    component = corpus / "online-boutique-kustomize/src/kustomize/components/service-mesh-istio/frontend-gateway.yaml"
    assert route.file == str(component) and route.line == line_of(component, "kind: HTTPRoute") - 1


@needs_kustomize
@pytest.mark.parametrize("kustomization, words", [
    ("resources:\n- missing.yaml\n", "missing.yaml"),
    ("resources:\n- deployment.yaml\npatches:\n- path: nope.yaml\n", "nope.yaml"),
])
def test_kustomize_failure_is_one_input_error(tmp_path, kustomization, words):
    (tmp_path / "deployment.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n")
    (tmp_path / "kustomization.yaml").write_text(kustomization)
    with pytest.raises(InputError) as exc:
        render_overlay(str(tmp_path))
    assert exc.value.code == "kustomize.render"
    assert exc.value.source.file == str(tmp_path / "kustomization.yaml")
    assert words in exc.value.message and "\n" not in exc.value.message


def test_no_kustomize_tool(tmp_path, monkeypatch):
    (tmp_path / "kustomization.yaml").write_text("resources: []\n")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(InputError) as exc:
        render_overlay(str(tmp_path))
    assert exc.value.code == "kustomize.no-tool" and "kubectl" in exc.value.message


@pytest.mark.parametrize("stderr, message", [
    ('E1123 02:23:54.107633    8999 run.go:72] "command failed" err="accumulating resources: '
     'accumulation err=\'x\': must resolve to a file"\n', "accumulating resources: accumulation err='x': "
                                                         "must resolve to a file"),
    ("Error: no such file: kustomization.yaml\n", "no such file: kustomization.yaml"),
    ('E1123 02:31:43.943291   18359 run.go:72] "command failed" err=<\n\ttrouble with `\n\tpath: nope.yaml\n'
     '\t`: no such file\n >\n', "trouble with ` path: nope.yaml `: no such file"),
    ("", "unknown error"),
])
def test_error_message(stderr, message):
    assert error_message(stderr) == message


ORIGIN = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
spec:
  template:
    spec:
      containers:
        - name: sidecar
          image: envoy
        - name: app
          image: shop/frontend
          ports:
            - containerPort: 8080
"""


@pytest.mark.parametrize("path, line", [
    ((), 1),
    (("metadata", "name"), 4),
    (("metadata", "namespace"), 3),          # added by the overlay: the parent's line
    ((*C, "image"), 12),                      # containers matched by name, not by position
    ((*C, "ports", 0, "containerPort"), 14),
    (("spec", "template", "spec", "containers", 1, "image"), 10),
])
def test_relocate_to_source(path, line):
    source = next(parse_yaml(ORIGIN, "base/frontend.yaml"))
    rendered = next(parse_yaml(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: dev-frontend\n  namespace: dev\nspec:\n"
        "  template:\n    spec:\n      containers:\n      - name: app\n        image: shop/frontend:v2\n"
        "        ports:\n        - containerPort: 8080\n      - name: sidecar\n        image: envoy\n",
        "kustomization.yaml"))
    doc = relocate_to_source(rendered, source, "base/frontend.yaml")
    assert doc.file == "base/frontend.yaml"
    assert doc.ref(*path).line == line


@needs_kustomize
def test_overlay_objects_are_named_relative_to_the_working_folder(tmp_path, monkeypatch):
    # user trial: objects from a base were named /abs/path/base/... beside relative overlay names
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n")
    (tmp_path / "base" / "kustomization.yaml").write_text("resources:\n- cm.yaml\n")
    (tmp_path / "prod").mkdir()
    (tmp_path / "prod" / "kustomization.yaml").write_text("resources:\n- ../base\nnamespace: prod\n")
    monkeypatch.chdir(tmp_path)
    docs = render_overlay(str(tmp_path / "prod"))
    assert [(d.file, d.ref("metadata", "name").line) for d in docs] == [("base/cm.yaml", 4)]
