"""The coverage ledger: every field classified, findings raise what they name, --ledger and
--fail-on with ledger classes, and 100% classification on every corpus and the sample."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from migrator import api
from migrator.findings import SourceRef, error, info, warning
from migrator.ledger import (CLASSES, UNCLASSIFIED, build_ledger, compile_tables, coverage_tables, fails,
                             resolve_path)
from migrator.ledger.render import ledger_markdown, ledger_paths
from migrator.ledger.tables import CoverageTables, pattern_regex
from migrator.load.documents import Document, parse_yaml
from tests.conftest import CORPUS, SAMPLES, run_cli

TABLES = {
    "default": "needs-decision",
    "groups": {
        "object": {"fields": {"apiVersion": "mapped", "kind": "mapped", "metadata.name": "mapped",
                              "metadata.labels.**": "dropped"}},
        "container": {"fields": {"image": "mapped", "env[].**": "mapped", "imagePullPolicy": "approximated"}},
        "pod": {"use": {"container": ["containers[].", "initContainers[]."]}, "fields": {"hostPID": "dropped"}},
    },
    "kinds": {
        "Deployment": {"use": {"pod": "spec.template.spec."}, "default": "needs-decision",
                       "fields": {"spec.replicas": "mapped", "spec.template.spec.containers[].image": "approximated"}},
        "Secret": {"default": "dropped", "fields": {"data.**": "approximated"}},
    },
    "findings": {"severity": {"error": "needs-decision", "warning": "needs-decision", "info": None},
                 "codes": {"kind.not-mapped": "needs-decision", "scale.*": "approximated", "quiet.code": None}},
}

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: {app.kubernetes.io/name: api}
spec:
  replicas: 2
  paused: false
  template:
    spec:
      hostPID: false
      volumes: []
      containers:
        - name: api
          image: ghcr.io/x/api:1
          imagePullPolicy: Always
          env:
            - {name: A, value: "1"}
            - name: B
              valueFrom: {configMapKeyRef: {name: c, key: k}}
"""


def docs(text: str = DEPLOYMENT, file: str = "app.yaml") -> list[Document]:
    return list(parse_yaml(text, file))


def rows(ledger) -> list[tuple]:
    return [(e.line, e.yaml_path, e.field, e.cls, e.rule) for e in ledger.entries]


@pytest.mark.parametrize("pattern, path, matches", [
    ("a.**", "a", True), ("a.**", "a.b.c", True), ("a.**", "a[].b", True), ("a.**", "ab", False),
    ("a.*", "a.b", True), ("a.*", "a.b.c", False), ("a.*", "a.b[]", False),
    ("a[].b", "a[].b", True), ("a[].b", "a.b", False), ("**", "", True), ("**", "x.y[].z", True),
    ("metadata.labels.**", "metadata.labels.app.kubernetes.io/name", True),
    ("x.checksum/**", "x.checksum/config", True), ("resources.*.cpu", "resources.limits.cpu", True),
])
def test_patterns(pattern, path, matches):
    assert bool(pattern_regex(pattern).match(path)) is matches


def test_every_field_classified_with_its_location_and_rule():
    ledger = build_ledger(docs(), [], compile_tables(TABLES), detail=True)
    assert rows(ledger) == [
        (1, "apiVersion", "apiVersion", "mapped", "apiVersion"),
        (2, "kind", "kind", "mapped", "kind"),
        (4, "metadata.name", "metadata.name", "mapped", "metadata.name"),
        (5, "metadata.labels.app.kubernetes.io/name", "metadata.labels.app.kubernetes.io/name", "dropped",
         "metadata.labels.**"),
        (7, "spec.replicas", "spec.replicas", "mapped", "spec.replicas"),
        (8, "spec.paused", "spec.paused", "needs-decision", "**"),
        (11, "spec.template.spec.hostPID", "spec.template.spec.hostPID", "dropped", "spec.template.spec.hostPID"),
        (12, "spec.template.spec.volumes", "spec.template.spec.volumes", "needs-decision", "**"),
        (14, "spec.template.spec.containers[0].name", "spec.template.spec.containers[].name", "needs-decision", "**"),
        (15, "spec.template.spec.containers[0].image", "spec.template.spec.containers[].image", "approximated",
         "spec.template.spec.containers[].image"),
        (16, "spec.template.spec.containers[0].imagePullPolicy", "spec.template.spec.containers[].imagePullPolicy",
         "approximated", "spec.template.spec.containers[].imagePullPolicy"),
        (18, "spec.template.spec.containers[0].env[0].name", "spec.template.spec.containers[].env[].name", "mapped",
         "spec.template.spec.containers[].env[].**"),
        (18, "spec.template.spec.containers[0].env[0].value", "spec.template.spec.containers[].env[].value",
         "mapped", "spec.template.spec.containers[].env[].**"),
        (19, "spec.template.spec.containers[0].env[1].name", "spec.template.spec.containers[].env[].name", "mapped",
         "spec.template.spec.containers[].env[].**"),
        (20, "spec.template.spec.containers[0].env[1].valueFrom.configMapKeyRef.name",
         "spec.template.spec.containers[].env[].valueFrom.configMapKeyRef.name", "mapped",
         "spec.template.spec.containers[].env[].**"),
        (20, "spec.template.spec.containers[0].env[1].valueFrom.configMapKeyRef.key",
         "spec.template.spec.containers[].env[].valueFrom.configMapKeyRef.key", "mapped",
         "spec.template.spec.containers[].env[].**"),
    ]
    assert ledger.counts == {"mapped": 9, "approximated": 2, "dropped": 2, "needs-decision": 3}
    assert build_ledger(docs(), [], compile_tables(TABLES)).counts == ledger.counts


def at(path: str, line: int = 0, file: str = "app.yaml") -> SourceRef:
    return SourceRef(file, line, path)


ENV0 = "spec.template.spec.containers[0].env[0]"


@pytest.mark.parametrize("finding, raised", [
    (warning("x.y", "api: A", at(ENV0, 18)), {ENV0 + ".name": "needs-decision", ENV0 + ".value": "needs-decision"}),
    (error("x.y", "api", at("spec.template.spec.containers[0].image", 15)),
     {"spec.template.spec.containers[0].image": "needs-decision"}),
    (info("x.y", "api", at(ENV0, 18)), {}),  # info findings change nothing unless listed
    (info("scale.rebased", "api", at("spec.replicas", 7)), {}),  # mapped -> approximated is a raise
    (info("scale.rebased", "api", at("spec.paused", 8)), {}),  # never lowers needs-decision
    (warning("quiet.code", "api", at(ENV0, 18)), {}),  # listed with ~: no change
    (warning("x.y", "api", at("", 1)), {}),  # a finding about the object names no field
    (warning("x.y", "api", at("spec.nope", 7)), {}),  # a path the document does not have
    (warning("x.y", "api", at(ENV0, 18, file="other.yaml")), {}),
])
def test_findings_raise_the_fields_they_name(finding, raised):
    base = {e.yaml_path: e.cls for e in build_ledger(docs(), [], compile_tables(TABLES), detail=True).entries}
    if finding.code == "scale.rebased" and finding.source.yaml_path == "spec.replicas":
        raised = {"spec.replicas": "approximated"}
    ledger = build_ledger(docs(), [finding], compile_tables(TABLES), detail=True)
    changed = {e.yaml_path: e.cls for e in ledger.entries if base[e.yaml_path] != e.cls}
    assert changed == raised
    assert all(e.rule == f"finding {finding.code}" for e in ledger.entries if e.yaml_path in raised)
    assert build_ledger(docs(), [finding], compile_tables(TABLES)).counts == ledger.counts


def test_a_listed_code_raises_a_whole_object():
    ledger = build_ledger(docs(), [warning("kind.not-mapped", "api", at("", 1))], compile_tables(TABLES))
    assert ledger.counts == {"mapped": 0, "approximated": 0, "dropped": 0, "needs-decision": 16}


def test_rendered_documents_sharing_lines_are_told_apart_by_name():
    """Helm ranges point every rendered document at the same template lines."""
    two = docs(DEPLOYMENT) + docs(DEPLOYMENT.replace("name: api\n", "name: web\n", 1))
    assert two[0].ref("spec", "replicas").line == two[1].ref("spec", "replicas").line == 7
    finding = warning("x.y", "Deployment web: replicas", at("spec.replicas", 7))
    ledger = build_ledger(two, [finding], compile_tables(TABLES), detail=True)
    assert [(e.name, e.cls) for e in ledger.entries if e.yaml_path == "spec.replicas"] == [
        ("api", "mapped"), ("web", "needs-decision")]
    unnamed = build_ledger(two, [warning("x.y", "replicas", at("spec.replicas", 7))], compile_tables(TABLES),
                           detail=True)  # no name to go by: every candidate is raised
    assert [e.cls for e in unnamed.entries if e.yaml_path == "spec.replicas"] == ["needs-decision"] * 2


@pytest.mark.parametrize("path, expected", [
    ("spec.template.spec.containers[0].env[1].valueFrom", ("spec", "template", "spec", "containers", 0, "env", 1,
                                                           "valueFrom")),
    ("metadata.labels.app.kubernetes.io/name", ("metadata", "labels", "app.kubernetes.io/name")),
    ("spec.template.spec.containers[3]", None), ("spec.replicas.x", None), ("spec[0]", None), ("", ()),
])
def test_resolve_path(path, expected):
    assert resolve_path(docs()[0].data, path) == expected


def test_unknown_kinds_fall_to_the_default_and_tables_without_one_leave_fields_unclassified():
    crd = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n"
    assert build_ledger(docs(crd), [], compile_tables(TABLES)).counts == {
        "mapped": 3, "approximated": 0, "dropped": 0, "needs-decision": 1}
    bare = {**TABLES, "default": None, "kinds": {}}
    assert build_ledger(docs(crd), [], compile_tables(bare)).counts == {
        "mapped": 3, "approximated": 0, "dropped": 0, "needs-decision": 0, UNCLASSIFIED: 1}


@pytest.mark.parametrize("broken, message", [
    ({"kinds": {"Pod": {"fields": {"spec": "kept"}}}}, "unknown class 'kept'"),
    ({"kinds": {"Pod": {"use": {"nope": ""}}}}, "unknown group 'nope'"),
    ({"groups": {"a": {"use": {"a": "x."}}}, "kinds": {"Pod": {"use": {"a": ""}}}}, "uses itself"),
    ({"findings": {"codes": {"x.y": "gone"}}}, "unknown class 'gone'"),
])
def test_broken_tables_are_rejected(broken, message):
    with pytest.raises(ValueError, match=message):
        compile_tables(broken)


class _CountingTables(CoverageTables):
    calls = 0

    def classify(self, rules, path):
        type(self).calls += 1
        return super().classify(rules, path)


def test_classification_runs_once_per_kind_and_path():
    base = compile_tables(TABLES)
    tables = _CountingTables(base.kinds, base.finding_codes, base.finding_severity)
    many = [d for i in range(200) for d in docs(DEPLOYMENT.replace("name: api\n", f"name: api{i}\n", 1))]
    ledger = build_ledger(many, [], tables)
    assert ledger.total == 16 * 200
    assert _CountingTables.calls == 15  # 16 fields, two of them env[].name


def _leaves(value: Any) -> int:
    if isinstance(value, dict) and value:
        return sum(_leaves(v) for v in value.values())
    if isinstance(value, list) and value:
        return sum(_leaves(v) for v in value)
    return 1


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                  max_size=3), max_leaves=20)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["Deployment", "Service", "Secret", "Widget", "CronJob"]),
       st.dictionaries(st.sampled_from(["spec", "data", "metadata", "status", "x"]), _json, max_size=4))
def test_shipped_tables_classify_every_leaf(kind, body):
    doc = {"apiVersion": "v1", "kind": kind, **body}
    document = next(parse_yaml(yaml.safe_dump(doc), "x.yaml"))
    ledger = build_ledger([document], [], coverage_tables())
    assert set(ledger.counts) == set(CLASSES)
    assert ledger.total == _leaves(document.data)
    assert build_ledger([document], [], coverage_tables(), detail=True).counts == ledger.counts


@pytest.mark.parametrize("counts, threshold, expected", [
    ({"mapped": 3, "approximated": 1, "dropped": 0, "needs-decision": 0}, "dropped", False),
    ({"mapped": 3, "approximated": 1, "dropped": 0, "needs-decision": 0}, "approximated", True),
    ({"mapped": 3, "approximated": 0, "dropped": 0, "needs-decision": 2}, "dropped", True),
    ({"mapped": 3, "approximated": 0, "dropped": 5, "needs-decision": 0}, "needs-decision", False),
    ({"mapped": 3, UNCLASSIFIED: 1}, "needs-decision", True),
])
def test_fails(counts, threshold, expected):
    assert fails(counts, threshold) is expected


@pytest.mark.parametrize("target, expected", [
    ("out/", ("out/ledger.json", "out/ledger.md")),
    ("out/coverage", ("out/coverage.json", "out/coverage.md")),
    ("out/coverage.json", ("out/coverage.json", "out/coverage.md")),
    ("out/coverage.md", ("out/coverage.json", "out/coverage.md")),
])
def test_ledger_paths(target, expected):
    assert ledger_paths(target) == expected


def test_markdown_groups_fields_and_lists_distinct_places():
    two = docs(DEPLOYMENT) + docs(DEPLOYMENT.replace("name: api\n", "name: web\n", 1))
    text = ledger_markdown("shop", [("prod", build_ledger(two, [], compile_tables(TABLES), detail=True))])
    assert "| mapped | 18 | 56.2% |" in text and "| **total** | 32 | 100% |" in text
    assert ("| Deployment | `spec.paused` | 2 | app.yaml:8 | `**` |") in text


# ---- the command line ----------------------------------------------------------------------

ESTATE = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, labels: {team: a}}
spec:
  revisionHistoryLimit: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: ghcr.io/x/api:1
          imagePullPolicy: Always
          resources: {requests: {cpu: 250m, memory: 256Mi}, limits: {cpu: 500m}}
"""  # 13 fields: 9 mapped, 2 approximated (imagePullPolicy, limits.cpu), 2 dropped (labels, history)


@pytest.fixture
def estate(tmp_path):
    (tmp_path / "app.yaml").write_text(ESTATE)
    return tmp_path


@pytest.mark.parametrize("fail_on, code", [
    ("error", 0), ("never", 0), ("approximated", 1), ("dropped", 1), ("warning,dropped", 1),
    ("needs-decision", 0), ("mapped", 2), ("loud", 2), ("error,warning", 2), ("never,dropped", 2),
])
def test_fail_on_severities_and_ledger_classes(estate, fail_on, code):
    result = run_cli("plan", str(estate), "--dry-run", "-q", "--fail-on", fail_on)
    assert result.code == code, result.stdout + result.stderr


def test_fail_on_needs_decision(estate):
    widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {a: 1}\n"
    (estate / "widget.yaml").write_text(widget)
    assert run_cli("plan", str(estate), "--dry-run", "-q", "--fail-on", "needs-decision").code == 1


@pytest.mark.parametrize("target, files", [("ledger/", ("ledger/ledger.json", "ledger/ledger.md")),
                                           ("cov", ("cov.json", "cov.md"))])
def test_ledger_option_writes_json_and_markdown(estate, target, files):
    result = run_cli("plan", str(estate), "-o", str(estate / "plan.yaml"), "--ledger", f"{estate}/{target}",
                     "-f", "json")
    assert result.code == 0, result.stderr
    body = json.loads((estate / files[0]).read_text())
    summary = json.loads(result.stdout)["environments"][0]
    env = body["environments"][0]
    assert env["counts"] == summary["ledger"] and env["total"] == summary["ledger_total"] == len(env["fields"])
    assert {"file": "app.yaml", "line": 12, "yaml_path": "spec.template.spec.containers[0].image",
            "kind": "Deployment", "object": "api", "field": "spec.template.spec.containers[].image",
            "class": "mapped", "rule": "spec.template.spec.containers[].image"} in env["fields"]
    assert "# Coverage ledger:" in (estate / files[1]).read_text()
    assert "ledger written to" in result.stderr


def test_summaries_print_the_counts(estate):
    table = run_cli("plan", str(estate), "--dry-run")
    assert "default: ledger: 13 fields, 9 mapped, 2 approximated, 2 dropped, 0 needs-decision" in \
        " ".join(table.stdout.split())
    md = run_cli("plan", str(estate), "--dry-run", "-f", "md").stdout
    assert "### Coverage ledger" in md and "| **total** | 13 | 100% |" in md


# ---- acceptance: every corpus and the bundled sample ---------------------------------------

def _estates() -> list:
    found = [pytest.param(SAMPLES, id="sample")]
    if CORPUS.is_dir():
        found += [pytest.param(d / "src", id=d.name) for d in sorted(CORPUS.iterdir()) if (d / "src").is_dir()]
    return found


@pytest.mark.slow
@pytest.mark.parametrize("path", _estates())
def test_every_field_of_every_corpus_is_classified(path):
    options = api.PlanOptions(paths=(str(path),), ledger_detail=True)
    try:
        result = api.plan_estate(options)
    except Exception as exc:  # a missing tool (kubectl) is a skip, not a coverage failure
        if "kustomize.no-tool" in str(exc):
            pytest.skip(str(exc))
        raise
    from migrator.load.sources import load_documents

    for env_plan, (name, ledger) in zip(result.plan.environments, result.ledgers):
        documents, _ = load_documents([str(path)], result.config, result.config.environment(name))
        assert UNCLASSIFIED not in env_plan.ledger
        assert set(env_plan.ledger) == set(CLASSES)
        assert sum(env_plan.ledger.values()) == sum(_leaves(d.data) for d in documents) > 0
        assert ledger.counts == env_plan.ledger and len(ledger.entries) == ledger.total
        assert build_ledger(documents, env_plan.findings, coverage_tables()).counts == ledger.counts  # fast path
