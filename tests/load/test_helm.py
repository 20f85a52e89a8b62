"""Helm charts through the embedded SDK (real libhelm) and a real Helm v4 binary."""

from __future__ import annotations

from pathlib import Path

import os
import pytest

from migrator.config import HelmSource, load_config
from migrator.findings import InputError, Severity
from migrator.load.helm import (manifests_from_helm_output, render_chart, render_error,
                                resolve_helm_bin)
from tests.conftest import SAMPLES
from tests.load.chartkit import DEPLOYMENT, line_of, write_chart, write_chart_archive

SAMPLE_CHART = SAMPLES / "creator-platform"


def _render(chart: Path, helm_bin: str = "", **fields) -> tuple[list, list]:
    fields.setdefault("release", "rel")
    return render_chart(HelmSource(chart=str(chart), **fields), helm_bin=helm_bin)


def _deployments(docs):
    return {d.data["metadata"]["name"]: d for d in docs if d.data["kind"] == "Deployment"}


def test_ranged_sample_template_points_every_deployment_at_template_lines():
    docs, _ = _render(SAMPLE_CHART, values=(str(SAMPLE_CHART / "values-staging.yaml"),))
    template = SAMPLE_CHART / "templates" / "deployment.yaml"
    deployments = _deployments(docs)
    assert len(deployments) == 24
    c = ("spec", "template", "spec", "containers", 0)
    for doc in deployments.values():
        assert os.path.abspath(doc.file) == str(template)  # named relative to the working folder
        assert doc.line == line_of(template, "apiVersion: apps/v1")
        assert doc.ref("metadata", "name").line == line_of(template, "  name: {{ $name }}")
        assert doc.ref(*c, "image").line == line_of(template, "image: {{ include")
        assert doc.ref(*c, "resources").line == line_of(template, "resources:")
        assert doc.ref(*c, "resources", "requests", "cpu").line == line_of(template, "toYaml $svc.resources")


@pytest.mark.parametrize("values, template, path, needle", [
    ((), "deployment.yaml", ("spec", "template", "spec", "containers", 0, "image"),
     'image: "{{ .Values.image.repository }}'),
    ((), "deployment.yaml", ("spec", "strategy", "rollingUpdate", "maxUnavailable"), "maxUnavailable: 1"),
    ((), "service.yaml", ("spec", "ports", 0, "port"), "port: {{ .Values.service.externalPort }}"),
    (("all-features.yaml",), "hpa.yaml", ("spec", "maxReplicas"), "maxReplicas:"),
    (("all-features.yaml",), "ingress.yaml", ("spec", "rules", 0, "host"), "host:"),
    # injected by toYaml: the toYaml line, not the literal PODINFO_UI_COLOR item before it
    (("all-features.yaml",), "deployment.yaml", ("spec", "template", "spec", "containers", 0, "env", 1, "name"),
     "{{ toYaml .Values.extraEnvs | indent 10 }}"),
    ((), "deployment.yaml", ("spec", "template", "spec", "containers", 0, "resources", "requests", "cpu"),
     "{{ toYaml .Values.resources | indent 12 }}"),
])
def test_corpus_chart_lines(corpus, values, template, path, needle):
    chart = corpus / "podinfo-helm" / "src" / "charts" / "podinfo"
    values = tuple(str(corpus / "podinfo-helm" / "values-features" / v) for v in values)
    docs, _ = _render(chart, values=values)
    file = chart / "templates" / template
    doc = next(d for d in docs if d.file == str(file))
    assert doc.ref(*path).line == line_of(file, needle)


def test_every_rendered_line_exists_in_its_template(corpus):
    charts = [SAMPLE_CHART, corpus / "podinfo-helm/src/charts/podinfo",
              corpus / "online-boutique-helm/src/helm-chart", corpus / "aks-store-helm/src/charts/aks-store-demo"]
    for chart in charts:
        docs, _ = _render(chart)
        for doc in docs:
            length = len(Path(doc.file).read_text().splitlines())
            for table in doc.lines.values():
                lines = table.values() if isinstance(table, dict) else table
                assert all(1 <= line <= length for line in lines), doc.file


@pytest.mark.parametrize("values, sets, replicas, image", [
    ((), (), 1, "nginx:1.27"),
    (("values-prod.yaml",), (), 4, "nginx:1.27"),
    (("values-prod.yaml",), ("image=nginx:1.28",), 4, "nginx:1.28"),
    (("values-prod.yaml", "values-big.yaml"), ("replicas=9",), 9, "nginx:1.27"),
])
def test_values_files_and_set_per_environment(tmp_path, values, sets, replicas, image):
    chart = write_chart(tmp_path)
    (chart / "values-prod.yaml").write_text("replicas: 4\n")
    (chart / "values-big.yaml").write_text("replicas: 6\n")
    docs, _ = _render(chart, values=tuple(str(chart / v) for v in values), set=sets)
    web = _deployments(docs)["rel-web"].data
    assert web["spec"]["replicas"] == replicas
    assert web["spec"]["template"]["spec"]["containers"][0]["image"] == image


def test_missing_values_file_points_at_its_migrate_yaml_line(tmp_path):
    write_chart(tmp_path)
    (tmp_path / "migrate.yaml").write_text(
        "environments:\n  prod:\n    helm:\n      shop:\n        values:\n          - shop/values.yaml\n"
        "          - shop/values-prod.yaml\n")
    config = load_config([str(tmp_path)])
    with pytest.raises(InputError) as exc:
        render_chart(config.environment("prod").helm[0])
    assert exc.value.code == "helm.missing-values"
    assert (exc.value.source.file, exc.value.source.line) == (str(tmp_path / "migrate.yaml"), 7)
    assert "values-prod.yaml" in exc.value.message


SUB_SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: cache\nspec:\n  ports:\n    - port: 6379\n"


@pytest.mark.parametrize("packaged", [False, True])
def test_vendored_dependencies_render_and_point_at_their_templates(tmp_path, packaged):
    chart = write_chart(tmp_path, chart_extra="dependencies:\n  - name: cache\n    version: 0.1.0\n")
    if packaged:
        write_chart_archive(chart / "charts" / "cache-0.1.0.tgz", "cache", {"svc.yaml": SUB_SERVICE})
        expected = chart / "charts" / "cache-0.1.0.tgz" / "templates" / "svc.yaml"
    else:
        write_chart(chart / "charts", "cache", {"svc.yaml": SUB_SERVICE})
        expected = chart / "charts" / "cache" / "templates" / "svc.yaml"
    docs, _ = _render(chart)
    service = next(d for d in docs if d.data["kind"] == "Service")
    assert (service.file, service.line, service.ref("spec", "ports", 0, "port").line) == (str(expected), 1, 7)


@pytest.mark.parametrize("condition", ["", "    condition: redis.enabled\n"])
def test_undownloaded_dependency_is_one_clear_error(tmp_path, condition):
    """Like `helm template`, a declared dependency must be vendored even when disabled."""
    chart = write_chart(tmp_path, chart_extra="dependencies:\n  - name: redis\n    version: 17.0.0\n"
                        "    repository: https://charts.bitnami.com/bitnami\n" + condition,
                        values="replicas: 1\nimage: nginx\nredis:\n  enabled: false\n")
    with pytest.raises(InputError) as exc:
        _render(chart)
    assert exc.value.code == "helm.missing-dependency"
    assert (exc.value.source.file, exc.value.source.line) == (str(chart / "Chart.yaml"), 4)
    for part in ("redis", "https://charts.bitnami.com/bitnami", f"helm dependency build {chart}", "charts/"):
        assert part in exc.value.message


BROKEN_TEMPLATES = [
    # (template text, line, words in the message)
    (DEPLOYMENT.replace("{{ .Values.image | quote }}", '{{ required "set image.tag" .Values.tag }}'), 15,
     "set image.tag"),
    ("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: {{ .Values.x | nosuchfunction }}\n", 4,
     'function "nosuchfunction" not defined'),
    ("apiVersion: v1\nkind: ConfigMap\n{{ if .Values.x }}\ndata: {}\n", 5, "unexpected EOF"),  # Go: EOF line
    ("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: {{ .Values.missing.deeper }}\n", 4, "nil pointer"),
    ("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: {{ fail \"unsupported setting\" }}\n", 4,
     "unsupported setting"),
]


@pytest.mark.parametrize("text, line, words", BROKEN_TEMPLATES)
def test_failing_template_names_its_file_and_line(tmp_path, text, line, words):
    chart = write_chart(tmp_path, templates={"broken.yaml": text})
    with pytest.raises(InputError) as exc:
        _render(chart)
    assert exc.value.code == "helm.render"
    assert (exc.value.source.file, exc.value.source.line) == (str(chart / "templates" / "broken.yaml"), line)
    assert words in exc.value.message and "\n" not in exc.value.message


@pytest.mark.parametrize("chart_yaml, code, line", [
    ("apiVersion: v2\nname: shop\nversion: [0.1.0\n", "load.yaml-syntax", 4),
    ("apiVersion: v2\nname: shop\nname: again\nversion: 0.1.0\n", "load.duplicate-key", 3),
    ("apiVersion: v2\nname: shop\n", "helm.bad-chart", 0),
])
def test_broken_chart_yaml(tmp_path, chart_yaml, code, line):
    chart = write_chart(tmp_path)
    (chart / "Chart.yaml").write_text(chart_yaml)
    with pytest.raises(InputError) as exc:
        _render(chart)
    assert exc.value.code == code
    assert exc.value.source.file == str(chart / "Chart.yaml") and exc.value.source.line == line


def test_rendered_text_that_is_not_yaml(tmp_path):
    chart = write_chart(tmp_path, templates={"cm.yaml": "apiVersion: v1\nkind: ConfigMap\ndata: {{ .Values.image }}: x\n"})
    with pytest.raises(InputError) as exc:
        _render(chart)
    assert exc.value.code == "helm.rendered-yaml"
    assert exc.value.source.file == str(chart / "templates" / "cm.yaml")


HOOK_JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate-db
  annotations:
    "helm.sh/hook": pre-install,pre-upgrade
spec:
  template:
    spec:
      containers: [{name: m, image: migrate}]
      restartPolicy: Never
"""
TEST_POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: smoke\n  annotations:\n    helm.sh/hook: test\n" \
           "spec:\n  containers: [{name: t, image: curl}]\n"


def test_hooks_are_skipped_with_a_finding(tmp_path):
    chart = write_chart(tmp_path, templates={"deployment.yaml": DEPLOYMENT, "hooks/job.yaml": HOOK_JOB,
                                             "tests/smoke.yaml": TEST_POD})
    docs, findings = _render(chart)
    assert sorted(d.data["kind"] for d in docs) == ["Deployment"]
    got = sorted((f.code, f.severity, Path(f.source.file).name, f.source.line) for f in findings)
    assert got == [("helm.hook", Severity.WARNING, "job.yaml", 6),
                   ("helm.test-hook", Severity.INFO, "smoke.yaml", 6)]


@pytest.mark.parametrize("message, file, line, words", [
    ("execution error at (shop/templates/a.yaml:6:8): need foo", "templates/a.yaml", 6, "need foo"),
    ("Error: template: shop/templates/a.yaml:2:13: executing \"shop/templates/a.yaml\" at <.Values.a.b>: "
     "nil pointer evaluating interface {}.b", "templates/a.yaml", 2, "nil pointer"),
    ("parse error at (shop/charts/db/templates/_helpers.tpl:3): function \"x\" not defined",
     "charts/db/templates/_helpers.tpl", 3, 'function "x" not defined'),
    ("shop/templates/a.yaml:2:13\n  executing \"shop/templates/a.yaml\" at <.Values.a.b.c>:\n    nil pointer",
     "templates/a.yaml", 2, "nil pointer"),
    ("something else entirely", "", 0, "something else entirely"),
])
def test_render_error_text(message, file, line, words):
    exc = render_error(message, "/charts/shop")
    assert exc.source.file == ("/charts/shop/" + file if file else "/charts/shop")
    assert exc.source.line == line and words in exc.message


def test_manifests_from_helm_template_output():
    text = ("---\n# Source: shop/templates/svc.yaml\napiVersion: v1\nkind: Service\n---\n"
            "# Source: shop/templates/deploy.yaml\nkind: Deployment\n---\n# Source: shop/templates/svc.yaml\n"
            "kind: Service\nmetadata: {name: b}\n")
    manifests = manifests_from_helm_output(text)
    assert sorted(manifests) == ["shop/templates/deploy.yaml", "shop/templates/svc.yaml"]
    assert manifests["shop/templates/svc.yaml"].count("kind: Service") == 2


def test_auto_helm_bin_needs_helm_on_path(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(InputError) as exc:
        resolve_helm_bin("auto")
    assert exc.value.code == "helm.no-binary"
    assert resolve_helm_bin("") == ""


# ---- a real Helm v4 binary ----------------------------------------------------------------

def _without_nulls(value):
    """Helm 4.1 (the binary) prints `limits: null` where Helm 4.2 (the SDK) drops the key; the API
    server reads both the same way."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _field_lines(doc, value=None, path=()):
    """(field path, line) for every key and item of a document."""
    value = doc.data if value is None else value
    table = doc.lines.get(id(value))
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    out = []
    for key, child in items:
        if child is not None:
            out.append(((*path, key), table[key] if table is not None else None))
            out.extend(_field_lines(doc, child, (*path, key)))
    return out


def _signature(docs):
    return sorted((d.file, d.line, d.data["kind"], d.data["metadata"]["name"], repr(_without_nulls(d.data)),
                   repr(_field_lines(d))) for d in docs)


@pytest.mark.parametrize("chart, values", [
    ("podinfo-helm/src/charts/podinfo", ("podinfo-helm/values-features/all-features.yaml",)),
    ("online-boutique-helm/src/helm-chart", ()),
    ("aks-store-helm/src/charts/aks-store-demo", ()),
])
def test_helm_binary_renders_the_same_documents_as_the_sdk(corpus, helm_binary, chart, values):
    source = HelmSource(chart=str(corpus / chart), values=tuple(str(corpus / v) for v in values),
                        release="shop", namespace="shop")
    sdk_docs, sdk_findings = render_chart(source)
    bin_docs, bin_findings = render_chart(source, helm_bin=helm_binary)
    assert _signature(bin_docs) == _signature(sdk_docs)
    assert sorted(f.code for f in bin_findings) == sorted(f.code for f in sdk_findings)


def test_helm_binary_values_set_and_errors(tmp_path, helm_binary):
    chart = write_chart(tmp_path, templates={"deployment.yaml": DEPLOYMENT, "broken.yaml": "{{ if }}"})
    with pytest.raises(InputError) as exc:
        render_chart(HelmSource(chart=str(chart)), helm_bin=helm_binary)
    assert exc.value.code == "helm.render"
    assert exc.value.source == type(exc.value.source)(str(chart / "templates" / "broken.yaml"), 1)
    (chart / "templates" / "broken.yaml").unlink()
    (chart / "values-prod.yaml").write_text("replicas: 3\n")
    source = HelmSource(chart=str(chart), values=(str(chart / "values-prod.yaml"),), set=("image=x:2",),
                        release="rel")
    docs, _ = render_chart(source, helm_bin=helm_binary)
    web = _deployments(docs)["rel-web"]
    assert web.data["spec"]["replicas"] == 3 and web.ref("spec", "replicas").line == 6
    assert web.data["spec"]["template"]["spec"]["containers"][0]["image"] == "x:2"


def test_helm_binary_missing_dependency(tmp_path, helm_binary):
    chart = write_chart(tmp_path, chart_extra="dependencies:\n  - name: redis\n    version: 17.0.0\n"
                        "    repository: https://charts.bitnami.com/bitnami\n")
    with pytest.raises(InputError) as exc:
        render_chart(HelmSource(chart=str(chart)), helm_bin=helm_binary)
    assert exc.value.code == "helm.missing-dependency" and "redis" in exc.value.message
    assert exc.value.source.line == 4


def test_packaged_chart_points_inside_the_archive(tmp_path):
    archive = write_chart_archive(tmp_path / "cache-0.1.0.tgz", "cache", {"svc.yaml": SUB_SERVICE})
    docs, _ = render_chart(HelmSource(chart=str(archive), release="cache"))
    assert [(d.file, d.line, d.ref("spec", "ports", 0, "port").line) for d in docs] == [
        (str(archive / "templates" / "svc.yaml"), 1, 7)]


NAMESPACED = {
    "deployment.yaml": DEPLOYMENT,
    "pinned.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pinned\n  namespace: ops\n",
    "role.yaml": "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n",
    "issuer.yaml": "apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: letsencrypt\n",
}


@pytest.mark.parametrize("namespace", ["web", "default"])
def test_objects_without_a_namespace_belong_to_the_release_namespace(tmp_path, namespace):
    docs, _ = _render(write_chart(tmp_path, templates=NAMESPACED), namespace=namespace)
    where = {d.data["metadata"]["name"]: d.data["metadata"].get("namespace") for d in docs}
    assert where == {"rel-web": namespace, "pinned": "ops", "reader": None, "letsencrypt": None}
