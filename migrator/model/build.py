"""Documents -> Estate. This module and its build_*.py siblings are the only place that reads
Kubernetes field names into the model.

One malformed object becomes a finding for that object; the rest of the estate still loads.
Secret values are never read: only key names cross into the model.

One module per concern: build_workloads (with build_containers), build_networking, build_config,
build_policies; build_reader turns wrong field types into findings for all of them.
"""

from __future__ import annotations

from typing import Any, Iterable

from migrator import data
from migrator.findings import Finding, InputError, error, info, warning
from migrator.load.documents import Document
from migrator.model import objects as m
from migrator.model.build_config import build_config_map, build_secret, build_service_account
from migrator.model.build_networking import build_gateway, build_http_route, build_ingress, build_service
from migrator.model.build_policies import build_hpa, build_limit_range, build_pdb
from migrator.model.build_reader import Reader, read_meta
from migrator.model.build_workloads import WORKLOAD_KINDS, build_workload


def build_estate(documents: Iterable[Document]) -> tuple[m.Estate, list[Finding]]:
    """Build the estate for one environment. Raises InputError for unknown core kinds/versions."""
    findings: list[Finding] = []
    buckets: dict[str, list] = {name: [] for name in (
        "workloads", "services", "ingresses", "routes", "hpas", "config_maps", "secrets",
        "service_accounts", "pdbs", "others", "limit_ranges", "gateways")}
    for doc in documents:
        _check_known(doc)
        reader = Reader(doc, findings)
        kind = doc.data["kind"]
        builder = _BUILDERS.get(kind)
        if builder is None:
            buckets["others"].append(m.OtherObject(
                doc.data["apiVersion"], kind, read_meta(reader, doc.data), doc.source))
            builder = _ALSO_READ.get(kind)  # not planned itself (kinds.py reports it), but routes read it
            if builder is None:
                continue
        try:
            bucket, obj = builder(reader, doc.data)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            findings.append(error("model.unreadable-object",
                                  f"{kind} could not be read ({exc}); it is left out of the plan",
                                  doc.source))
            continue
        if obj is not None:
            buckets[bucket].append(obj)
    estate = m.Estate(**{name: tuple(items) for name, items in buckets.items()})
    return estate, findings


def _check_known(doc: Document) -> None:
    api_version = str(doc.data.get("apiVersion", ""))
    kind = str(doc.data.get("kind", ""))
    table = data.table("kinds")
    group = api_version.rsplit("/", 1)[0] if "/" in api_version else ""
    known_versions = table["kinds"].get(kind)
    if known_versions is not None and group in table["core_groups"]:
        if api_version not in known_versions:
            raise InputError(
                "load.unknown-api-version",
                f"{kind} has apiVersion {api_version!r}, which Kubernetes never served; "
                f"use one of {', '.join(known_versions)}",
                doc.ref("apiVersion"))
    elif known_versions is None and group in table["core_groups"]:
        raise InputError(
            "load.unknown-kind",
            f"kind {kind!r} does not exist in API group {group or 'core'} ({api_version}); "
            "check the spelling of kind and apiVersion",
            doc.ref("kind"))


def kubernetes_identity(value: Any) -> tuple[str, str] | None:
    """(apiVersion, kind) if this looks like a Kubernetes object, else None."""
    if not isinstance(value, dict):
        return None
    api_version, kind = value.get("apiVersion"), value.get("kind")
    if isinstance(api_version, str) and isinstance(kind, str) and api_version and kind:
        return api_version, kind
    return None


_BUILDERS = {
    **{kind: build_workload for kind in WORKLOAD_KINDS},
    "Service": build_service,
    "Ingress": build_ingress,
    "HTTPRoute": build_http_route,
    "GRPCRoute": build_http_route,
    "HorizontalPodAutoscaler": build_hpa,
    "ConfigMap": build_config_map,
    "Secret": build_secret,
    "ServiceAccount": build_service_account,
    "PodDisruptionBudget": build_pdb,
    "LimitRange": build_limit_range,
}
_ALSO_READ = {"Gateway": build_gateway}  # kept in `others` too

__all__ = ["build_estate", "kubernetes_identity", "WORKLOAD_KINDS", "info", "warning"]
