"""Probes -> ALB target-group health checks, container health checks and grace periods."""

from __future__ import annotations

import pytest

from migrator.map import health
from migrator.map.health import container_health_check_for, target_health_check_for
from migrator.plan.model import ContainerHealthCheck, TargetHealthCheck

from .workloads import codes, container, context, dump, line_of, run, workload

PORTS = [{"name": "http", "containerPort": 8080}, {"name": "metrics", "containerPort": 9090}]


def http(path: str = "/ready", port="http", **extra) -> dict:
    scheme = extra.pop("scheme", None)
    headers = extra.pop("httpHeaders", None)
    get = {"path": path, "port": port, **({"scheme": scheme} if scheme else {}),
           **({"httpHeaders": headers} if headers else {})}
    return {"httpGet": get, **extra}


def probed(**probes):
    ctx = context(workload(containers=[container(ports=PORTS, **probes)]))
    return ctx.estate.workloads[0].pod.containers[0]


READINESS = {
    "named port is the traffic port": (
        http(periodSeconds=10, timeoutSeconds=2, failureThreshold=3), None,
        TargetHealthCheck("/ready", "traffic-port", "HTTP", "200-399", 10, 2, 2, 3), []),
    "another port of the container": (
        http("/metrics/ready", 9090), None, TargetHealthCheck("/metrics/ready", "9090", interval=10, timeout=2,
                                                              healthy_threshold=2, unhealthy_threshold=3), []),
    "target group on the metrics port": (
        http("/ready", 9090), 9090, TargetHealthCheck("/ready", "traffic-port", interval=10, timeout=2,
                                                      healthy_threshold=2, unhealthy_threshold=3), []),
    "https": (
        http(scheme="HTTPS"), None, TargetHealthCheck("/ready", "traffic-port", "HTTPS", interval=10, timeout=2,
                                                      healthy_threshold=2, unhealthy_threshold=3), []),
    "headers cannot be sent": (
        http(httpHeaders=[{"name": "Host", "value": "api.example.com"}]), None,
        TargetHealthCheck("/ready", interval=10, timeout=2, healthy_threshold=2, unhealthy_threshold=3),
        [("health.probe-headers", "warning")]),
    "timings outside the ALB limits": (
        http(periodSeconds=1, timeoutSeconds=30, successThreshold=12, failureThreshold=1), None,
        TargetHealthCheck("/ready", interval=5, timeout=4, healthy_threshold=10, unhealthy_threshold=2),
        [("health.probe-adjusted", "info")]),
    "tcp readiness": ({"tcpSocket": {"port": 8080}}, None, None, [("health.readiness-not-http", "warning")]),
    "exec readiness": ({"exec": {"command": ["ready.sh"]}}, None, None, [("health.readiness-not-http", "warning")]),
    "grpc readiness": ({"grpc": {"port": 8080}}, None, None, [("health.readiness-not-http", "warning")]),
    "unknown port name": (http(port="admin"), None, None, [("health.unknown-port", "warning")]),
}


@pytest.mark.parametrize("probe, target_port, expected, found", READINESS.values(), ids=READINESS)
def test_readiness_becomes_the_target_group_health_check(probe, target_port, expected, found):
    item = probed(readinessProbe=probe)
    check, findings = target_health_check_for(item, item.readiness_probe, target_port)
    assert check == expected
    assert codes(findings) == found


def test_adjusted_timings_are_listed():
    item = probed(readinessProbe=http(periodSeconds=1, timeoutSeconds=30, failureThreshold=1))
    _, findings = target_health_check_for(item, item.readiness_probe)
    assert findings[0].message == ("container api: readiness probe timings outside the ALB target-group limits are "
                                   "adjusted: periodSeconds 1 -> 5, timeoutSeconds 30 -> 4, failureThreshold 1 -> 2")


LIVENESS = {
    "exec": ({"livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}}},
             ContainerHealthCheck(("CMD", "cat", "/tmp/healthy"), interval=10, timeout=2, retries=3), []),
    "httpGet needs curl": (
        {"livenessProbe": http("/healthz", initialDelaySeconds=15, periodSeconds=20, timeoutSeconds=3)},
        ContainerHealthCheck(("CMD-SHELL", "curl -fs http://localhost:8080/healthz || exit 1"), 20, 3, 3, 15),
        [("health.liveness-needs-tool", "warning")]),
    "https with a header": (
        {"livenessProbe": http("/healthz", 8443, scheme="HTTPS", httpHeaders=[{"name": "X-Probe", "value": "1"}])},
        ContainerHealthCheck(("CMD-SHELL", "curl -fsk -H 'X-Probe: 1' https://localhost:8443/healthz || exit 1"),
                             10, 2, 3), [("health.liveness-needs-tool", "warning")]),
    "tcpSocket needs nc": ({"livenessProbe": {"tcpSocket": {"port": "metrics"}}},
                           ContainerHealthCheck(("CMD-SHELL", "nc -z localhost 9090 || exit 1"), 10, 2, 3),
                           [("health.liveness-needs-tool", "warning")]),
    "grpc needs grpc_health_probe": (
        {"livenessProbe": {"grpc": {"port": 9555, "service": "shop.Cart"}}},
        ContainerHealthCheck(("CMD-SHELL", "grpc_health_probe -addr=localhost:9555 -service=shop.Cart || exit 1"),
                             10, 2, 3), [("health.liveness-needs-tool", "warning")]),
    "startupProbe sets the start period": (
        {"livenessProbe": {"exec": {"command": ["true"]}, "initialDelaySeconds": 15},
         "startupProbe": {"exec": {"command": ["true"]}, "periodSeconds": 10, "failureThreshold": 12}},
        ContainerHealthCheck(("CMD", "true"), 10, 2, 3, 135), []),
    "start period above 300 s is capped": (
        {"livenessProbe": {"exec": {"command": ["true"]}},
         "startupProbe": {"exec": {"command": ["true"]}, "periodSeconds": 10, "failureThreshold": 60}},
        ContainerHealthCheck(("CMD", "true"), 10, 2, 3, 300), [("health.start-period-capped", "warning")]),
    "timings outside the ECS limits": (
        {"livenessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 600, "timeoutSeconds": 90,
                           "failureThreshold": 30}},
        ContainerHealthCheck(("CMD", "true"), 300, 60, 10), [("health.probe-adjusted", "info")]),
    "no liveness probe": ({}, None, []),
}


@pytest.mark.parametrize("probes, expected, found", LIVENESS.values(), ids=LIVENESS)
def test_liveness_becomes_the_container_health_check(probes, expected, found):
    check, findings = container_health_check_for(probed(**probes))
    assert check == expected
    assert codes(findings) == found


def test_service_carries_both_checks_and_the_grace_period():
    probes = dict(readinessProbe=http(initialDelaySeconds=5), livenessProbe={"exec": {"command": ["true"]}},
                  startupProbe={"exec": {"command": ["true"]}, "periodSeconds": 5, "failureThreshold": 24})
    service, _ = run(health.apply_health_checks, workload(containers=[container(ports=PORTS, **probes)]))
    assert (service.health_check_container, service.health_check.path, service.health_check.port) == \
        ("api", "/ready", "traffic-port")
    assert service.deployment.health_check_grace_period == 125  # 5 s initial delay + 24 x 5 s of startup
    assert service.containers[0].health_check.command == ("CMD", "true")


def test_jobs_get_container_checks_but_no_target_group_check():
    probes = dict(readinessProbe=http(), livenessProbe={"exec": {"command": ["true"]}})
    service, _ = run(health.apply_health_checks, workload(kind="CronJob", containers=[container(**probes)]))
    assert service.health_check is None and service.containers[0].health_check is not None


def test_findings_are_located_at_the_probe():
    doc = workload(containers=[container(readinessProbe=http(httpHeaders=[{"name": "Host", "value": "x"}]))])
    _, findings = run(health.apply_health_checks, doc)
    assert [(f.code, f.source.line) for f in findings] == [("health.probe-headers", line_of(dump(doc),
                                                                                            "readinessProbe:"))]


@pytest.mark.parametrize("probe_port, container_name, target_port, expected_port", [
    ("http", "api", 8080, "traffic-port"),
    ("http", "api", 9090, "8080"),  # the target group serves the metrics port; the probe checks 8080
    (9090, "api", 9090, "traffic-port"),
    (9090, "api", 8080, "9090"),
    ("http", "sidecar", 8080, None),  # another container's target group gets the ALB default
])
def test_health_check_for_each_target_group(probe_port, container_name, target_port, expected_port):
    from migrator.map.health import health_check_for_target

    doc = workload(containers=[container(ports=PORTS, readinessProbe=http("/ready", probe_port))])
    service, _ = run(health.apply_health_checks, doc)
    check = health_check_for_target(service, container_name, target_port)
    if expected_port is None:
        assert check == TargetHealthCheck()
    else:
        assert (check.path, check.port) == ("/ready", expected_port)
