"""Containers: image, command, ports, env (references only for Secrets), resources, probes,
volume mounts and security contexts (pod-level ones too)."""

from __future__ import annotations

from typing import Any

from migrator.model import objects as m
from migrator.model.build_reader import Reader, yaml_text
from migrator.model.quantity import cpu_units, memory_mib


def read_container(r: Reader, c: Any, path: tuple, is_init: bool) -> m.Container:
    c = r.map(c, *path)
    res = r.map(c.get("resources"), *path, "resources")
    req = r.map(res.get("requests"), *path, "resources", "requests")
    lim = r.map(res.get("limits"), *path, "resources", "limits")
    rp = (*path, "resources")
    ports = tuple(
        m.ContainerPort(
            container_port=r.int(p.get("containerPort"), *path, "ports", i, "containerPort") or 0,
            name=str(p.get("name") or ""),
            protocol=str(p.get("protocol") or "TCP"),
            source=r.ref(*path, "ports", i))
        for i, p in enumerate(r.list(c.get("ports"), *path, "ports")) if isinstance(p, dict))
    return m.Container(
        name=str(c.get("name") or ""),
        image=str(c.get("image") or ""),
        command=tuple(str(x) for x in r.list(c.get("command"), *path, "command")),
        args=tuple(str(x) for x in r.list(c.get("args"), *path, "args")),
        ports=ports,
        env=tuple(_env(r, e, (*path, "env", i))
                  for i, e in enumerate(r.list(c.get("env"), *path, "env")) if isinstance(e, dict)),
        env_from=tuple(_env_from(r, e, (*path, "envFrom", i))
                       for i, e in enumerate(r.list(c.get("envFrom"), *path, "envFrom")) if isinstance(e, dict)),
        resources=m.Resources(
            cpu_request=r.quantity(req.get("cpu"), cpu_units, *rp, "requests", "cpu"),
            cpu_limit=r.quantity(lim.get("cpu"), cpu_units, *rp, "limits", "cpu"),
            memory_request=r.quantity(req.get("memory"), memory_mib, *rp, "requests", "memory"),
            memory_limit=r.quantity(lim.get("memory"), memory_mib, *rp, "limits", "memory"),
            source=r.ref(*rp),
        ),
        readiness_probe=_probe(r, c.get("readinessProbe"), (*path, "readinessProbe")),
        liveness_probe=_probe(r, c.get("livenessProbe"), (*path, "livenessProbe")),
        startup_probe=_probe(r, c.get("startupProbe"), (*path, "startupProbe")),
        security_context=read_security_context(r, c.get("securityContext"), (*path, "securityContext")),
        volume_mounts=tuple(
            m.VolumeMount(name=str(v.get("name") or ""), mount_path=str(v.get("mountPath") or ""),
                          read_only=bool(v.get("readOnly") or False), sub_path=str(v.get("subPath") or ""),
                          source=r.ref(*path, "volumeMounts", i))
            for i, v in enumerate(r.list(c.get("volumeMounts"), *path, "volumeMounts")) if isinstance(v, dict)),
        working_dir=str(c.get("workingDir") or ""),
        is_init=is_init,
        is_sidecar=is_init and c.get("restartPolicy") == "Always",
        source=r.ref(*path),
        pre_stop=(r.ref(*path, "lifecycle", "preStop")
                  if r.map(c.get("lifecycle"), *path, "lifecycle").get("preStop") is not None else None),
    )


def _env(r: Reader, e: dict, path: tuple) -> m.EnvVar:
    name = str(e.get("name") or "")
    source = r.ref(*path)
    frm = r.map(e.get("valueFrom"), *path, "valueFrom")
    if not frm:
        value = e.get("value")
        return m.EnvVar(name=name, value="" if value is None else yaml_text(value), source=source)
    if "configMapKeyRef" in frm:
        ref = r.map(frm["configMapKeyRef"], *path, "valueFrom", "configMapKeyRef")
        return m.EnvVar(name=name, config_map=str(ref.get("name") or ""), config_map_key=str(ref.get("key") or ""),
                        optional=bool(ref.get("optional") or False), source=source)
    if "secretKeyRef" in frm:
        ref = r.map(frm["secretKeyRef"], *path, "valueFrom", "secretKeyRef")
        return m.EnvVar(name=name, secret=str(ref.get("name") or ""), secret_key=str(ref.get("key") or ""),
                        optional=bool(ref.get("optional") or False), source=source)
    if "fieldRef" in frm:
        ref = r.map(frm["fieldRef"], *path, "valueFrom", "fieldRef")
        return m.EnvVar(name=name, field_ref=str(ref.get("fieldPath") or ""), source=source)
    if "resourceFieldRef" in frm:
        ref = r.map(frm["resourceFieldRef"], *path, "valueFrom", "resourceFieldRef")
        text = str(ref.get("resource") or "")
        if ref.get("containerName"):
            text = f"{ref['containerName']}/{text}"
        if ref.get("divisor") is not None:
            text = f"{text}/{ref['divisor']}"
        return m.EnvVar(name=name, resource_field_ref=text, source=source)
    return m.EnvVar(name=name, value=None, source=source)


def _env_from(r: Reader, e: dict, path: tuple) -> m.EnvFrom:
    cm = r.map(e.get("configMapRef"), *path, "configMapRef")
    sec = r.map(e.get("secretRef"), *path, "secretRef")
    return m.EnvFrom(config_map=str(cm.get("name") or ""), secret=str(sec.get("name") or ""),
                     prefix=str(e.get("prefix") or ""),
                     optional=bool(cm.get("optional") or sec.get("optional") or False),
                     source=r.ref(*path))


def _probe(r: Reader, p: Any, path: tuple) -> m.Probe | None:
    if p is None:
        return None
    p = r.map(p, *path)
    timing = dict(
        initial_delay_seconds=r.int(p.get("initialDelaySeconds"), *path, "initialDelaySeconds") or 0,
        period_seconds=r.int(p.get("periodSeconds"), *path, "periodSeconds") or 10,
        timeout_seconds=r.int(p.get("timeoutSeconds"), *path, "timeoutSeconds") or 1,
        success_threshold=r.int(p.get("successThreshold"), *path, "successThreshold") or 1,
        failure_threshold=r.int(p.get("failureThreshold"), *path, "failureThreshold") or 3,
        source=r.ref(*path),
    )
    if "httpGet" in p:
        h = r.map(p["httpGet"], *path, "httpGet")
        headers = tuple((str(x.get("name")), str(x.get("value")))
                        for x in r.list(h.get("httpHeaders"), *path, "httpGet", "httpHeaders") if isinstance(x, dict))
        return m.Probe("httpGet", path=str(h.get("path") or "/"), port=r.int_or_str(h.get("port")),
                       scheme=str(h.get("scheme") or "HTTP").upper(), headers=headers, **timing)
    if "tcpSocket" in p:
        t = r.map(p["tcpSocket"], *path, "tcpSocket")
        return m.Probe("tcpSocket", port=r.int_or_str(t.get("port")), **timing)
    if "grpc" in p:
        g = r.map(p["grpc"], *path, "grpc")
        return m.Probe("grpc", port=r.int_or_str(g.get("port")), grpc_service=str(g.get("service") or ""), **timing)
    if "exec" in p:
        ex = r.map(p["exec"], *path, "exec")
        return m.Probe("exec", command=tuple(str(x) for x in r.list(ex.get("command"), *path, "exec", "command")),
                       **timing)
    return None


def read_security_context(r: Reader, s: Any, path: tuple) -> m.SecurityContext | None:
    if s is None:
        return None
    s = r.map(s, *path)
    caps = r.map(s.get("capabilities"), *path, "capabilities")
    return m.SecurityContext(
        run_as_user=r.int(s.get("runAsUser"), *path, "runAsUser"),
        run_as_group=r.int(s.get("runAsGroup"), *path, "runAsGroup"),
        run_as_non_root=s.get("runAsNonRoot"),
        read_only_root_filesystem=s.get("readOnlyRootFilesystem"),
        privileged=s.get("privileged"),
        allow_privilege_escalation=s.get("allowPrivilegeEscalation"),
        capabilities_add=tuple(str(x) for x in r.list(caps.get("add"), *path, "capabilities", "add")),
        fs_group=r.int(s.get("fsGroup"), *path, "fsGroup"),
        source=r.ref(*path),
    )
