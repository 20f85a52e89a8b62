"""`migrate plan --from-cluster` against a recorded API server.

No Kubernetes API server can run on our machines. These tests start a small HTTP server on
127.0.0.1 with a random port (tests/load/cluster_server.py) that answers the list endpoints with
hand-written recordings shaped like a real server's responses (tests/fixtures/cluster/), and
point a kubeconfig at it. The official `kubernetes` client makes real HTTP requests to it.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from migrator.findings import InputError, Severity
from migrator.load.cluster import REDACTED, read_cluster
from tests.conftest import run_cli
from tests.load.cluster_server import FIXTURES, PLANTED_SECRET, RecordedApiServer, write_kubeconfig


@pytest.fixture
def cluster(tmp_path, monkeypatch):
    with RecordedApiServer() as server:
        monkeypatch.setenv("KUBECONFIG", str(write_kubeconfig(tmp_path / "kubeconfig", server.url)))
        yield server


def _secret_texts() -> list[str]:
    """The planted value (every recorded Secret value contains it) and the encoded values."""
    secrets = json.loads((FIXTURES / "core_v1_secrets.json").read_text())
    encoded = [v for item in secrets["items"] for k, v in item.get("data", {}).items() if k != "namespace"]
    assert all(PLANTED_SECRET in base64.b64decode(v).decode() for v in encoded)
    return [PLANTED_SECRET, *encoded]


def _files(docs):
    return sorted(d.file for d in docs)


EXPECTED_FILES = sorted([
    "cluster:recorded/shop/Deployment/storefront", "cluster:recorded/shop/Deployment/checkout",
    "cluster:recorded/shop/StatefulSet/orders-db", "cluster:recorded/shop/DaemonSet/log-agent",
    "cluster:recorded/shop/CronJob/nightly-report", "cluster:recorded/shop/Job/db-migrate-v42",
    "cluster:recorded/shop/Service/storefront", "cluster:recorded/shop/Service/checkout",
    "cluster:recorded/shop/Service/orders-db", "cluster:recorded/shop/Ingress/storefront",
    "cluster:recorded/shop/HTTPRoute/checkout-api", "cluster:recorded/shop/HorizontalPodAutoscaler/storefront",
    "cluster:recorded/shop/ConfigMap/storefront-config", "cluster:recorded/shop/Secret/checkout-secrets",
    "cluster:recorded/shop/ServiceAccount/storefront", "cluster:recorded/shop/PodDisruptionBudget/storefront",
])


def test_reads_every_kind_into_named_documents(cluster):
    docs, findings = read_cluster()
    assert _files(docs) == EXPECTED_FILES
    assert all(d.line == 0 and d.origin == "cluster:recorded" for d in docs)
    assert [f.message for f in findings if f.code == "cluster.skipped"] == [
        "1 Jobs started by CronJobs (their CronJob is planned) skipped",
        "2 kube-root-ca.crt ConfigMaps and default ServiceAccounts created by Kubernetes skipped",
        "2 objects of kube-* system namespaces skipped",
        "2 service-account tokens and Helm release records (Secrets) skipped",
        "1 the `kubernetes` Service of the API server skipped",
    ]
    assert {f.severity for f in findings} == {Severity.INFO}


def test_status_and_bookkeeping_are_stripped(cluster):
    docs, _ = read_cluster()
    storefront = next(d for d in docs if d.file.endswith("Deployment/storefront"))
    assert storefront.data["apiVersion"] == "apps/v1" and storefront.data["kind"] == "Deployment"
    assert sorted(storefront.data["metadata"]) == ["annotations", "labels", "name", "namespace"]
    assert storefront.data["metadata"]["annotations"] == {"deployment.kubernetes.io/revision": "4"}
    assert all("status" not in d.data and "managedFields" not in d.data["metadata"] for d in docs)


def test_secret_values_never_leave_the_loader(cluster):
    docs, findings = read_cluster()
    secret = next(d for d in docs if d.data["kind"] == "Secret")
    assert secret.data["data"] == {"payment-api-key": REDACTED, "db-password": REDACTED}
    text = json.dumps([d.data for d in docs]) + repr(findings)
    for value in _secret_texts():
        assert value not in text


def test_namespace_reads_only_that_namespace(cluster):
    docs, _ = read_cluster(context="other", namespace="shop")
    assert _files(docs) == [f.replace("recorded", "other") for f in EXPECTED_FILES]
    lists = [p for p in cluster.requests]
    assert lists and all("/namespaces/shop/" in p for p in lists)


@pytest.mark.parametrize("server_options, code, severity", [
    ({"forbidden": ("secrets",)}, "cluster.cannot-list", Severity.WARNING),
    ({"missing": ("httproutes",)}, "cluster.no-gateway-api", Severity.INFO),
])
def test_kinds_the_server_will_not_list(tmp_path, monkeypatch, server_options, code, severity):
    with RecordedApiServer(**server_options) as server:
        monkeypatch.setenv("KUBECONFIG", str(write_kubeconfig(tmp_path / "kubeconfig", server.url)))
        docs, findings = read_cluster()
    assert [(f.code, f.severity) for f in findings if f.code == code] == [(code, severity)]
    assert "cluster:recorded/shop/Deployment/storefront" in _files(docs)


def _closed_port_url() -> str:
    with RecordedApiServer() as server:
        url = server.url
    return url


@pytest.mark.parametrize("case, code", [
    ("unknown-context", "cluster.unknown-context"),
    ("no-kubeconfig", "cluster.no-kubeconfig"),
    ("unreachable", "cluster.unreachable"),
    ("bad-token", "cluster.unauthorized"),
])
def test_cluster_errors_are_input_errors(tmp_path, monkeypatch, case, code):
    with RecordedApiServer() as server:
        url = _closed_port_url() if case == "unreachable" else server.url
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", url, token="wrong" if case == "bad-token" else
                                      "test-token")
        monkeypatch.setenv("KUBECONFIG", str(tmp_path / "none") if case == "no-kubeconfig" else str(kubeconfig))
        with pytest.raises(InputError) as exc:
            read_cluster(context="prod" if case == "unknown-context" else "")
    assert exc.value.code == code


def test_plan_from_cluster_end_to_end(cluster, tmp_path):
    plan = tmp_path / "plan.yaml"
    result = run_cli("plan", "--from-cluster", "--context", "recorded", "--out", str(plan), "-v",
                     cwd=tmp_path, env={"KUBECONFIG": str(Path(tmp_path / "kubeconfig"))})
    assert result.code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    text = plan.read_text()
    assert "name: storefront" in text and "name: checkout" in text
    assert "cluster:recorded/shop/Deployment/storefront" in text
    for value in _secret_texts():
        assert value not in text and value not in result.stdout and value not in result.stderr
