"""Kubernetes Service ports -> the ECS services, containers and container ports behind them.

A Service port names its pods' port by number or by name (`targetPort: http`); the name is looked
up in every container of the selected workloads, sidecars included. Used by the ALB target
groups and by Service Connect, so both agree on where a Service's traffic lands."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from migrator.findings import Finding, SourceRef, error, info
from migrator.map.containers import port_mapping_name
from migrator.map.context import MapContext
from migrator.model.objects import Service, ServicePort, Workload
from migrator.plan.model import EnvironmentPlan, PortMapping, ServicePlan


@dataclass(frozen=True)
class Endpoint:
    service: str  # ECS service
    container: str
    container_port: int
    port_name: str  # the container's port mapping name
    weight: int  # tasks it runs: a Service spreads requests over pods
    protocol: str = "TCP"


class Endpoints:
    """Resolves (namespace, Service, port) once per environment; collects the port mappings that
    must be added to containers that serve a port they never declared."""

    def __init__(self, ctx: MapContext, env_plan: EnvironmentPlan):
        self.ctx = ctx
        self.plans = {s.name: s for s in env_plan.services}
        self.added: dict[tuple[str, str], PortMapping] = {}  # (service, container) -> new mapping
        self.findings: list[Finding] = []
        self._noted: set[Finding] = set()
        self._cache: dict[tuple, tuple[Endpoint, ...]] = {}

    def workloads(self, service: Service) -> list[Workload]:
        found = self.ctx.workloads_selected_by(service.meta.namespace, dict(service.selector))
        unique: dict[str, Workload] = {}  # the same workload loaded twice is one ECS service
        for workload in found:
            name = self.ctx.service_names.get(workload.meta.key)
            if name in self.plans:
                unique.setdefault(name, workload)
        return [unique[name] for name in sorted(unique)]

    def for_backend(self, namespace: str, name: str, port: int | str | None) -> tuple[Endpoint, ...]:
        key = (namespace, name, port)
        if key not in self._cache:
            service = self.ctx.estate.service(namespace, name)
            service_port = None if service is None else service_port_for(service, port)
            self._cache[key] = () if service_port is None else self.for_port(service, service_port)
        return self._cache[key]

    def weights(self, namespace: str, name: str, port: int | str | None) -> tuple[tuple[str, int], ...]:
        return tuple((e.service, e.weight) for e in self.for_backend(namespace, name, port))

    def for_port(self, service: Service, port: ServicePort) -> tuple[Endpoint, ...]:
        out = []
        for workload in self.workloads(service):
            endpoint = self._endpoint(service, port, workload)
            if endpoint is not None:
                out.append(endpoint)
        return tuple(out)

    def _endpoint(self, service: Service, port: ServicePort, workload: Workload) -> Endpoint | None:
        plan = self.plans[self.ctx.service_name(workload)]
        target = port.target_port if port.target_port not in (None, "", 0) else port.port
        if isinstance(target, str):
            found = _named_port(workload, target)
            if found is None:
                self._note(error("route.target-port-not-found",
                                 f"Service {service.meta.key} port {port.port} targets port {target!r}, which no "
                                 f"container of {workload.name} declares; name the port in the pod spec", port.source))
                return None
            container, number = found
        else:
            container, number = _container_for_number(plan, workload, int(target))
        name = self._mapping_name(plan, container, number, port.source)
        weight = plan.desired_count if plan.desired_count > 0 else 1
        return Endpoint(plan.name, container, number, name, weight, port.protocol.upper())

    def _mapping_name(self, plan: ServicePlan, container: str, number: int, source: SourceRef) -> str:
        for c in plan.containers:
            for mapping in c.port_mappings:
                if c.name == container and mapping.container_port == number:
                    return mapping.name
        added = self.added.get((plan.name, container))
        if added is None or added.container_port != number:
            added = PortMapping(port_mapping_name(container, "", number), number)
            self.added[(plan.name, container)] = added
            self._note(info("route.port-added", f"{plan.name}: container {container} serves port {number} without "
                            "declaring it; the plan adds the port mapping ECS needs", source))
        return added.name

    def _note(self, finding: Finding) -> None:
        if finding not in self._noted:
            self._noted.add(finding)
            self.findings.append(finding)

    def apply_added_ports(self, services: tuple[ServicePlan, ...]) -> tuple[ServicePlan, ...]:
        out = []
        for plan in services:
            containers = tuple(
                dataclasses.replace(c, port_mappings=c.port_mappings + (self.added[(plan.name, c.name)],))
                if (plan.name, c.name) in self.added else c for c in plan.containers)
            out.append(dataclasses.replace(plan, containers=containers))
        return tuple(out)


def service_port_for(service: Service, port: int | str | None) -> ServicePort | None:
    if port is None or port == "":
        return service.ports[0] if len(service.ports) == 1 else None
    for candidate in service.ports:
        if (isinstance(port, int) and candidate.port == port) or (isinstance(port, str) and candidate.name == port):
            return candidate
    return None


def _named_port(workload: Workload, name: str) -> tuple[str, int] | None:
    sidecars = tuple(c for c in workload.pod.init_containers if c.is_sidecar)
    for container in (*sidecars, *workload.pod.containers):
        for port in container.ports:
            if port.name == name:
                return container.name, port.container_port
    return None


def _container_for_number(plan: ServicePlan, workload: Workload, number: int) -> tuple[str, int]:
    for container in plan.containers:
        if any(m.container_port == number for m in container.port_mappings):
            return container.name, number
    return workload.pod.containers[0].name, number  # an undeclared port: the pod's first app container
