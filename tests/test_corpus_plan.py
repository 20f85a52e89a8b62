"""`migrate plan` on every corpus app (../shared/corpus): raw manifests, Helm charts with default
and feature values, kustomize bases, overlays and stacked components.

For each: the CLI exits 0 or 1 without a traceback; every Deployment of the rendered input
becomes a planned ECS service or a located finding naming it; every task size is a valid
Fargate combination that covers the summed requests. The checks use `api.plan_estate` and the
loader directly, the exit code the real CLI.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migrator import api
from migrator.config import load_config
from migrator.load.sources import load_documents
from migrator.map.sizing import fargate_sizes
from tests.conftest import CORPUS, run_cli

BOUTIQUE_FEATURES = ["networkPolicies.create=true", "opentelemetryCollector.create=true",
                     "googleCloudOperations.tracing=true", "seccompProfile.enable=true", "sidecars.create=true",
                     "authorizationPolicies.create=true"]
COMPONENT_TESTS = "online-boutique-kustomize/src/kustomize/tests"

# (id, paths under the corpus, environment of a migrate.yaml written for the case or None)
CASES = [
    ("online-boutique-raw", ["online-boutique-raw"], None),
    ("online-boutique-release", ["online-boutique-raw/src/release/kubernetes-manifests.yaml"], None),
    ("aks-store-raw", ["aks-store-raw"], None),
    ("bookinfo-raw", ["bookinfo-raw"], None),
    ("online-boutique-helm", ["online-boutique-helm"], None),
    ("online-boutique-helm-features", ["online-boutique-helm/src/helm-chart"],
     {"online-boutique-helm/src/helm-chart": {"set": BOUTIQUE_FEATURES}}),
    ("podinfo-helm", ["podinfo-helm/src/charts/podinfo"], None),
    ("podinfo-helm-all-features", ["podinfo-helm/src/charts/podinfo"],
     {"podinfo-helm/src/charts/podinfo": {"values": ["podinfo-helm/values-features/all-features.yaml"]}}),
    ("podinfo-helm-prod-values", ["podinfo-helm/src/charts/podinfo"],
     {"podinfo-helm/src/charts/podinfo": {"values": ["podinfo-helm/src/charts/podinfo/values-prod.yaml"]}}),
    ("aks-store-helm", ["aks-store-helm"], None),
    ("online-boutique-kustomize", ["online-boutique-kustomize"], None),
    ("boutique-istio-all-components", [f"{COMPONENT_TESTS}/service-mesh-istio-with-all-components"], None),
    ("boutique-memorystore-all-components", [f"{COMPONENT_TESTS}/memorystore-with-all-components"], None),
    ("boutique-spanner-all-components", [f"{COMPONENT_TESTS}/spanner-with-all-components"], None),
    ("podinfo-kustomize", ["podinfo-kustomize"], None),
    ("podinfo-kustomize-overlays", ["podinfo-kustomize/src/deploy/overlays"], None),
]
NEEDS_KUSTOMIZE = {"online-boutique-raw", "online-boutique-kustomize", "boutique-istio-all-components",
                   "boutique-memorystore-all-components", "boutique-spanner-all-components", "podinfo-kustomize",
                   "podinfo-kustomize-overlays"}


def _project_file(tmp_path: Path, helm: dict | None) -> str | None:
    if helm is None:
        return None
    lines = ["environments:", "  features:", "    helm:"]
    for chart, spec in helm.items():
        lines.append(f"      {CORPUS / chart}:")
        for key, items in spec.items():
            lines.append(f"        {key}:")
            lines.extend(f"          - {item if key == 'set' else CORPUS / item}" for item in items)
    (tmp_path / "migrate.yaml").write_text("\n".join(lines) + "\n")
    return str(tmp_path / "migrate.yaml")


def _deployments(paths: list[str], config_file: str | None):
    config = load_config(paths, config_file)
    found = []
    for env in config.environments:
        docs, _ = load_documents(paths, config, env)
        found += [(env.name, d) for d in docs if d.data.get("kind") == "Deployment"]
    return found


def _accounted_for(env_plan, doc) -> bool:
    meta = doc.data.get("metadata") or {}
    name, namespace = str(meta.get("name")), str(meta.get("namespace") or "default")
    for service in env_plan.services:
        same_source = (service.source.file, service.source.line) == (doc.file, doc.line)
        if same_source and service.namespace == namespace and service.name.startswith(name[:200]):
            return True
    return any(name in f.message and f.source.file for f in env_plan.findings)


@pytest.mark.parametrize("case_id, relative, helm", CASES, ids=[c[0] for c in CASES])
def test_corpus_plans(corpus, tmp_path, case_id, relative, helm):
    if case_id in NEEDS_KUSTOMIZE and not (shutil.which("kubectl") or shutil.which("kustomize")):
        pytest.skip("kubectl or kustomize is needed to render kustomizations")
    paths = [str(corpus / p) for p in relative]
    config_file = _project_file(tmp_path, helm)
    extra = ["--config", config_file] if config_file else []
    result = run_cli("plan", *paths, *extra, "--out", str(tmp_path / "plan.yaml"), "--format", "json",
                     cwd=tmp_path)
    assert result.code in (0, 1), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert (tmp_path / "plan.yaml").is_file()

    plan = api.plan_estate(api.PlanOptions(paths=tuple(paths), config=config_file)).plan
    deployments = _deployments(paths, config_file)
    assert deployments, "every corpus app has Deployments"
    by_env = {e.name: e for e in plan.environments}
    missing = [(env, d.file, d.data["metadata"].get("name")) for env, d in deployments
               if not _accounted_for(by_env[env], d)]
    assert missing == []
    valid = set(fargate_sizes())
    for env_plan in plan.environments:
        for service in env_plan.services:
            task = service.task
            assert (task.cpu, task.memory) in valid, service.name
            assert task.cpu >= task.requested_cpu and task.memory >= task.requested_memory, service.name
