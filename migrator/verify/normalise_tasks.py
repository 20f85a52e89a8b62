"""An ECS task definition -> the plan's TaskSize, ContainerPlans and VolumePlans.

Only fields the plan has are read, so what AWS adds on registration (hostPort, empty
mountPoints / volumesFrom lists, compatibilities, revision, ARNs) never reaches the comparison.
"""

from __future__ import annotations

from migrator.plan import model as p


def task_parts(definition: dict) -> tuple[p.TaskSize, tuple[p.ContainerPlan, ...], tuple[p.VolumePlan, ...]]:
    platform = definition.get("runtimePlatform") or {}
    task = p.TaskSize(
        cpu=int(definition.get("cpu") or 0), memory=int(definition.get("memory") or 0),
        cpu_architecture=platform.get("cpuArchitecture", "X86_64"),
        operating_system=platform.get("operatingSystemFamily", "LINUX"),
        ephemeral_storage_gib=(definition.get("ephemeralStorage") or {}).get("sizeInGiB", 0))
    containers = tuple(container_plan(c) for c in definition.get("containerDefinitions", []))
    volumes = tuple(_volume(v) for v in definition.get("volumes", []))
    return task, containers, volumes


def container_plan(c: dict) -> p.ContainerPlan:
    return p.ContainerPlan(
        name=c["name"], image=c.get("image", ""), essential=c.get("essential", True),
        command=tuple(c.get("entryPoint") or ()), args=tuple(c.get("command") or ()),
        port_mappings=tuple(_port(m) for m in c.get("portMappings", [])),
        environment={e["name"]: e.get("value", "") for e in c.get("environment", [])},
        secrets=tuple(p.SecretRef(s["name"], s.get("valueFrom", "")) for s in c.get("secrets", [])),
        cpu=c.get("cpu", 0), memory=c.get("memory"), memory_reservation=c.get("memoryReservation"),
        health_check=_health_check(c.get("healthCheck")),
        user=c.get("user", ""), readonly_root_filesystem=c.get("readonlyRootFilesystem", False),
        working_directory=c.get("workingDirectory", ""),
        mount_points=tuple(p.MountPoint(m.get("sourceVolume", ""), m.get("containerPath", ""),
                                        m.get("readOnly", False)) for m in c.get("mountPoints", [])),
        depends_on=tuple((d["containerName"], d["condition"]) for d in c.get("dependsOn", [])),
        stop_timeout=c.get("stopTimeout"),
        repository_credentials=(c.get("repositoryCredentials") or {}).get("credentialsParameter", ""),
        capabilities_add=tuple(((c.get("linuxParameters") or {}).get("capabilities") or {}).get("add", ())),
    )


def _port(mapping: dict) -> p.PortMapping:
    return p.PortMapping(name=mapping.get("name", ""), container_port=mapping.get("containerPort", 0),
                         protocol=mapping.get("protocol", "tcp"), app_protocol=mapping.get("appProtocol", ""))


def _health_check(check: dict | None) -> p.ContainerHealthCheck | None:
    if not check:
        return None
    return p.ContainerHealthCheck(command=tuple(check.get("command", ())), interval=check.get("interval", 30),
                                  timeout=check.get("timeout", 5), retries=check.get("retries", 3),
                                  start_period=check.get("startPeriod", 0))


def _volume(volume: dict) -> p.VolumePlan:
    efs = volume.get("efsVolumeConfiguration")
    if efs:
        access_point = (efs.get("authorizationConfig") or {}).get("accessPointId", "")
        return p.VolumePlan(name=volume["name"], kind="efs", efs_access_point=access_point)
    return p.VolumePlan(name=volume["name"], kind="task")
