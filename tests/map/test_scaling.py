"""HPA -> ECS service auto scaling: bounds, rebased targets, custom metrics, cooldowns."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from migrator.map import scaling
from migrator.map.scaling import UTILIZATION_RANGE, rebased_target

from .workloads import codes, container, context, dump, line_of, run, sized, workload


def hpa(metrics: list | None = None, low: int = 2, high: int = 6, behavior: dict | None = None,
        api: str = "autoscaling/v2", target: str = "api", spec: dict | None = None) -> dict:
    body = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
            "minReplicas": low, "maxReplicas": high}
    if metrics is not None:
        body["metrics"] = metrics
    if behavior:
        body["behavior"] = behavior
    return {"apiVersion": api, "kind": "HorizontalPodAutoscaler", "metadata": {"name": target, "namespace": "shop"},
            "spec": {**body, **(spec or {})}}


def resource(name: str, kind: str = "Utilization", value=None, container_name: str = "") -> dict:
    target = {"type": kind, "averageUtilization" if kind == "Utilization" else "averageValue": value}
    if container_name:
        return {"type": "ContainerResource",
                "containerResource": {"name": name, "container": container_name, "target": target}}
    return {"type": "Resource", "resource": {"name": name, "target": target}}


def custom(kind: str, name: str, value: str, target_type: str = "AverageValue") -> dict:
    key = {"Pods": "pods", "Object": "object", "External": "external"}[kind]
    body = {"metric": {"name": name}, "target": {"type": target_type,
                                                 "averageValue" if target_type == "AverageValue" else "value": value}}
    if kind == "Object":
        body["describedObject"] = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "name": "api"}
    return {"type": kind, key: body}


def policies(service) -> list[tuple]:
    return [(p.name, p.metric, p.target_value, p.scale_in_cooldown, p.scale_out_cooldown)
            for p in service.autoscaling.policies]


CPU, MEM = "ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization"
# The base container requests 250m (256 units) / 256Mi; its task is 512 units / 1024 MiB in prod.
CASES = {
    "cpu utilisation is rebased": (
        [resource("cpu", value=70)], [("cpu", CPU, 35.0, 300, 60)], [("scale.target-rebased", "info")]),
    "memory utilisation is rebased": (
        [resource("memory", value=80)], [("memory", MEM, 20.0, 300, 60)], [("scale.target-rebased", "info")]),
    "average value": (
        [resource("cpu", "AverageValue", "200m")], [("cpu", CPU, 40.04, 300, 60)], []),
    "no metric: the controller's 80% cpu": (
        [], [("cpu", CPU, 40.0, 300, 60)], [("scale.default-metric", "info"), ("scale.target-rebased", "info")]),
    "too low: clamped up": (
        [resource("cpu", value=10)], [("cpu", CPU, 10.0, 300, 60)], [("scale.target-clamped", "warning")]),
    "above the task: clamped down": (
        [resource("cpu", value=200)], [("cpu", CPU, 90.0, 300, 60)], [("scale.target-clamped", "warning")]),
    "requests per second": (
        [custom("Pods", "http_requests_per_second", "10")], [("requests", "ALBRequestCountPerTarget", 600.0, 300, 60)],
        [("scale.request-count", "info")]),
    "external queue length": (
        [custom("External", "queue_messages_ready", "30")], [("queue_messages_ready", "custom:shop/queue_messages_ready",
                                                               30.0, 300, 60)], [("scale.custom-metric", "warning")]),
    "object metric value": (
        [custom("Object", "latency_ms", "1k", "Value")], [("latency_ms", "custom:shop/latency_ms", 1000.0, 300, 60)],
        [("scale.custom-metric", "warning")]),
    "container metric": (
        [resource("cpu", value=70, container_name="api")], [("api-cpu", CPU, 35.0, 300, 60)],
        [("scale.container-metric", "warning"), ("scale.target-rebased", "info")]),
    "unreadable custom target": (
        [custom("Pods", "jobs", "lots")], [], [("scale.unsupported-metric", "warning")]),
}


@pytest.mark.parametrize("metrics, expected, found", CASES.values(), ids=CASES)
def test_hpa_metrics_become_target_tracking_policies(metrics, expected, found):
    service, findings = run(scaling.apply_autoscaling, workload(), hpa(metrics))
    assert (service.autoscaling.min_capacity, service.autoscaling.max_capacity) == (2, 6)
    assert (service.desired_count, service.count_owner) == (2, "autoscaling")
    assert policies(service) == expected
    assert codes(findings) == found


def test_autoscaling_v1():
    doc = hpa(api="autoscaling/v1", spec={"targetCPUUtilizationPercentage": 50})
    service, _ = run(scaling.apply_autoscaling, workload(), doc)
    assert policies(service) == [("cpu", CPU, 25.0, 300, 60)]
    assert service.autoscaling.policies[0].kubernetes_target == "cpu 50% of 256 CPU units requested"


def test_behavior_windows_become_cooldowns():
    behavior = {"scaleDown": {"stabilizationWindowSeconds": 600}, "scaleUp": {"stabilizationWindowSeconds": 30}}
    service, findings = run(scaling.apply_autoscaling, workload(), hpa([resource("cpu", value=70)], behavior=behavior))
    assert policies(service) == [("cpu", CPU, 35.0, 600, 30)]
    assert codes(findings) == [("scale.behavior-approximated", "info"), ("scale.target-rebased", "info")]


def test_missing_request_is_reported_and_measured_against_the_limit():
    limited = container(resources={"limits": {"cpu": "500m", "memory": "512Mi"}})
    service, findings = run(scaling.apply_autoscaling, workload(containers=[limited]), hpa([resource("cpu", value=60)]))
    assert policies(service) == [("cpu", CPU, 30.0, 300, 60)]  # 60% of the 512-unit limit on a 1024-unit task
    assert codes(findings) == [("scale.missing-request", "warning"), ("scale.target-rebased", "info")]


NO_REQUESTS = container(resources={})
REQUESTS_CPU_ONLY = container(resources={"requests": {"cpu": "250m"}})
MISSING_REQUEST_CASES = {
    # container, metric -> policy, findings; only a Utilization target is a share of the requests
    "memory AverageValue needs no request": (
        NO_REQUESTS, resource("memory", "AverageValue", "200Mi"), ("memory", MEM, 39.06, 300, 60), []),
    "cpu AverageValue needs no request": (
        NO_REQUESTS, resource("cpu", "AverageValue", "200m"), ("cpu", CPU, 80.08, 300, 60), []),
    "memory AverageValue beside a cpu-only request": (
        REQUESTS_CPU_ONLY, resource("memory", "AverageValue", "200Mi"), ("memory", MEM, 19.53, 300, 60), []),
    "memory Utilization without a memory request": (
        REQUESTS_CPU_ONLY, resource("memory", value=80), ("memory", MEM, 80.0, 300, 60),
        [("scale.missing-request", "warning", "HPA api targets memory utilisation but a container of api requests "
          "no memory, so Kubernetes could not compute it; the plan measures against 1024 MiB")]),
}


@pytest.mark.parametrize("app, metric, expected, found", MISSING_REQUEST_CASES.values(), ids=MISSING_REQUEST_CASES)
def test_only_utilization_targets_need_requests(app, metric, expected, found):
    service, findings = run(scaling.apply_autoscaling, workload(containers=[app]), hpa([metric]))
    assert policies(service) == [expected]
    assert [(f.code, str(f.severity), f.message) for f in findings if f.code != "scale.target-rebased"] == found


PROFILES = {
    # profile, replicas, HPA min-max -> autoscaling bounds or None, desired count, owner, findings
    "prod floor and ceiling": ("prod", 2, (1, 3), (2, 4), 2, "autoscaling", [("scale.profile-bounds", "info")]),
    "prod replicas above max": ("prod", 9, (2, 6), (2, 6), 6, "autoscaling", []),
    "prod replicas below min": ("prod", 1, (3, 6), (3, 6), 3, "autoscaling", []),
    "default profile keeps the HPA": ("default", 2, (1, 3), (1, 3), 2, "autoscaling", []),
    "staging: fixed count, no autoscaling": ("staging", 2, (2, 6), None, 1, "plan",
                                              [("scale.off-in-environment", "info")]),
}


@pytest.mark.parametrize("profile, replicas, bounds, expected, desired, owner, found", PROFILES.values(), ids=PROFILES)
def test_environment_profile_bounds_autoscaling(profile, replicas, bounds, expected, desired, owner, found):
    doc = hpa([resource("cpu", value=70)], *bounds)
    service, findings = run(scaling.apply_autoscaling, workload(spec={"replicas": replicas}), doc, profile=profile)
    got = None if service.autoscaling is None else (service.autoscaling.min_capacity, service.autoscaling.max_capacity)
    assert (got, service.desired_count, service.count_owner) == (expected, desired, owner)
    assert [c for c in codes(findings) if c[0] != "scale.target-rebased"] == found


def test_findings_are_located_at_the_metric():
    doc = hpa([resource("cpu", value=5)])
    text = dump(workload(), doc)
    _, findings = run(scaling.apply_autoscaling, workload(), doc)
    assert [(f.source.file, f.source.line) for f in findings] == [("app.yaml", line_of(text, "- type: Resource"))]


def test_second_hpa_and_hpas_without_a_service_are_reported():
    other = {**hpa([resource("cpu", value=70)]), "metadata": {"name": "api-2", "namespace": "shop"}}
    service, findings = run(scaling.apply_autoscaling, workload(), hpa([resource("cpu", value=70)]), other)
    assert ("scale.several-hpas", "warning") in codes(findings)
    ctx = context(workload(), workload(kind="StatefulSet", name="db"), hpa(target="gone"),
                  {**hpa(), "spec": {**hpa()["spec"], "scaleTargetRef": {"kind": "StatefulSet", "name": "db"}}})
    from migrator.map import map_environment
    plan = map_environment(ctx)
    missing = sorted(f.message for f in plan.findings if f.code == "scale.target-missing")
    assert missing == [
        "HPA api scales StatefulSet db, which is not planned as an ECS service; the HPA is not carried over",
        "HPA gone scales Deployment gone, which is not in this environment's manifests; the HPA is not carried over",
    ]


@settings(max_examples=60, deadline=None)
@given(cpu=st.integers(1, 8000), memory=st.integers(1, 30000), cpu_target=st.integers(1, 150),
       memory_target=st.integers(1, 150))
def test_rebased_targets_keep_the_absolute_scale_out_point(cpu, memory, cpu_target, memory_target):
    app = container(resources={"requests": {"cpu": f"{cpu}m", "memory": f"{memory}Mi"}})
    ctx = context(workload(containers=[app]), hpa([resource("cpu", value=cpu_target),
                                                   resource("memory", value=memory_target)]))
    item, service = sized(ctx)
    service, _ = scaling.apply_autoscaling(ctx, item, service)
    requested = {"cpu": item.pod.containers[0].resources.cpu_request, "memory": memory}
    size = {"cpu": service.task.cpu, "memory": service.task.memory}
    targets = {"cpu": cpu_target, "memory": memory_target}
    low, high = UTILIZATION_RANGE
    for policy in service.autoscaling.policies:
        kubernetes_point = targets[policy.name] / 100 * requested[policy.name]  # CPU units or MiB per task
        exact = 100 * kubernetes_point / size[policy.name]
        if low <= round(exact, 2) <= high:
            ecs_point = policy.target_value / 100 * size[policy.name]
            assert abs(ecs_point - kubernetes_point) <= size[policy.name] * 0.00005 + 1e-9
        else:  # out of the sane range: clamped to its nearest end (with a finding, tested above)
            assert policy.target_value == min(max(round(exact, 2), low), high)


@given(st.floats(1, 200), st.integers(1, 100_000), st.integers(1, 100_000))
def test_rebased_target_formula(percent, requested, task):
    assert abs(rebased_target(percent, requested, task) * task - percent * requested) <= task * 0.005 + 1e-6


def kube_service(target_port="http") -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api", "namespace": "shop"},
            "spec": {"selector": {"app": "api"}, "ports": [{"name": "web", "port": 80, "targetPort": target_port}]}}


def ingress() -> dict:
    backend = {"service": {"name": "api", "port": {"number": 80}}}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "api", "namespace": "shop"},
            "spec": {"ingressClassName": "alb", "rules": [{"host": "api.example.com", "http": {"paths": [
                {"path": "/", "pathType": "Prefix", "backend": backend}]}}]}}


RPS = custom("Pods", "http_requests_per_second", "10")
NO_ALB = ("api: Pods http_requests_per_second AverageValue 10 needs an ALB target group (ALBRequestCountPerTarget), "
          "but the service is not behind one (no Ingress or HTTPRoute reaches a container port of it), so the policy "
          "is left out; publish the metric to CloudWatch (namespace shop) and add a target tracking policy on it, or "
          "route the service through an Ingress")
# (documents besides the Deployment and its HPA, policies planned, scale.request-count-no-alb messages)
ALB_CASES = {
    "behind an Ingress: kept": (
        [kube_service(), ingress()], [("cpu", CPU), ("requests", "ALBRequestCountPerTarget")], []),
    "no Service, no Ingress": ([], [("cpu", CPU)], [NO_ALB]),
    "Service but no Ingress": ([kube_service()], [("cpu", CPU)], [NO_ALB]),
    "Ingress to an unresolvable named targetPort": (
        [kube_service(target_port="nope"), ingress()], [("cpu", CPU)], [NO_ALB]),
}


@pytest.mark.parametrize("others, expected, messages", ALB_CASES.values(), ids=ALB_CASES)
def test_request_count_policies_need_a_target_group(others, expected, messages):
    from migrator.map import map_environment
    autoscaler = hpa([resource("cpu", value=70), RPS])
    text = dump(workload(), autoscaler, *others)
    plan = map_environment(context(workload(), autoscaler, *others))
    service = plan.services[0]
    assert [(p.name, p.metric) for p in service.autoscaling.policies] == expected
    found = [f for f in plan.findings if f.code == "scale.request-count-no-alb"]
    assert [(f.message, str(f.severity), f.source.file, f.source.line) for f in found] == [
        (message, "warning", "app.yaml", line_of(text, "- type: Pods")) for message in messages]
