"""Builders for the workload mapper tests: one base Deployment, varied per case, read through the
real loader and model builder so SourceRefs (file:line) are real."""

from __future__ import annotations

import yaml

from migrator.config import EnvironmentConfig, ServiceOverride, settings_for
from migrator.findings import SourceRef
from migrator.load.documents import parse_yaml
from migrator.map import services, sizing
from migrator.map.context import MapContext, MapOptions
from migrator.model.build import build_estate

FILE = "app.yaml"


def container(**extra) -> dict:
    base = {"name": "api", "image": "ghcr.io/example/api:1", "ports": [{"name": "http", "containerPort": 8080}],
            "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}}
    return {**base, **extra}


def workload(kind: str = "Deployment", name: str = "api", containers: list | None = None, pod: dict | None = None,
             spec: dict | None = None, annotations: dict | None = None, labels: dict | None = None) -> dict:
    labels = labels or {"app": name}
    template = {"metadata": {"labels": labels}, "spec": {"containers": containers or [container()], **(pod or {})}}
    body = {"replicas": 2, "selector": {"matchLabels": labels}, "template": template, **(spec or {})}
    api = {"CronJob": "batch/v1", "Job": "batch/v1", "Pod": "v1", "ReplicationController": "v1"}.get(kind, "apps/v1")
    meta = {"name": name, "namespace": "shop", **({"annotations": annotations} if annotations else {})}
    if kind == "CronJob":
        schedule = body.pop("schedule", "0 3 * * *")
        extra = {k: body.pop(k) for k in ("timeZone", "suspend", "concurrencyPolicy") if k in body}
        body = {"schedule": schedule, **extra, "jobTemplate": {"spec": {"template": template}}}
    if kind == "Job":
        body = {"template": template}
    if kind == "Pod":
        body = template["spec"]
    return {"apiVersion": api, "kind": kind, "metadata": meta, "spec": body}


def context(*docs: dict, profile: str = "prod", settings: dict | None = None, options: MapOptions = MapOptions(),
            overrides: dict[str, ServiceOverride] | None = None, capacity_groups: dict | None = None) -> MapContext:
    text = yaml.safe_dump_all(docs, sort_keys=False)
    estate, findings = build_estate(parse_yaml(text, FILE))
    assert not findings, findings
    env = EnvironmentConfig(name=profile, settings=settings_for(profile, settings or {}, "us-east-1", SourceRef(FILE)),
                            service_connect_namespace=f"{profile}.internal", capacity_groups=capacity_groups or {})
    return MapContext(estate=estate, env=env, project="shop", overrides=overrides or {}, options=options)


def admitted(ctx: MapContext, index: int = 0):
    """(workload, findings) as admission ran it: with its namespace's LimitRange defaults."""
    return sizing.admitted_workload(ctx.estate, ctx.estate.workloads[index])


def sized(ctx: MapContext, index: int = 0):
    """(workload, service) after admission and the baseline mappers (containers, task size,
    desired count)."""
    item, _ = admitted(ctx, index)
    service, _ = services.service_for_workload(ctx, item)
    service, _ = services.apply_task_size(ctx, item, service)
    service, _ = services.apply_desired_count(ctx, item, service)
    return item, service


def run(mapper, *docs: dict, **context_options):
    """Apply one workload mapper to the first workload of `docs`: (service, findings)."""
    ctx = context(*docs, **context_options)
    item, service = sized(ctx)
    service, findings = mapper(ctx, item, service)
    return service, [*admitted(ctx)[1], *findings]


def codes(findings) -> list[tuple[str, str]]:
    return sorted((f.code, str(f.severity)) for f in findings)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle` in the YAML the builders write."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def dump(*docs: dict) -> str:
    return yaml.safe_dump_all(docs, sort_keys=False)
