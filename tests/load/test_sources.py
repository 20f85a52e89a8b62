"""The loader interface: discovery, overlay choice per environment, List, non-Kubernetes YAML."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import helm_python
import pytest

from migrator.config import default_config, load_config
from migrator.findings import InputError, Severity
from migrator.load.sources import load_documents
from tests.load.chartkit import write_chart

needs_kustomize = pytest.mark.skipif(not (shutil.which("kubectl") or shutil.which("kustomize")),
                                     reason="kubectl or kustomize is needed to render kustomizations")


def _load(paths: list[Path], env_name: str = "default"):
    config = default_config([str(p) for p in paths])
    env = dataclasses.replace(config.environments[0], name=env_name)
    return load_documents([str(p) for p in paths], config, env)


def _codes(findings):
    return sorted((f.code, f.severity) for f in findings)


def test_list_items_are_documents_with_their_own_lines(tmp_path):
    (tmp_path / "list.yaml").write_text(
        "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: a}\n"
        "  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: b\n")
    docs, findings = _load([tmp_path])
    assert [(d.data["kind"], d.line, d.ref("metadata", "name").line) for d in docs] == [
        ("Service", 4, 6), ("ConfigMap", 7, 10)]
    assert findings == []


def test_non_kubernetes_yaml_is_skipped_with_a_finding(tmp_path):
    (tmp_path / "app.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"
                                       "settings:\n  debug: true\n")
    docs, findings = _load([tmp_path])
    assert [d.data["kind"] for d in docs] == ["ConfigMap"]
    assert [(f.code, f.severity, f.source.line) for f in findings] == [
        ("load.not-kubernetes", Severity.INFO, 5)]


PODINFO_OVERLAYS = "podinfo-kustomize/src/deploy/overlays"


@needs_kustomize
@pytest.mark.parametrize("env, namespaces, codes", [
    ("staging", {"staging"}, [("kustomize.overlay-chosen", Severity.INFO)]),
    ("prod", {"production"}, [("kustomize.overlay-chosen", Severity.INFO)]),
    ("development", {"dev"}, [("kustomize.overlay-chosen", Severity.INFO)]),
    ("default", {"dev", "staging", "production"}, [("kustomize.overlapping-overlays", Severity.WARNING)]),
])
def test_sibling_overlays_choose_the_environment(corpus, env, namespaces, codes):
    docs, findings = _load([corpus / PODINFO_OVERLAYS], env)
    got = {d.data["metadata"].get("namespace") for d in docs if d.data["kind"] == "Deployment"}
    assert got == namespaces
    assert _codes(findings) == codes


@needs_kustomize
def test_overlays_listed_in_migrate_yaml_win(corpus, tmp_path):
    overlays = corpus / PODINFO_OVERLAYS
    (tmp_path / "migrate.yaml").write_text(
        f"environments:\n  staging:\n    overlays: [{overlays / 'dev'}]\n")
    config = load_config([str(overlays)], str(tmp_path / "migrate.yaml"))
    docs, findings = load_documents([str(overlays)], config, config.environment("staging"))
    assert {d.data["metadata"].get("namespace") for d in docs if d.data["kind"] == "Deployment"} == {"dev"}
    assert findings == []


@pytest.mark.parametrize("body, line", [
    ("environments:\n  prod:\n    overlays:\n      - overlays/prod\n", 4),
    ("environments:\n  prod:\n    helm:\n      charts/shop:\n        values: []\n", 4),
])
def test_paths_named_in_migrate_yaml_must_exist(tmp_path, body, line):
    (tmp_path / "app.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    (tmp_path / "migrate.yaml").write_text(body)
    config = load_config([str(tmp_path)])
    with pytest.raises(InputError) as exc:
        load_documents([str(tmp_path)], config, config.environment("prod"))
    assert exc.value.code == "load.missing-path"
    assert (exc.value.source.file, exc.value.source.line) == (str(tmp_path / "migrate.yaml"), line)


def test_chart_outside_the_paths_is_reported_not_rendered(tmp_path):
    write_chart(tmp_path / "charts")
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "app.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    (tmp_path / "migrate.yaml").write_text("environments:\n  prod:\n    helm:\n      charts/shop: {}\n")
    config = load_config([str(tmp_path / "raw")], str(tmp_path / "migrate.yaml"))
    docs, findings = load_documents([str(tmp_path / "raw")], config, config.environment("prod"))
    assert [d.data["kind"] for d in docs] == ["ConfigMap"]
    assert [(f.code, f.source.line) for f in findings] == [("load.chart-not-in-paths", 4)]


def test_helm_findings_reach_the_caller(tmp_path):
    write_chart(tmp_path, templates={"tests/t.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n"
                                     "  annotations: {helm.sh/hook: test}\nspec: {containers: []}\n",
                                     "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"})
    docs, findings = _load([tmp_path / "shop"])
    assert [d.data["kind"] for d in docs] == ["ConfigMap"]
    assert _codes(findings) == [("helm.test-hook", Severity.INFO)]


@pytest.mark.parametrize("setting", ["path", "auto"])
def test_helm_bin_from_migrate_yaml(tmp_path, monkeypatch, helm_binary, setting):
    """`helm_bin:` in migrate.yaml renders with that binary (`auto`: the helm on PATH)."""
    binary_version = subprocess.run([helm_binary, "version", "--template", "{{.Version}}"], capture_output=True,
                                    text=True, check=True).stdout.strip()
    if binary_version == helm_python.helm_sdk_version():
        pytest.skip("the helm binary and the SDK are the same Helm version: cannot tell which one rendered")
    chart = write_chart(tmp_path)
    if setting == "auto":
        monkeypatch.setenv("PATH", f"{Path(helm_binary).parent}:/usr/bin:/bin")
    (tmp_path / "migrate.yaml").write_text(
        f"helm_bin: {helm_binary if setting == 'path' else 'auto'}\nenvironments:\n  prod:\n    helm:\n"
        "      shop:\n        values: [shop/values-prod.yaml]\n")
    (chart / "values-prod.yaml").write_text("replicas: 5\n")
    # the template prints the Helm version that rendered it: the binary's, not the SDK's
    (chart / "templates" / "version.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: version}\ndata:\n  helm: {{ .Capabilities.HelmVersion.Version | quote }}\n")
    config = load_config([str(tmp_path)])
    docs, _ = load_documents([str(tmp_path)], config, config.environment("prod"))
    version = next(d for d in docs if d.data["kind"] == "ConfigMap").data["data"]["helm"]
    assert version == binary_version
    assert next(d for d in docs if d.data["kind"] == "Deployment").data["spec"]["replicas"] == 5


@needs_kustomize
def test_kustomize_build_when_kubectl_is_absent(tmp_path, monkeypatch):
    """Without kubectl on PATH, a `kustomize` on PATH renders (here a stand-in for
    `kustomize build DIR` that runs the real `kubectl kustomize DIR`)."""
    kubectl = shutil.which("kubectl")
    if not kubectl:
        pytest.skip("the stand-in kustomize needs kubectl")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "kustomize").write_text(f'#!/bin/sh\n[ "$1" = build ] || exit 64\nexec {kubectl} kustomize "$2"\n')
    (bin_dir / "kustomize").chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
    (overlay / "kustomization.yaml").write_text("namePrefix: dev-\nresources: [cm.yaml]\n")
    docs, _ = _load([overlay])
    assert [(d.data["metadata"]["name"], d.file, d.ref("metadata", "name").line) for d in docs] == [
        ("dev-a", str(overlay / "cm.yaml"), 4)]


@pytest.mark.parametrize("second_namespace, kept, warnings", [
    ("", [("a.yaml", "api"), ("a.yaml", "worker"), ("b.yaml", "web")], [("b.yaml", 1, "2 object(s)")]),
    ("staging", [("a.yaml", "api"), ("a.yaml", "worker"), ("b.yaml", "api"), ("b.yaml", "worker"),
                 ("b.yaml", "web")], []),
])
def test_an_object_defined_twice_is_kept_once(tmp_path, second_namespace, kept, warnings):
    def deployment(name: str, namespace: str = "") -> str:
        ns = f"\n  namespace: {namespace}" if namespace else ""
        return f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}{ns}\n"
    (tmp_path / "a.yaml").write_text(deployment("api") + "---\n" + deployment("worker", "default"))
    (tmp_path / "b.yaml").write_text("---\n".join(
        deployment(n, second_namespace) for n in ("api", "worker", "web")))
    docs, findings = _load([tmp_path])
    assert [(Path(d.file).name, d.data["metadata"]["name"]) for d in docs] == kept
    got = [(Path(f.source.file).name, f.source.line, f.message.split(" defined")[0]) for f in findings]
    assert got == warnings
    assert all(f.code == "load.duplicate-object" and f"{tmp_path / 'a.yaml'}:1)" in f.message for f in findings)


def test_migrates_own_files_and_other_yaml_are_skipped_with_findings(tmp_path):
    """Re-planning a folder that holds last run's plan and ledger reads the same objects again."""
    from migrator.load.sources import LoadOptions

    files = {
        "app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
        "migration-plan.yaml": "# Migration plan written by `migrate plan`.\napiVersion: migrator/v1\n",
        "L/ledger.json": '{\n  "project": "x",\n  "classes": ["mapped", "approximated"],\n',
        "migrate.yaml": "apiVersion: migrator/v1\nkind: Project\nproject: x\n",
        "copied-plan.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\n"
                            "apiVersion: migrator/v1\nkind: MigrationPlan\nproject: x\n",
        "out.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n",
        "values.yaml": "replicaCount: 2\nimage: {repository: nginx}\n",
        "docker-compose.yml": "version: '3'\nservices: {}\nvolumes: {}\nnetworks: {}\nconfigs: {}\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    config = default_config([str(tmp_path)])
    docs, findings = load_documents([str(tmp_path)], config, config.environments[0],
                                    LoadOptions(skip_files=(str(tmp_path / "out.yaml"),)))
    assert [(d.data["kind"], d.data["metadata"]["name"]) for d in docs] == [("ConfigMap", "a"), ("Service", "s")]
    at = str(tmp_path)
    assert sorted((f.source.file.removeprefix(at), f.source.line, f.code, str(f.severity), f.message)
                  for f in findings) == [
        ("/copied-plan.yaml", 5, "load.migrator-file", "info",
         "MigrationPlan (migrator/v1) is migrate's own file format, not a Kubernetes object; skipped"),
        ("/docker-compose.yml", 1, "load.not-kubernetes", "info", "YAML document without apiVersion and kind is "
         "not a Kubernetes object (top-level keys: version, services, volumes, networks, ...); skipped"),
        ("/migrate.yaml", 1, "load.migrator-file", "info",
         "Project (migrator/v1) is migrate's own file format, not a Kubernetes object; skipped"),
        ("/values.yaml", 1, "load.not-kubernetes", "info", "YAML document without apiVersion and kind is "
         "not a Kubernetes object (top-level keys: replicaCount, image); skipped"),
    ]


def test_the_project_file_given_with_config_is_not_read_as_kubernetes(tmp_path):
    (tmp_path / "app.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    (tmp_path / "project.yaml").write_text("project: x\nenvironments:\n  prod: {}\n")
    config = load_config([str(tmp_path)], str(tmp_path / "project.yaml"))
    docs, findings = load_documents([str(tmp_path)], config, config.environments[0])
    assert [d.data["kind"] for d in docs] == ["ConfigMap"]
    assert findings == []


def test_only_migrates_own_files_is_an_empty_input(tmp_path):
    (tmp_path / "migration-plan.yaml").write_text("# Migration plan written by `migrate plan`.\n")
    config = default_config([str(tmp_path)])
    with pytest.raises(InputError) as exc:
        load_documents([str(tmp_path)], config, config.environments[0])
    assert exc.value.code == "load.empty"


def test_a_migrate_yaml_that_is_not_the_project_file_is_kubernetes_input(tmp_path):
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "migrate.yaml").write_text(
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: db-migrate}\n"
        "spec:\n  template:\n    spec:\n      containers: [{name: m, image: flyway:10}]\n")
    config = default_config([str(tmp_path)])
    docs, findings = load_documents([str(tmp_path)], config, config.environments[0])
    assert [(d.data["kind"], d.data["metadata"]["name"]) for d in docs] == [("Job", "db-migrate")]
    assert findings == []
