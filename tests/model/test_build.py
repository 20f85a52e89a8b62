"""build_estate: every supported kind lands in its own part of the estate; others are kept as such."""

from __future__ import annotations

import pytest

from migrator.load.documents import parse_yaml
from migrator.model.build import WORKLOAD_KINDS, build_estate

PARTS = ("workloads", "services", "ingresses", "routes", "hpas", "config_maps", "secrets",
         "service_accounts", "pdbs", "others", "limit_ranges")
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
    ("v1", "LimitRange", "limit_ranges"),
    ("example.com/v1", "Widget", "others"),
])
def test_each_kind_lands_in_its_part_of_the_estate(api_version, kind, part):
    doc = next(parse_yaml(f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x}}\n", "x.yaml"))
    estate, findings = build_estate([doc])
    assert {name: len(getattr(estate, name)) for name in PARTS if getattr(estate, name)} == {part: 1}
    assert findings == []
    assert getattr(estate, part)[0].meta.name == "x"


LIMIT_RANGE = """\
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop}
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 512Mi}
    defaultRequest: {cpu: 250m, memory: 256Mi, ephemeral-storage: 1Gi}
    max: {cpu: "2"}
    min: {memory: 64Mi}
    maxLimitRequestRatio: {cpu: "4"}
  - type: PersistentVolumeClaim
    max: {storage: 10Gi}
"""


def test_limit_range_is_read_as_written():
    from migrator.findings import SourceRef
    from migrator.model.objects import LimitRange, LimitRangeItem, Meta, ResourceAmounts

    estate, findings = build_estate(parse_yaml(LIMIT_RANGE, "lr.yaml"))
    assert findings == []
    assert estate.limit_ranges == (LimitRange(
        meta=Meta("defaults", "shop"), source=SourceRef("lr.yaml", 1, ""),
        limits=(
            LimitRangeItem(
                "Container", default=ResourceAmounts(512, 512), default_request=ResourceAmounts(256, 256),
                max=ResourceAmounts(2048, None), min=ResourceAmounts(None, 64),
                written=("default.cpu", "default.memory", "defaultRequest.cpu", "defaultRequest.memory",
                         "defaultRequest.ephemeral-storage", "max.cpu", "min.memory", "maxLimitRequestRatio.cpu"),
                source=SourceRef("lr.yaml", 6, "spec.limits[0]"),
                field_sources={key: SourceRef("lr.yaml", line, f"spec.limits[0].{key}") for key, line in (
                    ("type", 6), ("default", 7), ("defaultRequest", 8), ("max", 9), ("min", 10),
                    ("maxLimitRequestRatio", 11))}),
            LimitRangeItem("PersistentVolumeClaim", written=("max.storage",),
                           source=SourceRef("lr.yaml", 12, "spec.limits[1]"),
                           field_sources={"type": SourceRef("lr.yaml", 12, "spec.limits[1].type"),
                                          "max": SourceRef("lr.yaml", 13, "spec.limits[1].max")})),
    ),)
    assert estate.limit_ranges_in("shop") == estate.limit_ranges
    assert estate.limit_ranges_in("default") == ()


@pytest.mark.parametrize("limits, code, message", [
    ("[{type: Container, default: {memory: lots}}]", "model.bad-quantity",
     "'lots' is not a Kubernetes quantity (examples: 250m, 1, 512Mi, 2Gi); the value is ignored"),
    ("{type: Container}", "model.wrong-type", "spec.limits should be a list, not dict; the field is ignored"),
])
def test_a_malformed_limit_range_is_a_located_finding(limits, code, message):
    text = f"apiVersion: v1\nkind: LimitRange\nmetadata: {{name: x}}\nspec:\n  limits: {limits}\n"
    estate, findings = build_estate(parse_yaml(text, "lr.yaml"))
    assert [(f.code, f.message, f.source.line) for f in findings] == [(code, message, 5)]
    assert len(estate.limit_ranges) == 1


CRON_JOB = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  startingDeadlineSeconds: 200
  jobTemplate:
    spec:
      backoffLimit: 2
      activeDeadlineSeconds: 900
      completions: 4
      parallelism: 2
      template:
        spec:
          containers:
          - name: run
            image: example/run:1
            lifecycle:
              preStop: {exec: {command: [sleep, "5"]}}
"""
JOB = """\
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  backoffLimit: 0
  template:
    spec:
      containers:
      - {name: run, image: example/run:1}
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - {name: web, image: example/web:1}
"""
JOB_FIELDS = ("active_deadline_seconds", "backoff_limit", "completions", "parallelism", "starting_deadline_seconds")


@pytest.mark.parametrize("text, values, lines, pre_stop", [
    # (values of JOB_FIELDS, {job_field_sources key: (line, yaml_path)}, (line, yaml_path) of preStop or None)
    (CRON_JOB, (900, 2, 4, 2, 200),
     {"startingDeadlineSeconds": (6, "spec.startingDeadlineSeconds"),
      "backoffLimit": (9, "spec.jobTemplate.spec.backoffLimit"),
      "activeDeadlineSeconds": (10, "spec.jobTemplate.spec.activeDeadlineSeconds"),
      "completions": (11, "spec.jobTemplate.spec.completions"),
      "parallelism": (12, "spec.jobTemplate.spec.parallelism"),
      "template": (13, "spec.jobTemplate.spec.template")},
     (19, "spec.jobTemplate.spec.template.spec.containers[0].lifecycle.preStop")),
    (JOB, (None, 0, None, None, None),
     {"backoffLimit": (5, "spec.backoffLimit"), "template": (6, "spec.template")}, None),
    (DEPLOYMENT, (None, None, None, None, None), {}, None),
])
def test_job_run_limits_are_read_with_their_lines(text, values, lines, pre_stop):
    estate, findings = build_estate(parse_yaml(text, "job.yaml"))
    [workload] = estate.workloads
    assert findings == []
    assert tuple(getattr(workload, name) for name in JOB_FIELDS) == values
    assert {k: (ref.line, ref.yaml_path) for k, ref in workload.job_field_sources.items()} == lines
    ref = workload.pod.containers[0].pre_stop
    assert (ref and (ref.line, ref.yaml_path)) == pre_stop


def test_a_job_limit_of_the_wrong_type_is_a_located_finding():
    estate, findings = build_estate(parse_yaml(JOB.replace("backoffLimit: 0", "backoffLimit: [1]"), "job.yaml"))
    assert [(f.code, f.message, f.source.line) for f in findings] == [
        ("model.wrong-type", "spec.backoffLimit should be a number, not list; the field is ignored", 5)]
    assert estate.workloads[0].backoff_limit is None
