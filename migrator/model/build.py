"""Documents -> Estate. The only place that reads Kubernetes field names into the model.

One malformed object becomes a finding for that object; the rest of the estate still loads.
Secret values are never read: only key names cross into the model.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable

from migrator import data
from migrator.findings import Finding, InputError, SourceRef, error, info, warning
from migrator.load.documents import Document
from migrator.model import objects as m
from migrator.model.quantity import QuantityError, cpu_units, memory_mib

WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "Pod",
                  "ReplicationController", "ReplicaSet"}


class _Reader:
    """Typed access to one document's fields, turning wrong types into findings."""

    def __init__(self, doc: Document, findings: list[Finding]):
        self.doc = doc
        self.findings = findings

    def ref(self, *path: str | int) -> SourceRef:
        return self.doc.ref(*path)

    def map(self, value: Any, *path: str | int) -> dict:
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        self._wrong(path, "a mapping", value)
        return {}

    def list(self, value: Any, *path: str | int) -> list:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self._wrong(path, "a list", value)
        return []

    def str_map(self, value: Any, *path: str | int) -> dict[str, str]:
        return {str(k): "" if v is None else str(v) for k, v in self.map(value, *path).items()}

    def int(self, value: Any, *path: str | int) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self._wrong(path, "a number", value)
            return None
        try:
            return int(value)
        except ValueError:
            self._wrong(path, "a number", value)
            return None

    def int_or_str(self, value: Any) -> int | str | None:
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        text = str(value)
        return int(text) if text.isdigit() else text

    def quantity(self, value: Any, convert, *path: str | int) -> int | None:
        if value is None:
            return None
        try:
            return convert(value)
        except QuantityError as exc:
            self.findings.append(error("model.bad-quantity", f"{exc}; the value is ignored",
                                       self.ref(*path)))
            return None

    def _wrong(self, path: tuple, expected: str, value: Any) -> None:
        self.findings.append(error(
            "model.wrong-type",
            f"{'.'.join(map(str, path)) or 'document'} should be {expected}, "
            f"not {type(value).__name__}; the field is ignored",
            self.ref(*path)))


def build_estate(documents: Iterable[Document]) -> tuple[m.Estate, list[Finding]]:
    """Build the estate for one environment. Raises InputError for unknown core kinds/versions."""
    findings: list[Finding] = []
    buckets: dict[str, list] = {name: [] for name in (
        "workloads", "services", "ingresses", "routes", "hpas", "config_maps", "secrets",
        "service_accounts", "pdbs", "others")}
    for doc in documents:
        _check_known(doc)
        reader = _Reader(doc, findings)
        kind = doc.data["kind"]
        builder = _BUILDERS.get(kind)
        if builder is None:
            buckets["others"].append(m.OtherObject(
                doc.data["apiVersion"], kind, _meta(reader, doc.data), doc.source))
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


def _meta(r: _Reader, obj: dict) -> m.Meta:
    meta = r.map(obj.get("metadata"), "metadata")
    return m.Meta(
        name=str(meta.get("name") or meta.get("generateName") or "unnamed"),
        namespace=str(meta.get("namespace") or "default"),
        labels=r.str_map(meta.get("labels"), "metadata", "labels"),
        annotations=r.str_map(meta.get("annotations"), "metadata", "annotations"),
    )


# ---- workloads -------------------------------------------------------------------------

def _workload(r: _Reader, obj: dict) -> tuple[str, m.Workload]:
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
        meta=_meta(r, obj),
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
    )


def _claim(r: _Reader, claim: dict, path: tuple) -> m.VolumeClaimTemplate:
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


def _pod(r: _Reader, spec: dict, metadata: dict, path: tuple) -> m.PodSpec:
    containers = tuple(
        _container(r, c, (*path, "containers", i), is_init=False)
        for i, c in enumerate(r.list(spec.get("containers"), *path, "containers")))
    inits = tuple(
        _container(r, c, (*path, "initContainers", i), is_init=True)
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
        security_context=_security(r, spec.get("securityContext"), (*path, "securityContext")),
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


def _container(r: _Reader, c: Any, path: tuple, is_init: bool) -> m.Container:
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
        security_context=_security(r, c.get("securityContext"), (*path, "securityContext")),
        volume_mounts=tuple(
            m.VolumeMount(name=str(v.get("name") or ""), mount_path=str(v.get("mountPath") or ""),
                          read_only=bool(v.get("readOnly") or False), sub_path=str(v.get("subPath") or ""),
                          source=r.ref(*path, "volumeMounts", i))
            for i, v in enumerate(r.list(c.get("volumeMounts"), *path, "volumeMounts")) if isinstance(v, dict)),
        working_dir=str(c.get("workingDir") or ""),
        is_init=is_init,
        is_sidecar=is_init and c.get("restartPolicy") == "Always",
        source=r.ref(*path),
    )


def _env(r: _Reader, e: dict, path: tuple) -> m.EnvVar:
    name = str(e.get("name") or "")
    source = r.ref(*path)
    frm = r.map(e.get("valueFrom"), *path, "valueFrom")
    if not frm:
        value = e.get("value")
        return m.EnvVar(name=name, value="" if value is None else _text(value), source=source)
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


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _env_from(r: _Reader, e: dict, path: tuple) -> m.EnvFrom:
    cm = r.map(e.get("configMapRef"), *path, "configMapRef")
    sec = r.map(e.get("secretRef"), *path, "secretRef")
    return m.EnvFrom(config_map=str(cm.get("name") or ""), secret=str(sec.get("name") or ""),
                     prefix=str(e.get("prefix") or ""),
                     optional=bool(cm.get("optional") or sec.get("optional") or False),
                     source=r.ref(*path))


def _probe(r: _Reader, p: Any, path: tuple) -> m.Probe | None:
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


def _security(r: _Reader, s: Any, path: tuple) -> m.SecurityContext | None:
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


def _volume(r: _Reader, v: Any, path: tuple) -> m.Volume:
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


# ---- networking --------------------------------------------------------------------------

def _service(r: _Reader, obj: dict) -> tuple[str, m.Service]:
    spec = r.map(obj.get("spec"), "spec")
    ports = tuple(
        m.ServicePort(
            port=r.int(p.get("port"), "spec", "ports", i, "port") or 0,
            target_port=r.int_or_str(p.get("targetPort")),
            name=str(p.get("name") or ""),
            protocol=str(p.get("protocol") or "TCP"),
            node_port=r.int(p.get("nodePort"), "spec", "ports", i, "nodePort"),
            app_protocol=str(p.get("appProtocol") or ""),
            source=r.ref("spec", "ports", i))
        for i, p in enumerate(r.list(spec.get("ports"), "spec", "ports")) if isinstance(p, dict))
    return "services", m.Service(
        meta=_meta(r, obj),
        type=str(spec.get("type") or "ClusterIP"),
        selector=r.str_map(spec.get("selector"), "spec", "selector"),
        ports=ports,
        headless=spec.get("clusterIP") == "None",
        external_name=str(spec.get("externalName") or ""),
        source=r.doc.source,
    )


def _backend(r: _Reader, b: Any, path: tuple) -> m.BackendRef | None:
    b = r.map(b, *path)
    if not b:
        return None
    if "service" in b:  # networking.k8s.io/v1
        svc = r.map(b["service"], *path, "service")
        port = r.map(svc.get("port"), *path, "service", "port")
        return m.BackendRef(service=str(svc.get("name") or ""),
                            port=r.int_or_str(port.get("number")) if "number" in port else str(port.get("name") or "") or None,
                            source=r.ref(*path))
    if "serviceName" in b:  # v1beta1
        return m.BackendRef(service=str(b["serviceName"]), port=r.int_or_str(b.get("servicePort")),
                            source=r.ref(*path))
    return None


def _ingress(r: _Reader, obj: dict) -> tuple[str, m.Ingress]:
    spec = r.map(obj.get("spec"), "spec")
    meta = _meta(r, obj)
    rules = []
    for i, rule in enumerate(r.list(spec.get("rules"), "spec", "rules")):
        rule = r.map(rule, "spec", "rules", i)
        http = r.map(rule.get("http"), "spec", "rules", i, "http")
        paths = []
        for j, p in enumerate(r.list(http.get("paths"), "spec", "rules", i, "http", "paths")):
            p = r.map(p, "spec", "rules", i, "http", "paths", j)
            at = ("spec", "rules", i, "http", "paths", j)
            paths.append(m.IngressPath(
                path=str(p.get("path") or "/"),
                path_type=str(p.get("pathType") or "ImplementationSpecific"),
                backend=_backend(r, p.get("backend"), (*at, "backend")),
                source=r.ref(*at)))
        rules.append(m.IngressRule(host=str(rule.get("host") or ""), paths=tuple(paths),
                                   source=r.ref("spec", "rules", i)))
    tls = tuple(
        m.IngressTLS(hosts=tuple(str(h) for h in r.list(t.get("hosts"), "spec", "tls", i, "hosts")),
                     secret_name=str(t.get("secretName") or ""), source=r.ref("spec", "tls", i))
        for i, t in enumerate(r.list(spec.get("tls"), "spec", "tls")) if isinstance(t, dict))
    default = spec.get("defaultBackend", spec.get("backend"))
    return "ingresses", m.Ingress(
        meta=meta,
        ingress_class=str(spec.get("ingressClassName")
                          or meta.annotations.get("kubernetes.io/ingress.class", "")),
        rules=tuple(rules),
        default_backend=_backend(r, default, ("spec", "defaultBackend" if "defaultBackend" in spec else "backend")),
        tls=tls,
        source=r.doc.source,
    )


def _http_route(r: _Reader, obj: dict) -> tuple[str, m.HTTPRoute]:
    spec = r.map(obj.get("spec"), "spec")
    rules = []
    for i, rule in enumerate(r.list(spec.get("rules"), "spec", "rules")):
        rule = r.map(rule, "spec", "rules", i)
        at = ("spec", "rules", i)
        matches = []
        for j, match in enumerate(r.list(rule.get("matches"), *at, "matches")):
            match = r.map(match, *at, "matches", j)
            path = r.map(match.get("path"), *at, "matches", j, "path")
            matches.append(m.RouteMatch(
                path=str(path.get("value") or "/"),
                path_type=str(path.get("type") or "PathPrefix"),
                headers=tuple((str(h.get("type") or "Exact"), str(h.get("name")), str(h.get("value")))
                              for h in r.list(match.get("headers"), *at, "matches", j, "headers") if isinstance(h, dict)),
                query_params=tuple((str(q.get("type") or "Exact"), str(q.get("name")), str(q.get("value")))
                                   for q in r.list(match.get("queryParams"), *at, "matches", j, "queryParams")
                                   if isinstance(q, dict)),
                method=str(match.get("method") or ""),
                source=r.ref(*at, "matches", j)))
        backends = tuple(
            m.BackendRef(service=str(b.get("name") or ""), port=r.int_or_str(b.get("port")),
                         weight=1 if b.get("weight") is None else int(b.get("weight")),
                         namespace=str(b.get("namespace") or ""), source=r.ref(*at, "backendRefs", k))
            for k, b in enumerate(r.list(rule.get("backendRefs"), *at, "backendRefs"))
            if isinstance(b, dict) and str(b.get("kind") or "Service") == "Service")
        filters = tuple(str(f.get("type")) for f in r.list(rule.get("filters"), *at, "filters") if isinstance(f, dict))
        rules.append(m.RouteRule(matches=tuple(matches), backends=backends, filters=filters, source=r.ref(*at)))
    parents = tuple(str(p.get("name")) for p in r.list(spec.get("parentRefs"), "spec", "parentRefs")
                    if isinstance(p, dict))
    return "routes", m.HTTPRoute(
        meta=_meta(r, obj),
        hostnames=tuple(str(h) for h in r.list(spec.get("hostnames"), "spec", "hostnames")),
        parent_refs=parents,
        parent_kinds=tuple(str(p.get("kind") or "Gateway") for p in r.list(spec.get("parentRefs"), "spec", "parentRefs")
                           if isinstance(p, dict)),
        rules=tuple(rules),
        kind=obj["kind"],
        source=r.doc.source,
    )


# ---- scaling, config, identity -------------------------------------------------------------

def _hpa(r: _Reader, obj: dict) -> tuple[str, m.HPA]:
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
        meta=_meta(r, obj),
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


def _metric(r: _Reader, metric: dict, path: tuple) -> m.MetricTarget:
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


def _config_map(r: _Reader, obj: dict) -> tuple[str, m.ConfigMap]:
    values = r.map(obj.get("data"), "data")
    return "config_maps", m.ConfigMap(
        meta=_meta(r, obj),
        data={str(k): _text(v) if v is not None else "" for k, v in values.items()},
        binary_keys=tuple(str(k) for k in r.map(obj.get("binaryData"), "binaryData")),
        key_sources={str(k): r.ref("data", k) for k in values},
        source=r.doc.source,
    )


def _secret(r: _Reader, obj: dict) -> tuple[str, m.Secret]:
    keys = set(r.map(obj.get("data"), "data")) | set(r.map(obj.get("stringData"), "stringData"))
    # Annotations stay behind: kubectl.kubernetes.io/last-applied-configuration is a copy of the
    # whole Secret, values included, and no mapper needs a Secret's annotations.
    meta = dataclasses.replace(_meta(r, obj), annotations={})
    return "secrets", m.Secret(meta=meta, type=str(obj.get("type") or "Opaque"),
                               keys=tuple(sorted(str(k) for k in keys)), source=r.doc.source)


def _service_account(r: _Reader, obj: dict) -> tuple[str, m.ServiceAccount]:
    meta = _meta(r, obj)
    return "service_accounts", m.ServiceAccount(
        meta=meta, role_arn=meta.annotations.get("eks.amazonaws.com/role-arn", ""), source=r.doc.source)


def _pdb(r: _Reader, obj: dict) -> tuple[str, m.PodDisruptionBudget]:
    spec = r.map(obj.get("spec"), "spec")
    selector = r.map(spec.get("selector"), "spec", "selector")
    return "pdbs", m.PodDisruptionBudget(
        meta=_meta(r, obj),
        selector=r.str_map(selector.get("matchLabels"), "spec", "selector", "matchLabels"),
        min_available=r.int_or_str(spec.get("minAvailable")),
        max_unavailable=r.int_or_str(spec.get("maxUnavailable")),
        source=r.doc.source,
    )


_BUILDERS = {
    **{kind: _workload for kind in WORKLOAD_KINDS},
    "Service": _service,
    "Ingress": _ingress,
    "HTTPRoute": _http_route,
    "GRPCRoute": _http_route,
    "HorizontalPodAutoscaler": _hpa,
    "ConfigMap": _config_map,
    "Secret": _secret,
    "ServiceAccount": _service_account,
    "PodDisruptionBudget": _pdb,
}

__all__ = ["build_estate", "kubernetes_identity", "WORKLOAD_KINDS", "info", "warning"]
