"""Probes -> health checks.

- readinessProbe (httpGet) -> the ALB target-group health check (ServicePlan.health_check, for
  the target groups of ServicePlan.health_check_container). The traffic mapper that creates
  target groups calls `target_health_check_for(container, probe, target_port)` or reads that field.
- livenessProbe -> the container health check (ECS replaces the task when it fails).
- startupProbe -> the container health check's startPeriod and the service's grace period.
"""

from __future__ import annotations

import dataclasses
import shlex

from migrator.findings import Finding, info, warning
from migrator.map.context import MapContext
from migrator.model.objects import Container, Probe, Workload
from migrator.plan.model import ContainerHealthCheck, ServicePlan, TargetHealthCheck

# ALB target-group limits: interval 5-300 s, timeout 2-120 s, thresholds 2-10.
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
TARGET_INTERVAL, TARGET_TIMEOUT, TARGET_THRESHOLD = (5, 300), (2, 120), (2, 10)
# ECS container health checks: interval 5-300 s, timeout 2-60 s, retries 1-10, startPeriod 0-300 s.
# https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html
CONTAINER_INTERVAL, CONTAINER_TIMEOUT, CONTAINER_RETRIES, START_PERIOD_MAX = (5, 300), (2, 60), (1, 10), 300


def _clamp(value: int, bounds: tuple[int, int]) -> int:
    return min(max(value, bounds[0]), bounds[1])


def probe_port(container: Container, probe: Probe) -> int | None:
    """The probe's port as a number: named ports resolve through the container's ports."""
    if isinstance(probe.port, int):
        return probe.port
    for port in container.ports:
        if probe.port and port.name == probe.port:
            return port.container_port
    if probe.port is None and container.ports:
        return container.ports[0].container_port
    return None


def target_health_check_for(container: Container, probe: Probe,
                            target_port: int | None = None) -> tuple[TargetHealthCheck | None, list[Finding]]:
    """The ALB health check equivalent to a readinessProbe; `target_port` is the container port
    the target group sends traffic to (default: the container's first port)."""
    where = probe.source
    if probe.kind != "httpGet":
        return None, [warning("health.readiness-not-http", f"container {container.name}: the {probe.kind} readiness "
                              "probe has no ECS equivalent: Service Connect sends traffic once the task runs, and "
                              "an ALB target group can only check HTTP (it would check GET / on the traffic port); "
                              "give the app an HTTP readiness endpoint, or rely on the container health check", where)]
    findings: list[Finding] = []
    port = probe_port(container, probe)
    if port is None:
        return None, [warning("health.unknown-port", f"container {container.name}: readiness probe port "
                              f"{probe.port!r} is not a port of the container; set the health check by hand", where)]
    if target_port is None and container.ports:
        target_port = container.ports[0].container_port
    if probe.headers:
        names = ", ".join(name for name, _ in probe.headers)
        findings.append(warning("health.probe-headers", f"container {container.name}: the readiness probe sends "
                                f"headers ({names}); ALB health checks cannot, so make {probe.path} answer without "
                                "them", where))
    interval = _clamp(probe.period_seconds, TARGET_INTERVAL)
    check = TargetHealthCheck(
        path=probe.path or "/",
        port="traffic-port" if port == target_port else str(port),
        protocol="HTTPS" if probe.scheme == "HTTPS" else "HTTP",
        matcher="200-399",  # the kubelet counts 200-399 as success
        interval=interval,
        timeout=min(_clamp(probe.timeout_seconds, TARGET_TIMEOUT), interval - 1),
        healthy_threshold=_clamp(probe.success_threshold, TARGET_THRESHOLD),
        unhealthy_threshold=_clamp(probe.failure_threshold, TARGET_THRESHOLD),
    )
    findings.extend(_clamped(container, "readiness", "ALB target-group", [
        ("periodSeconds", probe.period_seconds, check.interval),
        ("timeoutSeconds", probe.timeout_seconds, check.timeout),
        ("successThreshold", probe.success_threshold, check.healthy_threshold),
        ("failureThreshold", probe.failure_threshold, check.unhealthy_threshold)], where))
    return check, findings


# Kubernetes defaults that sit just below an AWS minimum move up without a finding: every probe
# that leaves them out would otherwise report the same one-second change.
_DEFAULT_TO_MINIMUM = {("successThreshold", 1, 2), ("timeoutSeconds", 1, 2)}


def _clamped(container: Container, which: str, limit: str, pairs, where) -> list[Finding]:
    changed = [f"{name} {old} -> {new}" for name, old, new in pairs
               if old != new and (name, old, new) not in _DEFAULT_TO_MINIMUM]
    if not changed:
        return []
    return [info("health.probe-adjusted", f"container {container.name}: {which} probe timings outside the "
                 f"{limit} limits are adjusted: {', '.join(changed)}", where)]


def liveness_command(container: Container, probe: Probe) -> tuple[tuple[str, ...] | None, str]:
    """The container health-check command for a probe, and the tool the image must contain."""
    port = probe_port(container, probe)
    if probe.kind == "exec":
        return ("CMD", *probe.command), ""
    if port is None:
        return None, ""
    if probe.kind == "httpGet":
        scheme = "https" if probe.scheme == "HTTPS" else "http"
        headers = " ".join(f"-H {shlex.quote(f'{name}: {value}')}" for name, value in probe.headers)
        flags = "-fsk" if scheme == "https" else "-fs"  # the kubelet does not verify certificates
        url = shlex.quote(f"{scheme}://localhost:{port}{probe.path or '/'}")
        return ("CMD-SHELL", " ".join(x for x in ("curl", flags, headers, url, "|| exit 1") if x)), "curl"
    if probe.kind == "tcpSocket":
        return ("CMD-SHELL", f"nc -z localhost {port} || exit 1"), "nc"
    if probe.kind == "grpc":
        service = f" -service={shlex.quote(probe.grpc_service)}" if probe.grpc_service else ""
        return ("CMD-SHELL", f"grpc_health_probe -addr=localhost:{port}{service} || exit 1"), "grpc_health_probe"
    return None, ""


def startup_seconds(container: Container) -> int:
    """How long Kubernetes lets the container start before liveness counts."""
    seconds = container.liveness_probe.initial_delay_seconds if container.liveness_probe else 0
    startup = container.startup_probe
    if startup is not None:
        seconds += startup.initial_delay_seconds + startup.period_seconds * startup.failure_threshold
    return seconds


def container_health_check_for(container: Container) -> tuple[ContainerHealthCheck | None, list[Finding]]:
    probe = container.liveness_probe
    if probe is None:
        return None, []
    command, tool = liveness_command(container, probe)
    if command is None:
        return None, [warning("health.unknown-port", f"container {container.name}: liveness probe port "
                              f"{probe.port!r} is not a port of the container; add the health check by hand",
                              probe.source)]
    findings: list[Finding] = []
    if tool:
        findings.append(warning("health.liveness-needs-tool", f"container {container.name}: the {probe.kind} "
                                f"liveness probe becomes `{command[1]}`, so the image must contain {tool} "
                                "(or replace the command)", probe.source))
    start = startup_seconds(container)
    if start > START_PERIOD_MAX:
        findings.append(warning("health.start-period-capped", f"container {container.name} may take {start} s to "
                                f"start on Kubernetes; ECS allows a startPeriod of at most {START_PERIOD_MAX} s, so "
                                "a slower start counts failed checks (they still need `retries` in a row)",
                                (container.startup_probe or probe).source))
    check = ContainerHealthCheck(
        command=command,
        interval=_clamp(probe.period_seconds, CONTAINER_INTERVAL),
        timeout=_clamp(probe.timeout_seconds, CONTAINER_TIMEOUT),
        retries=_clamp(probe.failure_threshold, CONTAINER_RETRIES),
        start_period=min(start, START_PERIOD_MAX),
    )
    findings.extend(_clamped(container, "liveness", "ECS container health check", [
        ("periodSeconds", probe.period_seconds, check.interval),
        ("timeoutSeconds", probe.timeout_seconds, check.timeout),
        ("failureThreshold", probe.failure_threshold, check.retries)], probe.source))
    return check, findings


def apply_health_checks(ctx: MapContext, workload: Workload, service: ServicePlan) -> tuple[ServicePlan, list[Finding]]:
    findings: list[Finding] = []
    checks = {}
    for container in (*workload.pod.init_containers, *workload.pod.containers):
        check, found = container_health_check_for(container)
        findings.extend(found)
        if check is not None:
            checks[container.name] = check
    containers = tuple(dataclasses.replace(c, health_check=checks[c.name]) if c.name in checks else c
                       for c in service.containers)
    service = dataclasses.replace(service, containers=containers)
    if workload.kind in ("CronJob", "Job"):
        return service, findings
    target, found = _readiness(workload)
    findings.extend(found)
    grace = max((_grace_seconds(c) for c in workload.pod.containers), default=0)
    deployment = dataclasses.replace(service.deployment, health_check_grace_period=grace)
    if target is None:
        return dataclasses.replace(service, deployment=deployment), findings
    container, check = target
    return dataclasses.replace(service, deployment=deployment, health_check=check,
                               health_check_container=container), findings


def _readiness(workload: Workload) -> tuple[tuple[str, TargetHealthCheck] | None, list[Finding]]:
    """The first app container with a readiness probe and a port gives the target-group check."""
    findings: list[Finding] = []
    chosen = None
    for container in workload.pod.containers:
        probe = container.readiness_probe
        if probe is None:
            continue
        check, found = target_health_check_for(container, probe)
        findings.extend(found)
        if check is not None and chosen is None and container.ports:
            chosen = (container.name, check)
    return chosen, findings


def _grace_seconds(container: Container) -> int:
    """ALB checks start with the task; Kubernetes waited initialDelaySeconds (and the startup
    probe) before readiness counted. The service's grace period covers the same time."""
    readiness = container.readiness_probe.initial_delay_seconds if container.readiness_probe else 0
    startup = container.startup_probe
    if startup is not None:
        readiness += startup.initial_delay_seconds + startup.period_seconds * startup.failure_threshold
    return readiness


def health_check_for_target(service: ServicePlan, container: str, container_port: int) -> TargetHealthCheck:
    """The health check of a target group that sends traffic to `container_port` of `container`:
    the service's readiness check with its port made explicit when the probe checks another
    port (ServicePlan.health_check says "traffic-port" for the container's first port)."""
    check = service.health_check
    if check is None or service.health_check_container not in ("", container):
        return TargetHealthCheck()
    plan = next((c for c in service.containers if c.name == service.health_check_container), None)
    first = plan.port_mappings[0].container_port if plan and plan.port_mappings else None
    probed = int(check.port) if check.port.isdigit() else first
    if probed is None:
        return check
    return dataclasses.replace(check, port="traffic-port" if probed == container_port else str(probed))
