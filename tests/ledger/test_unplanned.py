"""Fields of an object that is not planned are never counted as mapped: the finding that says it
is not planned raises the whole object (mappings/coverage.yaml, `findings.codes`)."""

from __future__ import annotations

import pytest
import yaml

from migrator import api
from tests.conftest import run_cli

STATEFUL = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"}, "spec": {
    "replicas": 2, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
    "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{
        "name": "db", "image": "example/thing:1", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
        "volumeMounts": [{"name": "data", "mountPath": "/data"}]}]}}}}
WIDGET = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w1"}, "spec": {"size": 3}}
NAMESPACE = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"team": "a"}}}
HELM_TEST = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "t", "annotations": {"helm.sh/hook": "test"}},
             "spec": {"containers": [{"name": "t", "image": "busybox"}]}}
DAEMON = {**STATEFUL, "kind": "DaemonSet", "metadata": {"name": "agent"}}

REPLICAS = "spec.replicas"
CPU = "spec.template.spec.containers[].resources.requests.cpu"
MOUNT = "spec.template.spec.containers[].volumeMounts[].mountPath"
CASES = {
    # (object, --stateful-as-service) -> {field: (class, rule)} for the fields named, and every class seen
    "unknown kind": (WIDGET, False, {"apiVersion": ("needs-decision", "finding kind.not-mapped"),
                                     "kind": ("needs-decision", "finding kind.not-mapped"),
                                     "metadata.name": ("needs-decision", "finding kind.not-mapped")},
                     {"needs-decision"}),
    "StatefulSet not planned": (STATEFUL, False, {REPLICAS: ("needs-decision", "finding kind.stateful-set"),
                                                  CPU: ("needs-decision", "finding kind.stateful-set"),
                                                  MOUNT: ("needs-decision", "finding kind.stateful-set"),
                                                  "metadata.name": ("needs-decision", "finding kind.stateful-set")},
                                {"needs-decision"}),
    "StatefulSet planned as a service": (STATEFUL, True, {REPLICAS: ("mapped", "spec.replicas"),
                                                          "metadata.name": ("mapped", "metadata.name")},
                                         {"mapped", "approximated", "needs-decision"}),
    "DaemonSet": (DAEMON, False, {"metadata.name": ("needs-decision", "finding kind.daemon-set")},
                  {"needs-decision"}),
    "Helm test pod": (HELM_TEST, False, {"metadata.name": ("dropped", "finding kind.helm-test"),
                                         "spec.containers[].image": ("needs-decision", "spec.**")},
                      {"dropped", "needs-decision"}),
    "Namespace": (NAMESPACE, False, {"metadata.name": ("dropped", "finding kind.dropped"),
                                     "metadata.labels.team": ("dropped", "metadata.labels.**")}, {"dropped"}),
}


@pytest.mark.parametrize("obj, as_service, fields, classes", CASES.values(), ids=CASES)
def test_fields_of_unplanned_objects_are_not_mapped(tmp_path, obj, as_service, fields, classes):
    (tmp_path / "app.yaml").write_text(yaml.safe_dump(obj, sort_keys=False))
    result = api.plan_estate(api.PlanOptions(paths=(str(tmp_path / "app.yaml"),), ledger_detail=True,
                                             stateful_as_service=as_service))
    [(_, ledger)] = result.ledgers
    by_field = {e.field: (e.cls, e.rule) for e in ledger.entries}
    assert {name: by_field[name] for name in fields} == fields
    assert {e.cls for e in ledger.entries} == classes


def test_unknown_kind_through_the_cli(tmp_path):
    """User trial: `migrate -v plan crd.yaml` said 0 warnings and listed the Widget's fields as mapped."""
    (tmp_path / "crd.yaml").write_text(yaml.safe_dump(WIDGET, sort_keys=False))
    result = run_cli("-v", "plan", "crd.yaml", "--ledger", "L/", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert ("crd.yaml:1: kind.not-mapped Widget w1 (example.com/v1) is not mapped to ECS and nothing is planned "
            "for it;") in result.stdout
    assert "default: 0 services, 0 errors, 1 warning, 0 info" in result.stdout
    assert "ledger: 4 fields, 0 mapped, 0 approximated, 0 dropped, 4 needs-decision" in result.stdout
    assert '"class": "mapped"' not in (tmp_path / "L" / "ledger.json").read_text()
