"""build_estate: every supported kind lands in its own part of the estate; others are kept as such."""

from __future__ import annotations

import pytest

from migrator.load.documents import parse_yaml
from migrator.model.build import WORKLOAD_KINDS, build_estate

PARTS = ("workloads", "services", "ingresses", "routes", "hpas", "config_maps", "secrets",
         "service_accounts", "pdbs", "others")
WORKLOAD_API = {"Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1",
                "ReplicaSet": "apps/v1", "Job": "batch/v1", "CronJob": "batch/v1"}


@pytest.mark.parametrize("api_version, kind, part", [
    *[(WORKLOAD_API.get(kind, "v1"), kind, "workloads") for kind in sorted(WORKLOAD_KINDS)],
    ("v1", "Service", "services"),
    ("networking.k8s.io/v1", "Ingress", "ingresses"),
    ("gateway.networking.k8s.io/v1", "HTTPRoute", "routes"),
    ("gateway.networking.k8s.io/v1", "GRPCRoute", "routes"),
    ("autoscaling/v2", "HorizontalPodAutoscaler", "hpas"),
    ("v1", "ConfigMap", "config_maps"),
    ("v1", "Secret", "secrets"),
    ("v1", "ServiceAccount", "service_accounts"),
    ("policy/v1", "PodDisruptionBudget", "pdbs"),
    ("v1", "LimitRange", "others"),
    ("example.com/v1", "Widget", "others"),
])
def test_each_kind_lands_in_its_part_of_the_estate(api_version, kind, part):
    doc = next(parse_yaml(f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x}}\n", "x.yaml"))
    estate, findings = build_estate([doc])
    assert {name: len(getattr(estate, name)) for name in PARTS if getattr(estate, name)} == {part: 1}
    assert findings == []
    assert getattr(estate, part)[0].meta.name == "x"
