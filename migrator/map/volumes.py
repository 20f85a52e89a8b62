"""Pod volumes -> task volumes, EFS access points and mount points.

emptyDir becomes a task (ephemeral) volume, and a big one raises the task's ephemeral storage;
PersistentVolumeClaims and volumeClaimTemplates become EFS with one access point each; volumes
whose content comes from Kubernetes objects (configMap, secret, projected) have no task-volume
equivalent and are reported with what to do instead; hostPath has no host to point at.
"""

from __future__ import annotations

import dataclasses
import math

from migrator import data
from migrator.findings import Finding, error, info, warning
from migrator.map.context import MapContext, plan_source
from migrator.model.objects import Volume, Workload
from migrator.plan.model import MountPoint, ServicePlan, VolumePlan

INSTEAD = {
    "configMap": "bake the files into the image, or write them at start from SSM Parameter Store / S3 (an init "
                 "container writing into a shared task volume)",
    "secret": "read them from Secrets Manager at start (an init container writing into a shared task volume, "
              "or the SDK in the app); never bake secret files into the image",
    "projected": "replace each source: ServiceAccount tokens by the task role, configMap and secret sources as "
                 "for those volumes, downwardAPI by the ECS task metadata endpoint",
    "downwardAPI": "read pod facts from the ECS task metadata endpoint (ECS_CONTAINER_METADATA_URI_V4)",
}


def apply_volumes(ctx: MapContext, workload: Workload, service: ServicePlan) -> tuple[ServicePlan, list[Finding]]:
    findings: list[Finding] = []
    planned: dict[str, VolumePlan] = {}
    for volume in workload.pod.volumes:
        plan, found = volume_plan(ctx, workload, volume)
        findings.extend(found)
        if plan is not None:
            planned[volume.name] = plan
    for claim in workload.volume_claim_templates:
        planned[claim.name] = _efs(ctx, workload, claim.name, f"{claim.name}-{workload.name}", claim.storage_mib,
                                   claim.source)
        findings.append(warning("volume.claim-template-shared", f"{workload.name}: volumeClaimTemplate {claim.name} "
                                "gave every pod its own disk; on ECS it becomes one EFS directory that every task "
                                "shares: make the app write under a per-task path, or use a managed data service",
                                claim.source))
    containers, found = _mounts(workload, service, planned)
    findings.extend(found)
    task, found = _ephemeral_storage(workload, service)
    findings.extend(found)
    return dataclasses.replace(service, volumes=tuple(planned.values()), containers=containers, task=task), findings


def volume_plan(ctx: MapContext, workload: Workload, volume: Volume) -> tuple[VolumePlan | None, list[Finding]]:
    where = volume.source
    if volume.kind == "emptyDir":
        findings = []
        if volume.medium.lower() == "memory":
            findings.append(warning("volume.memory-medium", f"{workload.name}: emptyDir {volume.name} is "
                                    "memory-backed (tmpfs); Fargate has no tmpfs volumes, so it is on the task's "
                                    "ephemeral disk: slower, and no longer counted against memory", where))
        size = None if volume.size_mib is None else math.ceil(volume.size_mib / 1024)
        return VolumePlan(volume.name, "task", size_gib=size, source=plan_source(where)), findings
    if volume.kind == "persistentVolumeClaim":
        plan = _efs(ctx, workload, volume.name, volume.claim_name, None, where)
        return plan, [warning("volume.pvc-to-efs", f"{workload.name}: PersistentVolumeClaim {volume.claim_name} "
                              f"becomes EFS (access point {plan.efs_access_point}); copy the data across before "
                              "cutover, and check the app copes with NFS latency and semantics (databases do "
                              "not: use RDS or another managed store)", where)]
    if volume.kind == "hostPath":
        return None, [error("volume.host-path", f"{workload.name}: hostPath volume {volume.name} "
                            f"({volume.host_path}) reads the node's disk; Fargate has no node to read: remove it "
                            "or replace it with EFS or a task volume", where)]
    if volume.kind in INSTEAD:
        what = volume.config_map or volume.secret or volume.name
        return None, [warning(f"volume.{_code(volume.kind)}", f"{workload.name}: {volume.kind} volume {volume.name} "
                              f"({what}) has no ECS equivalent and is not mounted; {INSTEAD[volume.kind]}", where)]
    return None, [warning("volume.unsupported", f"{workload.name}: {volume.kind} volume {volume.name} has no Fargate "
                          "equivalent and is not mounted; use EFS or a task volume instead", where)]


def _code(kind: str) -> str:
    return {"configMap": "config-map", "downwardAPI": "downward-api"}.get(kind, kind)


def _efs(ctx: MapContext, workload: Workload, name: str, claim: str, storage_mib: int | None, where) -> VolumePlan:
    security = workload.pod.security_context
    uid = security.run_as_user if security else None
    gid = (security.fs_group if security and security.fs_group is not None
           else security.run_as_group if security else None)
    return VolumePlan(
        name=name, kind="efs",
        efs_access_point=f"{workload.namespace}-{claim}",
        efs_root_directory=f"/{workload.namespace}/{claim}",
        efs_uid=uid, efs_gid=gid if uid is not None else None,
        size_gib=None if storage_mib is None else math.ceil(storage_mib / 1024),
        claim=claim, source=plan_source(where))


def _mounts(workload: Workload, service: ServicePlan, planned: dict[str, VolumePlan]):
    findings: list[Finding] = []
    declared = {v.name for v in workload.pod.volumes} | {c.name for c in workload.volume_claim_templates}
    by_name = {c.name: c for c in (*workload.pod.init_containers, *workload.pod.containers)}
    containers = []
    for plan in service.containers:
        container = by_name.get(plan.name)
        mounts = []
        for mount in container.volume_mounts if container else ():
            if mount.name not in declared:
                findings.append(warning("volume.undeclared", f"container {plan.name} mounts {mount.name}, which the "
                                        "pod does not declare; the mount is left out", mount.source))
            if mount.name not in planned:
                continue
            if mount.sub_path:
                findings.append(warning("volume.sub-path", f"container {plan.name} mounts only {mount.sub_path} of "
                                        f"{mount.name}; ECS mounts whole volumes, so {mount.mount_path} shows all of it",
                                        mount.source))
            mounts.append(MountPoint(mount.name, mount.mount_path, mount.read_only))
        containers.append(dataclasses.replace(plan, mount_points=tuple(mounts)) if mounts else plan)
    return tuple(containers), findings


def _ephemeral_storage(workload: Workload, service: ServicePlan):
    """emptyDir volumes share the task's ephemeral disk with the image layers; when they ask
    for more than the default leaves room for, the task gets a bigger disk."""
    limits = data.table("fargate")["ephemeral_storage"]
    asked = [v for v in workload.pod.volumes if v.kind == "emptyDir" and v.size_mib]
    total = math.ceil(sum(v.size_mib for v in asked) / 1024)
    room = limits["default_gib"] - limits["image_room_gib"]
    if total <= room:
        return service.task, []
    wanted = max(total + limits["image_room_gib"], limits["min_gib"])
    names = ", ".join(v.name for v in asked)
    if wanted > limits["max_gib"]:
        return (dataclasses.replace(service.task, ephemeral_storage_gib=limits["max_gib"]),
                [error("volume.too-big", f"{workload.name}: emptyDir volumes ({names}) ask for {total} GiB; a Fargate "
                       f"task has at most {limits['max_gib']} GiB of ephemeral storage: use EFS for the scratch data",
                       asked[0].source)])
    return (dataclasses.replace(service.task, ephemeral_storage_gib=wanted),
            [info("volume.ephemeral-storage", f"{workload.name}: emptyDir volumes ({names}) ask for {total} GiB; the "
                  f"task gets {wanted} GiB of ephemeral storage (the default {limits['default_gib']} GiB includes the "
                  f"image), billed above {limits['default_gib']} GiB", asked[0].source)])
