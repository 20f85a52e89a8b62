"""Pod volumes -> task volumes, EFS access points, mount points and ephemeral storage."""

from __future__ import annotations

import pytest

from migrator.map import volumes
from migrator.map.context import MapOptions
from migrator.plan.model import MountPoint, Source, VolumePlan

from .workloads import codes, container, dump, line_of, run, workload


def mounted(volume: dict, mount: dict | None = None, pod: dict | None = None, kind: str = "Deployment", spec=None):
    mount = {"name": volume["name"], "mountPath": "/data", **(mount or {})}
    body = container(volumeMounts=[mount])
    return workload(kind=kind, containers=[body], pod={"volumes": [volume], **(pod or {})}, spec=spec)


def shape(service) -> tuple:
    vols = tuple((v.name, v.kind, v.efs_access_point, v.efs_root_directory, v.efs_uid, v.efs_gid, v.size_gib, v.claim)
                 for v in service.volumes)
    return vols, service.containers[0].mount_points, service.task.ephemeral_storage_gib


MOUNT = (MountPoint("data", "/data"),)
CASES = {
    "emptyDir": ({"name": "data", "emptyDir": {}}, {}, ((("data", "task", "", "", None, None, None, ""),), MOUNT, 0),
                 []),
    "memory emptyDir": ({"name": "data", "emptyDir": {"medium": "Memory"}}, {},
                        ((("data", "task", "", "", None, None, None, ""),), MOUNT, 0),
                        [("volume.memory-medium", "warning")]),
    "small sizeLimit fits the default disk": (
        {"name": "data", "emptyDir": {"sizeLimit": "5Gi"}}, {},
        ((("data", "task", "", "", None, None, 5, ""),), MOUNT, 0), []),
    "30Gi scratch raises ephemeral storage": (
        {"name": "data", "emptyDir": {"sizeLimit": "30Gi"}}, {},
        ((("data", "task", "", "", None, None, 30, ""),), MOUNT, 40), [("volume.ephemeral-storage", "info")]),
    "more than Fargate's 200 GiB": (
        {"name": "data", "emptyDir": {"sizeLimit": "250Gi"}}, {},
        ((("data", "task", "", "", None, None, 250, ""),), MOUNT, 200), [("volume.too-big", "error")]),
    "PersistentVolumeClaim becomes EFS": (
        {"name": "data", "persistentVolumeClaim": {"claimName": "uploads"}},
        {"pod": {"securityContext": {"runAsUser": 1000, "fsGroup": 3000}}},
        ((("data", "efs", "shop-uploads", "/shop/uploads", 1000, 3000, None, "uploads"),), MOUNT, 0),
        [("volume.pvc-to-efs", "warning")]),
    "read-only mount": ({"name": "data", "emptyDir": {}}, {"mount": {"readOnly": True}},
                        ((("data", "task", "", "", None, None, None, ""),), (MountPoint("data", "/data", True),), 0),
                        []),
    "subPath mounts the whole volume": (
        {"name": "data", "emptyDir": {}}, {"mount": {"subPath": "cache"}},
        ((("data", "task", "", "", None, None, None, ""),), MOUNT, 0), [("volume.sub-path", "warning")]),
    "configMap": ({"name": "data", "configMap": {"name": "settings"}}, {}, ((), (), 0),
                  [("volume.config-map", "warning")]),
    "secret": ({"name": "data", "secret": {"secretName": "tls"}}, {}, ((), (), 0), [("volume.secret", "warning")]),
    "projected": ({"name": "data", "projected": {"sources": []}}, {}, ((), (), 0),
                  [("volume.projected", "warning")]),
    "downwardAPI": ({"name": "data", "downwardAPI": {"items": []}}, {}, ((), (), 0),
                    [("volume.downward-api", "warning")]),
    "hostPath": ({"name": "data", "hostPath": {"path": "/var/run/docker.sock"}}, {}, ((), (), 0),
                 [("volume.host-path", "error")]),
    "nfs": ({"name": "data", "nfs": {"server": "nas", "path": "/x"}}, {}, ((), (), 0),
            [("volume.unsupported", "warning")]),
}


@pytest.mark.parametrize("volume, options, expected, found", CASES.values(), ids=CASES)
def test_pod_volumes(volume, options, expected, found):
    service, findings = run(volumes.apply_volumes, mounted(volume, **options))
    assert shape(service) == expected
    assert codes(findings) == found


def test_volume_claim_templates_become_one_shared_efs_directory():
    claim = {"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"],
                                                    "resources": {"requests": {"storage": "10Gi"}}}}
    doc = workload(kind="StatefulSet", name="db", containers=[container(volumeMounts=[{"name": "data",
                                                                                      "mountPath": "/var/lib/db"}])],
                   spec={"volumeClaimTemplates": [claim]})
    service, findings = run(volumes.apply_volumes, doc, options=MapOptions(stateful_as_service=True))
    assert service.volumes == (VolumePlan("data", "efs", efs_access_point="shop-data-db",
                                          efs_root_directory="/shop/data-db", size_gib=10, claim="data-db",
                                          source=Source("app.yaml", line_of(dump(doc), "- metadata:"))),)
    assert service.containers[0].mount_points == (MountPoint("data", "/var/lib/db"),)
    assert codes(findings) == [("volume.claim-template-shared", "warning")]


def test_undeclared_mount_is_reported():
    doc = workload(containers=[container(volumeMounts=[{"name": "ghost", "mountPath": "/g"}])])
    service, findings = run(volumes.apply_volumes, doc)
    assert service.containers[0].mount_points == ()
    assert [(f.code, f.source.line) for f in findings] == [("volume.undeclared", line_of(dump(doc), "- name: ghost"))]


def test_host_path_error_names_the_volume_line():
    doc = mounted({"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}})
    _, findings = run(volumes.apply_volumes, doc)
    assert (findings[0].source.line, findings[0].message) == (
        line_of(dump(doc), "volumes:") + 1,  # the volume, not its mount
        "api: hostPath volume sock (/var/run/docker.sock) reads the node's disk; Fargate has no node to read: "
        "remove it or replace it with EFS or a task volume")
