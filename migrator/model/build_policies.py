"""Policies: HorizontalPodAutoscaler (autoscaling v1, v2beta1/2, v2), PodDisruptionBudget and LimitRange."""

from __future__ import annotations

from migrator.model import objects as m
from migrator.model.build_reader import Reader, read_meta
from migrator.model.quantity import cpu_units, memory_mib


def build_hpa(r: Reader, obj: dict) -> tuple[str, m.HPA]:
    spec = r.map(obj.get("spec"), "spec")
    target = r.map(spec.get("scaleTargetRef"), "spec", "scaleTargetRef")
    metrics: list[m.MetricTarget] = []
    if obj["apiVersion"] == "autoscaling/v1":
        if spec.get("targetCPUUtilizationPercentage") is not None:
            metrics.append(m.MetricTarget("Resource", "cpu", "Utilization",
                                          utilization=r.int(spec["targetCPUUtilizationPercentage"]),
                                          source=r.ref("spec", "targetCPUUtilizationPercentage")))
    for i, metric in enumerate(r.list(spec.get("metrics"), "spec", "metrics")):
        metrics.append(_metric(r, r.map(metric, "spec", "metrics", i), ("spec", "metrics", i)))
    behavior = r.map(spec.get("behavior"), "spec", "behavior")
    up = r.map(behavior.get("scaleUp"), "spec", "behavior", "scaleUp")
    down = r.map(behavior.get("scaleDown"), "spec", "behavior", "scaleDown")
    return "hpas", m.HPA(
        meta=read_meta(r, obj),
        target_kind=str(target.get("kind") or ""),
        target_name=str(target.get("name") or ""),
        min_replicas=r.int(spec.get("minReplicas"), "spec", "minReplicas") or 1,
        max_replicas=r.int(spec.get("maxReplicas"), "spec", "maxReplicas") or 1,
        metrics=tuple(metrics),
        scale_up_stabilization_seconds=r.int(up.get("stabilizationWindowSeconds")),
        scale_down_stabilization_seconds=r.int(down.get("stabilizationWindowSeconds")),
        api_version=obj["apiVersion"],
        source=r.doc.source,
    )


def _metric(r: Reader, metric: dict, path: tuple) -> m.MetricTarget:
    mtype = str(metric.get("type") or "")
    key = {"Resource": "resource", "ContainerResource": "containerResource", "Pods": "pods",
           "Object": "object", "External": "external"}.get(mtype, "resource")
    body = r.map(metric.get(key), *path, key)
    source = r.ref(*path)
    if mtype in ("Resource", "ContainerResource"):
        name = str(body.get("name") or "")
        target = r.map(body.get("target"), *path, key, "target")
        # autoscaling/v2beta1 spelled targets as fields of the metric itself
        utilization = target.get("averageUtilization", body.get("targetAverageUtilization"))
        average = target.get("averageValue", body.get("targetAverageValue"))
        convert = cpu_units if name == "cpu" else memory_mib
        target_type = str(target.get("type") or ("Utilization" if utilization is not None else "AverageValue"))
        return m.MetricTarget(
            mtype, name, target_type,
            utilization=r.int(utilization),
            average_value=r.quantity(average, convert, *path, key, "target", "averageValue"),
            container=str(body.get("container") or ""), source=source)
    inner = r.map(body.get("metric"), *path, key, "metric")
    target = r.map(body.get("target"), *path, key, "target")
    name = str(inner.get("name") or body.get("metricName") or "")
    value = target.get("averageValue", target.get("value", body.get("targetAverageValue", body.get("targetValue"))))
    return m.MetricTarget(mtype, name, str(target.get("type") or "AverageValue"),
                          value="" if value is None else str(value), source=source)

def build_pdb(r: Reader, obj: dict) -> tuple[str, m.PodDisruptionBudget]:
    spec = r.map(obj.get("spec"), "spec")
    selector = r.map(spec.get("selector"), "spec", "selector")
    return "pdbs", m.PodDisruptionBudget(
        meta=read_meta(r, obj),
        selector=r.str_map(selector.get("matchLabels"), "spec", "selector", "matchLabels"),
        min_available=r.int_or_str(spec.get("minAvailable")),
        max_unavailable=r.int_or_str(spec.get("maxUnavailable")),
        source=r.doc.source,
    )


_LIMIT_FIELDS = ("default", "defaultRequest", "max", "min", "maxLimitRequestRatio")


def build_limit_range(r: Reader, obj: dict) -> tuple[str, m.LimitRange]:
    spec = r.map(obj.get("spec"), "spec")
    items = tuple(_limit_item(r, r.map(item, "spec", "limits", i), ("spec", "limits", i))
                  for i, item in enumerate(r.list(spec.get("limits"), "spec", "limits")))
    return "limit_ranges", m.LimitRange(meta=read_meta(r, obj), limits=items, source=r.doc.source)


def _limit_item(r: Reader, item: dict, path: tuple) -> m.LimitRangeItem:
    amounts: dict[str, m.ResourceAmounts] = {}
    written: list[str] = []
    for key in _LIMIT_FIELDS:
        values = r.map(item.get(key), *path, key)
        written.extend(f"{key}.{resource}" for resource in values)
        if key != "maxLimitRequestRatio":
            amounts[key] = m.ResourceAmounts(
                cpu=r.quantity(values.get("cpu"), cpu_units, *path, key, "cpu"),
                memory=r.quantity(values.get("memory"), memory_mib, *path, key, "memory"))
    return m.LimitRangeItem(
        type=str(item.get("type") or ""), default=amounts["default"], default_request=amounts["defaultRequest"],
        max=amounts["max"], min=amounts["min"], written=tuple(written), source=r.ref(*path),
        field_sources={key: r.ref(*path, key) for key in ("type", *_LIMIT_FIELDS) if key in item})
