"""What each kind of workload becomes: service, scheduled task, one-off job, or a decision finding."""

from __future__ import annotations

import pytest

from migrator.config import ServiceOverride
from migrator.map import kinds, map_environment
from migrator.map.context import MapOptions
from migrator.map.kinds import image_words, known_image

from .workloads import codes, container, context, workload

STATEFUL = MapOptions(stateful_as_service=True)


def image(name: str) -> list:
    return [container(image=name)]


RUNS_AS = {
    "Deployment": (workload(), {}, kinds.SERVICE, []),
    "ReplicaSet": (workload(kind="ReplicaSet"), {}, kinds.SERVICE, [("kind.replica-set", "info")]),
    "ReplicationController": (workload(kind="ReplicationController"), {}, kinds.SERVICE,
                              [("kind.replication-controller", "warning")]),
    "StatefulSet": (workload(kind="StatefulSet"), {}, None, [("kind.stateful-set", "warning")]),
    "StatefulSet, opted in": (workload(kind="StatefulSet"), dict(options=STATEFUL), kinds.SERVICE,
                              [("kind.stateful-as-service", "warning")]),
    "StatefulSet, opted in by override": (
        workload(kind="StatefulSet"), dict(overrides={"api": ServiceOverride(stateful_as_service=True)}),
        kinds.SERVICE, [("kind.stateful-as-service", "warning")]),
    "DaemonSet": (workload(kind="DaemonSet"), {}, None, [("kind.daemon-set", "warning")]),
    "CronJob": (workload(kind="CronJob"), {}, kinds.SCHEDULED, []),
    "Job": (workload(kind="Job"), {}, kinds.JOB, [("kind.job", "info")]),
    "bare Pod": (workload(kind="Pod"), {}, None, [("kind.bare-pod", "warning")]),
    "Helm test Pod": (workload(kind="Pod", annotations={"helm.sh/hook": "test"}), {}, None,
                      [("kind.helm-test", "info")]),
}


@pytest.mark.parametrize("doc, options, expected, found", RUNS_AS.values(), ids=RUNS_AS)
def test_runs_as(doc, options, expected, found):
    ctx = context(doc, **options)
    runs_as, findings = kinds.runs_as(ctx, ctx.estate.workloads[0])
    assert runs_as == expected
    assert codes(findings) == found


@pytest.mark.parametrize("kind, name, advice", [
    ("StatefulSet", "postgres:16", "StatefulSet api is not planned: ECS services have no stable pod identity or "
     "per-pod disks; move the data to Amazon RDS for PostgreSQL or Aurora PostgreSQL (image postgres:16)"),
    ("StatefulSet", "ghcr.io/stefanprodan/podinfo:6.14.1", "StatefulSet api is not planned: ECS services have no "
     "stable pod identity or per-pod disks; if it keeps no state that must outlive a task, opt in with "
     "--stateful-as-service or services.api.stateful_as_service: true in migrate.yaml"),
    ("DaemonSet", "fluent/fluent-bit:3.0", "DaemonSet api runs one pod per node; Fargate has no nodes, so it is not "
     "planned: use a FireLens log router sidecar (awsfirelens) or the awslogs driver; there are no node logs to "
     "collect"),
    ("DaemonSet", "example/agent:1", "DaemonSet api runs one pod per node; Fargate has no nodes, so it is not "
     "planned: add it as a sidecar to the tasks that need it, or drop it if it only served the nodes"),
])
def test_decision_findings_name_what_to_use_instead(kind, name, advice):
    ctx = context(workload(kind=kind, containers=image(name)))
    _, findings = kinds.runs_as(ctx, ctx.estate.workloads[0])
    assert findings[0].message == advice


@pytest.mark.parametrize("name, words", [
    ("postgres:16", ("postgres", ["postgres"])),
    ("docker.io/bitnami/postgresql:15.4.0", ("docker.io/bitnami/postgresql", ["postgresql"])),
    ("localhost:5000/redis", ("localhost:5000/redis", ["redis"])),
    ("mongo@sha256:abc", ("mongo", ["mongo"])),
    ("confluentinc/cp-kafka:7.6.0", ("confluentinc/cp-kafka", ["cp", "kafka"])),
])
def test_image_words(name, words):
    assert image_words(name) == words


@pytest.mark.parametrize("table, name, expected", [
    ("stateful", "ghcr.io/documentdb/documentdb/documentdb-local:pg17-0.112.0",
     "Amazon DocumentDB (with MongoDB compatibility)"),
    ("stateful", "rabbitmq:4.3.2-management-alpine", "Amazon MQ for RabbitMQ"),
    ("stateful", "confluentinc/cp-kafka:7.6.0", "Amazon MSK (Managed Streaming for Apache Kafka)"),
    ("stateful", "redis:7-alpine", "Amazon ElastiCache (Valkey or Redis OSS)"),
    ("stateful", "bitnami/mysql:8", "Amazon RDS for MySQL / MariaDB or Aurora MySQL"),
    ("stateful", "ghcr.io/stefanprodan/podinfo:6.14.1", None),
    ("stateful", "example/redistribute:1", None),  # words, not substrings
    ("daemon", "datadog/agent:7", "CloudWatch Container Insights, or the agent as a sidecar in each task that needs it"),
    ("daemon", "quay.io/prometheus/node-exporter:v1.8.0",
     "CloudWatch Container Insights, or the agent as a sidecar in each task that needs it"),
])
def test_known_images(table, name, expected):
    ctx = context(workload(containers=image(name)))
    known = known_image(ctx.estate.workloads[0], table)
    assert (known[1].get("service") or known[1].get("instead") if known else None) == expected


def cron(**spec) -> dict:
    return workload(kind="CronJob", name="report", spec=spec)


CRON = {
    "daily with a time zone": (
        cron(schedule="30 2 * * 1-5", timeZone="Europe/Paris"),
        [("report", "cron(30 2 ? * MON-FRI *)", "Europe/Paris", True)], []),
    "no time zone: UTC assumed": (
        cron(schedule="@hourly"), [("report", "cron(0 * * * ? *)", "UTC", True)],
        [("schedule.timezone-assumed", "info")]),
    "CRON_TZ prefix": (
        cron(schedule="CRON_TZ=America/New_York 0 6 * * *"),
        [("report", "cron(0 6 * * ? *)", "America/New_York", True)], []),
    "suspended and Forbid": (
        cron(schedule="0 0 * * *", timeZone="UTC", suspend=True, concurrencyPolicy="Forbid"),
        [("report", "cron(0 0 * * ? *)", "UTC", False)],
        [("schedule.concurrency", "warning"), ("schedule.suspended", "info")]),
    "both day fields: two schedules": (
        cron(schedule="0 9 1 * MON", timeZone="UTC"),
        [("report", "cron(0 9 1 * ? *)", "UTC", True), ("report-by-weekday", "cron(0 9 ? * MON *)", "UTC", True)],
        [("schedule.split", "info")]),
    "not convertible": (cron(schedule="0 0 1 * */2", timeZone="UTC"), [], [("schedule.not-convertible", "error")]),
}


@pytest.mark.parametrize("doc, expected, found", CRON.values(), ids=CRON)
def test_cronjobs_become_scheduled_tasks(doc, expected, found):
    plan = map_environment(context(doc))
    assert [(t.name, t.schedule, t.timezone, t.enabled) for t in plan.scheduled_tasks] == expected
    assert [c for c in codes(plan.findings) if c[0].startswith("schedule.")] == found
    assert plan.services == ()


def test_scheduled_task_carries_the_task_definition():
    doc = workload(kind="CronJob", name="report", pod={"serviceAccountName": "reporter"},
                   containers=[container(resources={"requests": {"cpu": "1", "memory": "3Gi"}})])
    account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {
        "name": "reporter", "namespace": "shop",
        "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/reporter"}}}
    task = map_environment(context(doc, account)).scheduled_tasks[0]
    assert (task.task.cpu, task.task.memory, task.task_role_arn) == (1024, 3072, "arn:aws:iam::1:role/reporter")
    assert [c.name for c in task.containers] == ["api"]


def test_jobs_become_one_off_task_definitions():
    plan = map_environment(context(workload(kind="Job", name="migrate-db"), workload()))
    assert [(j.name, j.task.cpu, j.task.memory) for j in plan.jobs] == [("migrate-db", 256, 512)]
    assert [s.name for s in plan.services] == ["api"]


def test_stateful_set_is_planned_only_when_asked():
    doc = workload(kind="StatefulSet", name="cache", containers=image("redis:7"))
    assert map_environment(context(doc)).services == ()
    planned = map_environment(context(doc, options=STATEFUL))
    assert [(s.name, s.workload_kind) for s in planned.services] == [("cache", "StatefulSet")]
    finding = next(f for f in planned.findings if f.code == "kind.stateful-as-service")
    assert finding.message.endswith("its image redis:7 looks like a data store: Amazon ElastiCache (Valkey or "
                                    "Redis OSS) keeps it managed")


def _object(api_version: str, kind: str, name: str = "x") -> dict:
    return {"apiVersion": api_version, "kind": kind, "metadata": {"name": name}}


OTHERS = {
    "unknown CRD": (_object("example.com/v1", "Widget", "w1"), "kind.not-mapped", "warning",
                    "Widget w1 (example.com/v1) is not mapped to ECS and nothing is planned for it; if a controller "
                    "or operator acts on it, find the AWS service or Terraform that replaces it and add that by "
                    "hand; if nothing does, remove it from the input"),
    "Istio Gateway is not the Gateway API's": (
        _object("networking.istio.io/v1beta1", "Gateway", "gw"), "kind.not-mapped", "warning",
        "Gateway gw (networking.istio.io/v1beta1) is not mapped to ECS and nothing is planned for it; if a "
        "controller or operator acts on it, find the AWS service or Terraform that replaces it and add that by "
        "hand; if nothing does, remove it from the input"),
    "NetworkPolicy": (_object("networking.k8s.io/v1", "NetworkPolicy", "deny"), "kind.not-mapped", "warning",
                      "NetworkPolicy deny (networking.k8s.io/v1) is not mapped to ECS and nothing is planned for "
                      "it; write the traffic it allows as security group rules between the ECS services"),
    "Namespace": (_object("v1", "Namespace", "shop"), "kind.dropped", "info",
                  "Namespace shop (v1) is not planned: its name lives on in the ECS service and secret names"),
    "Gateway API Gateway": (
        _object("gateway.networking.k8s.io/v1", "Gateway", "web"), "kind.replaced", "info",
        "Gateway web (gateway.networking.k8s.io/v1) is not planned itself: the planned ALB and its listeners "
        "stand in for it: check the listeners and certificates in the plan"),
    "EndpointSlice": (_object("discovery.k8s.io/v1", "EndpointSlice", "db-1"), "kind.not-mapped", "warning",
                      "EndpointSlice db-1 (discovery.k8s.io/v1) is not mapped to ECS and nothing is planned for "
                      "it; give the addresses behind it a Route 53 record or a Cloud Map service"),
}


@pytest.mark.parametrize("doc, code, severity, message", OTHERS.values(), ids=OTHERS)
def test_kinds_no_mapper_reads_are_reported(doc, code, severity, message):
    plan = map_environment(context(doc))
    assert [(f.code, str(f.severity), f.message) for f in plan.findings if f.code.startswith("kind.")] == [
        (code, severity, message)]


def test_every_disposition_names_a_kubernetes_kind_with_a_known_verdict():
    from migrator import data

    table = data.table("kinds")
    for kind, (disposition, why) in table["not_planned"].items():
        assert kind in table["kinds"], kind  # else the apiVersion check would treat it as a CRD
        assert disposition in ("dropped", "replaced", "decide") and why, kind


LIMIT_RANGE = {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "defaults", "namespace": "shop"},
               "spec": {"limits": [
                   {"type": "Container", "default": {"memory": "512Mi"}, "defaultRequest": {"memory": "256Mi"}},
                   {"type": "Container", "max": {"cpu": "2"}, "maxLimitRequestRatio": {"cpu": "4"},
                    "default": {"ephemeral-storage": "1Gi"}},
                   {"type": "Pod", "max": {"cpu": "4"}},
                   {"type": "PersistentVolumeClaim", "max": {"storage": "10Gi"}}]}}


def test_limit_range_parts_nothing_plans_are_reported_at_their_entry():
    import yaml as _yaml

    text = _yaml.safe_dump_all([LIMIT_RANGE, workload()], sort_keys=False)
    lines = text.splitlines()

    def line(needle: str, nth: int = 0) -> int:
        return [i for i, x in enumerate(lines, 1) if needle in x][nth]

    env = map_environment(context(LIMIT_RANGE, workload()))
    found = [(f.code, str(f.severity), f.message, f.source.line, f.source.yaml_path) for f in env.findings
             if f.code in ("size.limit-range-bounds", "size.limit-range-not-planned")]
    assert found == [
        ("size.limit-range-bounds", "info", "LimitRange shop/defaults spec.limits[1] also sets "
         "default.ephemeral-storage, max.cpu, maxLimitRequestRatio.cpu; the pods were checked against it when they "
         "were admitted, and nothing on ECS checks task sizes again: a size set in migrate.yaml or by hand is not "
         "held to it", line("default:", 1), "spec.limits[1].default"),
        ("size.limit-range-not-planned", "info", "LimitRange shop/defaults spec.limits[2] (type Pod) bounds whole "
         "pods; ECS has no per-namespace bounds and the plan's task sizes and volumes are explicit, so nothing is "
         "planned for it: review the sizes in the plan against it, or cap spending with Service Quotas",
         line("- type: Pod"), "spec.limits[2]"),
        ("size.limit-range-not-planned", "info", "LimitRange shop/defaults spec.limits[3] (type "
         "PersistentVolumeClaim) bounds whole objects of that type; ECS has no per-namespace bounds and the plan's "
         "task sizes and volumes are explicit, so nothing is planned for it: review the sizes in the plan against "
         "it, or cap spending with Service Quotas", line("- type: PersistentVolumeClaim"), "spec.limits[3]"),
    ]
    assert not [f for f in env.findings if f.code.startswith("kind.")]
