"""What every mapper may read: the estate of one environment and that environment's settings.

Mappers are pure: (context, input) -> (plan part, findings). No I/O, no globals."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from migrator.config import EnvironmentConfig, ServiceOverride
from migrator.findings import Finding
from migrator.model.objects import Estate, Workload, selects
from migrator.plan.model import Source


@dataclass(frozen=True)
class MapOptions:
    size_from: str = "requests"  # requests | limits | max
    stateful_as_service: bool = False


@dataclass(frozen=True)
class MapContext:
    estate: Estate
    env: EnvironmentConfig
    project: str
    overrides: dict[str, ServiceOverride] = field(default_factory=dict)
    options: MapOptions = MapOptions()

    @property
    def settings(self):
        return self.env.settings

    @cached_property
    def service_names(self) -> dict[str, str]:
        """Workload key (namespace/name) -> ECS service name. Names are unique per environment:
        the same name in two namespaces becomes <name>-<namespace> for the non-default one."""
        by_name: dict[str, list[Workload]] = {}
        for workload in self.estate.workloads:
            by_name.setdefault(workload.name, []).append(workload)
        names = {}
        for name, workloads in by_name.items():
            namespaces = sorted({w.namespace for w in workloads})
            for workload in workloads:
                if len(namespaces) == 1 or workload.namespace == "default":
                    names[workload.meta.key] = ecs_name(name)
                else:
                    names[workload.meta.key] = ecs_name(f"{name}-{workload.namespace}")
        return names

    def service_name(self, workload: Workload) -> str:
        return self.service_names[workload.meta.key]

    @cached_property
    def _workloads_by_label(self) -> dict[tuple[str, str, str], list[Workload]]:
        """(namespace, label, value) -> workloads whose pods carry it, in estate order. Every
        Service asks who it selects: a scan per call made 5,000 services take minutes."""
        index: dict[tuple[str, str, str], list[Workload]] = {}
        for workload in self.estate.workloads:
            for key, value in workload.pod.labels.items():
                index.setdefault((workload.namespace, key, value), []).append(workload)
        return index

    def workloads_selected_by(self, namespace: str, selector: dict) -> list[Workload]:
        """Workloads whose pod labels a Service / PDB selector matches, in the same namespace."""
        if not selector:
            return []
        index = self._workloads_by_label
        candidates = min((index.get((namespace, key, value), ()) for key, value in selector.items()), key=len)
        return [w for w in candidates if selects(selector, w.pod.labels)]

    @cached_property
    def _hpas_by_target(self) -> dict[tuple[str, str, str], list]:
        index: dict[tuple[str, str, str], list] = {}
        for hpa in self.estate.hpas:
            index.setdefault((hpa.meta.namespace, hpa.target_kind, hpa.target_name), []).append(hpa)
        return index

    def hpas_for(self, workload: Workload) -> list:
        """HorizontalPodAutoscalers whose scaleTargetRef names this workload."""
        return self._hpas_by_target.get((workload.namespace, workload.kind, workload.name), [])

    @cached_property
    def _pdbs_by_namespace(self) -> dict[str, list]:
        index: dict[str, list] = {}
        for pdb in self.estate.pdbs:
            index.setdefault(pdb.meta.namespace, []).append(pdb)
        return index

    def pdbs_for(self, workload: Workload) -> list:
        """PodDisruptionBudgets whose selector matches this workload's pods."""
        return [pdb for pdb in self._pdbs_by_namespace.get(workload.namespace, [])
                if selects(pdb.selector, workload.pod.labels)]

    def override(self, service_name: str, workload: Workload | None = None) -> ServiceOverride:
        for key in (service_name, workload.name if workload else None,
                    workload.meta.key if workload else None):
            if key and key in self.overrides:
                return self.overrides[key]
        return ServiceOverride()


_ECS_NAME = re.compile(r"[^A-Za-z0-9_-]")


def ecs_name(name: str) -> str:
    """ECS service / family names: letters, digits, - and _, at most 255 characters."""
    return _ECS_NAME.sub("-", name)[:255]


def plan_source(ref) -> Source:
    return Source(ref.file, ref.line)


MapperResult = tuple[object, list[Finding]]
