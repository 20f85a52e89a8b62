"""Kubernetes containers -> ECS container definitions (image, entry point, ports, literal env,
resources). Config/secret references, probes and security settings are refined by their own
mappers; this one lays down what every later mapper builds on."""

from __future__ import annotations

import re

from migrator.findings import Finding, warning
from migrator.model.objects import Container
from migrator.plan.model import ContainerPlan, PortMapping

_PORT_NAME = re.compile(r"[^a-z0-9_-]")


def port_mapping_name(container: str, port_name: str, port: int) -> str:
    """ECS port mapping names: [a-z0-9_-], at most 64 characters; derived when Kubernetes has none."""
    base = port_name or f"{container}-{port}"
    name = _PORT_NAME.sub("-", base.lower()).strip("-") or f"port-{port}"
    return name[:64]


# Istio protocol selection: a port named https-*, tls-*, tcp-*, mongo-* ... carries TLS or
# another protocol; HTTP parsing by the proxy would break it.
OPAQUE_PREFIXES = ("https", "tls", "tcp", "udp", "mongo", "mysql", "redis")


def app_protocol_for(port_name: str, port: int, hint: str = "") -> str:
    """Service Connect app protocol from the port's name or appProtocol (Istio naming rules)."""
    text = (hint or port_name).lower()
    if text.startswith(OPAQUE_PREFIXES):  # TLS or another protocol: Service Connect must not parse it as HTTP
        return ""
    if text.startswith("grpc") or text.endswith("grpc") or text == "kubernetes.io/h2c":
        return "grpc"
    if text.startswith("http2") or text == "h2c":
        return "http2"
    if text.startswith("http") or text in ("web", "ui") or port in (80, 8080):
        return "http"
    return ""


def container_plan(container: Container, essential: bool = True) -> tuple[ContainerPlan, list[Finding]]:
    findings: list[Finding] = []
    ports = []
    seen: set[str] = set()
    for port in container.ports:
        if port.protocol.upper() == "SCTP":
            findings.append(warning("container.sctp-port",
                                    f"container {container.name}: SCTP port {port.container_port} is not supported "
                                    "on Fargate; it is left out", port.source))
            continue
        name = port_mapping_name(container.name, port.name, port.container_port)
        if name in seen:
            name = port_mapping_name(container.name, f"{name}-{port.container_port}", port.container_port)
        seen.add(name)
        ports.append(PortMapping(name=name, container_port=port.container_port,
                                 protocol=port.protocol.lower(),
                                 app_protocol=app_protocol_for(port.name, port.container_port)))
    environment = {env.name: env.value for env in container.env if env.value is not None and _literal(env)}
    res = container.resources
    plan = ContainerPlan(
        name=container.name,
        image=container.image,
        essential=essential,
        command=container.command,
        args=container.args,
        port_mappings=tuple(ports),
        environment=dict(sorted(environment.items())),
        cpu=res.cpu_request or 0,
        memory=res.memory_limit,
        memory_reservation=res.memory_request,
        working_directory=container.working_dir,
    )
    if not container.image:
        findings.append(warning("container.no-image", f"container {container.name} has no image", container.source))
    return plan, findings


def _literal(env) -> bool:
    return not (env.config_map or env.secret or env.field_ref or env.resource_field_ref)
