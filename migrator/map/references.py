"""DNS references in configuration values: which Kubernetes Service a URL, `host:port` or
connection string names, in every form a pod can write it (`svc`, `svc.ns`, `svc.ns.svc`,
`svc.ns.svc.cluster.local`, and per-pod StatefulSet names). Pure text in, references out."""

from __future__ import annotations

import re
from dataclasses import dataclass

from migrator.model.objects import Estate

_HOST = re.compile(r"(?<![A-Za-z0-9_.-])(?P<host>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)"
                   r"(?::(?P<port>\d{1,5}))?(?![A-Za-z0-9_.-])")
_HOSTISH_KEY = re.compile(r"(HOST|ADDR|ADDRESS|URL|URI|ENDPOINT|SERVER|UPSTREAM|BACKEND|DSN|BROKER)S?$", re.I)
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
CLUSTER_SUFFIXES = (".svc.cluster.local", ".svc")


@dataclass(frozen=True)
class Alias:
    """A Service Connect client alias and the ECS service behind it."""

    dns_name: str
    port: int
    service: str


@dataclass(frozen=True)
class Reference:
    start: int  # span of the host name in the value
    end: int
    host: str
    port: int | None  # explicit port, or the scheme's default
    explicit_port: bool
    namespace: str  # the Service's namespace ("" when unknown)
    service: str  # the Service name ("" when the name is not in the estate)
    pod: str = ""  # a per-pod StatefulSet name (pod-0.svc...)

    @property
    def in_estate(self) -> bool:
        return bool(self.service)


def find_references(value: str, key: str, namespace: str, estate: Estate) -> list[Reference]:
    """References in one value of a pod in `namespace`."""
    out = []
    for match in _HOST.finditer(value):
        host, port = match.group("host"), match.group("port")
        ref = _resolve(host, namespace, estate)
        if ref is None:
            continue
        service_ns, service, pod, cluster_form = ref
        scheme = _scheme_before(value, match.start())
        single = "." not in host
        if single and not (port or scheme or value[:match.start()].endswith("@") or
                           (value.strip() == host and _HOSTISH_KEY.search(key))):
            continue
        if not service and not cluster_form:
            continue
        implied = _DEFAULT_PORTS.get(scheme) if scheme else None
        out.append(Reference(match.start("host"), match.end("host"), host, int(port) if port else implied,
                             bool(port), service_ns, service, pod))
    return out


def _scheme_before(value: str, at: int) -> str:
    found = re.search(r"([a-z][a-z0-9+.-]*)://$", value[:at])
    return found.group(1) if found else ""


def _resolve(host: str, namespace: str, estate: Estate) -> tuple[str, str, str, bool] | None:
    """(namespace, service, pod, written in a cluster form); service "" for an unknown cluster name."""
    cluster_form = host.endswith(CLUSTER_SUFFIXES)
    labels = host
    for suffix in CLUSTER_SUFFIXES:
        if labels.endswith(suffix):
            labels = labels[:-len(suffix)]
            break
    parts = labels.split(".")
    if len(parts) == 1:
        if cluster_form:
            return None
        return (namespace, parts[0], "", False) if estate.service(namespace, parts[0]) else None
    if len(parts) == 2:
        first, second = parts
        if estate.service(second, first):
            return second, first, "", cluster_form
        if not cluster_form and estate.service(namespace, second) and _is_pod_of(estate, namespace, second, first):
            return namespace, second, first, False
        return ("", "", "", True) if cluster_form else None
    if len(parts) == 3 and estate.service(parts[2], parts[1]):
        return parts[2], parts[1], parts[0], cluster_form
    return ("", "", "", True) if cluster_form else None


def _is_pod_of(estate: Estate, namespace: str, service: str, pod: str) -> bool:
    """`pod` looks like `<statefulset>-<ordinal>` of a StatefulSet governed by `service`."""
    return any(w.kind == "StatefulSet" and w.namespace == namespace and w.service_name == service
               and re.fullmatch(re.escape(w.name) + r"-\d+", pod) for w in estate.workloads)
