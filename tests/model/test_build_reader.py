"""build_reader: every field of the wrong type becomes one located error finding and reads as empty."""

from __future__ import annotations

import pytest

from migrator.load.documents import parse_yaml
from migrator.model import objects as m
from migrator.model.build_reader import Reader, read_meta, yaml_text
from migrator.model.quantity import cpu_units

MANIFEST = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web, tier: null}
spec:
  volumes: {name: data}
  nodeSelector: [linux]
  terminationGracePeriodSeconds: soon
  priority: true
  cpu: 2 cores
  replicas: "3"
  port: http
"""


def reader_for(text: str = MANIFEST) -> tuple[Reader, dict]:
    doc = next(parse_yaml(text, "pod.yaml"))
    return Reader(doc, []), doc.data


@pytest.mark.parametrize("method, field, expected, finding", [
    ("list", "volumes", [], "pod.yaml:7: model.wrong-type spec.volumes should be a list, not dict"),
    ("map", "nodeSelector", {}, "pod.yaml:8: model.wrong-type spec.nodeSelector should be a mapping, not list"),
    ("int", "terminationGracePeriodSeconds", None,
     "pod.yaml:9: model.wrong-type spec.terminationGracePeriodSeconds should be a number, not str"),
    ("int", "priority", None, "pod.yaml:10: model.wrong-type spec.priority should be a number, not bool"),
    ("int", "replicas", 3, None),
    ("int", "missing", None, None),
    ("list", "missing", [], None),
    ("map", "missing", {}, None),
])
def test_wrong_types_become_located_findings(method, field, expected, finding):
    r, data = reader_for()
    assert getattr(r, method)(data["spec"].get(field), "spec", field) == expected
    assert [f"{f.source}: {f.code} {f.message}".split(";")[0] for f in r.findings] == \
        ([finding] if finding else [])


@pytest.mark.parametrize("value, expected", [
    (8080, 8080), ("8080", 8080), ("http", "http"), (None, None), (True, None), (1.5, "1.5"),
])
def test_int_or_str_reads_ports_by_number_or_name(value, expected):
    r, _ = reader_for()
    assert r.int_or_str(value) == expected
    assert r.findings == []


def test_bad_quantity_is_an_error_at_its_line_and_reads_as_none():
    r, data = reader_for()
    assert r.quantity(data["spec"]["cpu"], cpu_units, "spec", "cpu") is None
    assert [(f.code, str(f.source)) for f in r.findings] == [("model.bad-quantity", "pod.yaml:11")]
    assert r.quantity("500m", cpu_units, "spec", "cpu") == 512


def test_read_meta_defaults_and_stringifies_labels():
    r, data = reader_for()
    assert read_meta(r, data) == m.Meta(name="web", namespace="default", labels={"app": "web", "tier": ""},
                                        annotations={})
    r, data = reader_for("apiVersion: v1\nkind: Pod\nmetadata: {generateName: job-, namespace: shop}\n")
    assert read_meta(r, data) == m.Meta(name="job-", namespace="shop")


@pytest.mark.parametrize("value, expected", [(True, "true"), (False, "false"), (3, "3"), ("on", "on"), (1.0, "1.0")])
def test_yaml_text_spells_booleans_as_kubernetes_does(value, expected):
    assert yaml_text(value) == expected
