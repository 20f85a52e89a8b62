"""Workloads: Deployment, StatefulSet, DaemonSet, (Cron)Job, Pod, ReplicaSet, ReplicationController;
their pod template, volumes and volume claim templates."""

from __future__ import annotations

from typing import Any

from migrator.model import objects as m
from migrator.model.build_containers import read_container, read_security_context
from migrator.model.build_reader import Reader, read_meta
from migrator.model.quantity import memory_mib

WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "Pod",
                  "ReplicationController", "ReplicaSet"}


def build_workload(r: Reader, obj: dict) -> tuple[str, m.Workload]:
    kind = obj["kind"]
    spec = r.map(obj.get("spec"), "spec")
    base: tuple[str | int, ...] = ("spec",)
    job_spec = spec
    if kind == "CronJob":
        job_spec = r.map(r.map(spec.get("jobTemplate"), "spec", "jobTemplate").get("spec"),
                         "spec", "jobTemplate", "spec")
        base = ("spec", "jobTemplate", "spec")
    if kind == "Pod":
        pod = _pod(r, spec, obj.get("metadata") or {}, ("spec",))
    else:
        template = r.map(job_spec.get("template"), *base, "template")
        pod = _pod(r, r.map(template.get("spec"), *base, "template", "spec"),
                   r.map(template.get("metadata"), *base, "template", "metadata"),
                   (*base, "template", "spec"))
    selector = r.map(spec.get("selector"), "spec", "selector")
    match_labels = selector.get("matchLabels", selector if kind == "ReplicationController" else {})
    strategy = r.map(spec.get("strategy") or spec.get("updateStrategy"), "spec", "strategy")
    rolling = r.map(strategy.get("rollingUpdate"), "spec", "strategy", "rollingUpdate")
    claims = tuple(
        _claim(r, claim, ("spec", "volumeClaimTemplates", i))
        for i, claim in enumerate(r.list(spec.get("volumeClaimTemplates"), "spec", "volumeClaimTemplates"))
    )
    return "workloads", m.Workload(
        kind=kind,
        meta=read_meta(r, obj),
        pod=pod,
        replicas=r.int(spec.get("replicas"), "spec", "replicas"),
        selector=r.str_map(match_labels, "spec", "selector", "matchLabels"),
        strategy=m.Strategy(
            type=str(strategy.get("type") or ("RollingUpdate" if kind != "StatefulSet" else "RollingUpdate")),
            max_surge=r.int_or_str(rolling.get("maxSurge")),
            max_unavailable=r.int_or_str(rolling.get("maxUnavailable")),
            source=r.ref("spec", "strategy"),
        ),
        schedule=str(spec.get("schedule") or ""),
        time_zone=str(spec.get("timeZone") or ""),
        suspend=bool(spec.get("suspend") or False),
        concurrency_policy=str(spec.get("concurrencyPolicy") or ""),
        volume_claim_templates=claims,
        service_name=str(spec.get("serviceName") or ""),
        source=r.doc.source,
        **(_job_fields(r, kind, spec, job_spec, base) if kind in ("Job", "CronJob") else {}),
    )


def _job_fields(r: Reader, kind: str, spec: dict, job_spec: dict, base: tuple) -> dict:
    """The run limits of a Job's spec (a CronJob's jobTemplate.spec) and a CronJob's
    startingDeadlineSeconds, with where each is written."""
    sources = {str(key): r.ref(*base, key) for key in job_spec}
    cron = kind == "CronJob"
    if cron and "startingDeadlineSeconds" in spec:
        sources["startingDeadlineSeconds"] = r.ref("spec", "startingDeadlineSeconds")
    return dict(
        active_deadline_seconds=r.int(job_spec.get("activeDeadlineSeconds"), *base, "activeDeadlineSeconds"),
        backoff_limit=r.int(job_spec.get("backoffLimit"), *base, "backoffLimit"),
        completions=r.int(job_spec.get("completions"), *base, "completions"),
        parallelism=r.int(job_spec.get("parallelism"), *base, "parallelism"),
        starting_deadline_seconds=(r.int(spec.get("startingDeadlineSeconds"), "spec", "startingDeadlineSeconds")
                                   if cron else None),
        job_field_sources=sources,
    )


def _claim(r: Reader, claim: dict, path: tuple) -> m.VolumeClaimTemplate:
    claim = r.map(claim, *path)
    spec = r.map(claim.get("spec"), *path, "spec")
    storage = r.map(r.map(spec.get("resources"), *path, "spec", "resources").get("requests"),
                    *path, "spec", "resources", "requests").get("storage")
    return m.VolumeClaimTemplate(
        name=str(r.map(claim.get("metadata"), *path, "metadata").get("name") or ""),
        storage_mib=r.quantity(storage, memory_mib, *path, "spec", "resources", "requests", "storage"),
        access_modes=tuple(str(a) for a in r.list(spec.get("accessModes"), *path, "spec", "accessModes")),
        storage_class=str(spec.get("storageClassName") or ""),
        source=r.ref(*path),
    )


def _pod(r: Reader, spec: dict, metadata: dict, path: tuple) -> m.PodSpec:
    containers = tuple(
        read_container(r, c, (*path, "containers", i), is_init=False)
        for i, c in enumerate(r.list(spec.get("containers"), *path, "containers")))
    inits = tuple(
        read_container(r, c, (*path, "initContainers", i), is_init=True)
        for i, c in enumerate(r.list(spec.get("initContainers"), *path, "initContainers")))
    volumes = tuple(_volume(r, v, (*path, "volumes", i))
                    for i, v in enumerate(r.list(spec.get("volumes"), *path, "volumes")))
    pull = tuple(str(s.get("name")) for s in r.list(spec.get("imagePullSecrets"), *path, "imagePullSecrets")
                 if isinstance(s, dict) and s.get("name"))
    metadata = metadata if isinstance(metadata, dict) else {}
    return m.PodSpec(
        containers=containers,
        init_containers=inits,
        volumes=volumes,
        node_selector=r.str_map(spec.get("nodeSelector"), *path, "nodeSelector"),
        service_account=str(spec.get("serviceAccountName") or spec.get("serviceAccount") or ""),
        security_context=read_security_context(r, spec.get("securityContext"), (*path, "securityContext")),
        termination_grace_period_seconds=r.int(spec.get("terminationGracePeriodSeconds"),
                                               *path, "terminationGracePeriodSeconds"),
        image_pull_secrets=pull,
        restart_policy=str(spec.get("restartPolicy") or "Always"),
        host_network=bool(spec.get("hostNetwork") or False),
        labels=r.str_map(metadata.get("labels")),
        annotations=r.str_map(metadata.get("annotations")),
        source=r.ref(*path),
        field_sources={str(key): r.ref(*path, key) for key in spec},
    )


def _volume(r: Reader, v: Any, path: tuple) -> m.Volume:
    v = r.map(v, *path)
    name = str(v.get("name") or "")
    source = r.ref(*path)
    if "emptyDir" in v:
        empty = r.map(v.get("emptyDir"), *path, "emptyDir")
        return m.Volume(name, "emptyDir", medium=str(empty.get("medium") or ""), source=source,
                        size_mib=r.quantity(empty.get("sizeLimit"), memory_mib, *path, "emptyDir", "sizeLimit"))
    if "persistentVolumeClaim" in v:
        return m.Volume(name, "persistentVolumeClaim",
                        claim_name=str((v["persistentVolumeClaim"] or {}).get("claimName") or ""), source=source)
    if "configMap" in v:
        return m.Volume(name, "configMap", config_map=str((v["configMap"] or {}).get("name") or ""), source=source)
    if "secret" in v:
        return m.Volume(name, "secret", secret=str((v["secret"] or {}).get("secretName") or ""), source=source)
    if "hostPath" in v:
        return m.Volume(name, "hostPath", host_path=str((v["hostPath"] or {}).get("path") or ""), source=source)
    if "projected" in v:
        return m.Volume(name, "projected", source=source)
    kind = next((k for k in v if k != "name"), "other")
    return m.Volume(name, str(kind), source=source)
