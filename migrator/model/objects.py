"""The estate as the mappers see it: frozen values with no Kubernetes client or boto3 types.

Every object keeps a SourceRef so a finding can name file:line. Quantities are already in ECS
units (CPU units, MiB). Secret values never enter the model: a Secret is its name and keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Mapping

from migrator.findings import SourceRef


@dataclass(frozen=True)
class Meta:
    name: str
    namespace: str = "default"
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True)
class ContainerPort:
    container_port: int
    name: str = ""
    protocol: str = "TCP"
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class EnvVar:
    """One `env` entry. Exactly one of value / config_map_key / secret_key / field_ref /
    resource_field_ref is set (value may be "" for an explicit empty string)."""

    name: str
    value: str | None = None
    config_map: str = ""
    config_map_key: str = ""
    secret: str = ""
    secret_key: str = ""
    field_ref: str = ""
    resource_field_ref: str = ""
    optional: bool = False
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class EnvFrom:
    config_map: str = ""
    secret: str = ""
    prefix: str = ""
    optional: bool = False
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class Resources:
    """CPU in ECS units (1024 = 1 vCPU), memory in MiB; None where not set."""

    cpu_request: int | None = None
    cpu_limit: int | None = None
    memory_request: int | None = None
    memory_limit: int | None = None
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class Probe:
    kind: str  # httpGet | tcpSocket | exec | grpc
    path: str = ""
    port: int | str | None = None
    scheme: str = "HTTP"
    command: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    grpc_service: str = ""
    initial_delay_seconds: int = 0
    period_seconds: int = 10
    timeout_seconds: int = 1
    success_threshold: int = 1
    failure_threshold: int = 3
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class SecurityContext:
    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    read_only_root_filesystem: bool | None = None
    privileged: bool | None = None
    allow_privilege_escalation: bool | None = None
    capabilities_add: tuple[str, ...] = ()
    fs_group: int | None = None  # pod level only
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class VolumeMount:
    name: str
    mount_path: str
    read_only: bool = False
    sub_path: str = ""
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class Container:
    name: str
    image: str
    command: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    ports: tuple[ContainerPort, ...] = ()
    env: tuple[EnvVar, ...] = ()
    env_from: tuple[EnvFrom, ...] = ()
    resources: Resources = Resources()
    readiness_probe: Probe | None = None
    liveness_probe: Probe | None = None
    startup_probe: Probe | None = None
    security_context: SecurityContext | None = None
    volume_mounts: tuple[VolumeMount, ...] = ()
    working_dir: str = ""
    is_init: bool = False
    # Kubernetes >= 1.29 native sidecars: an init container with restartPolicy Always.
    is_sidecar: bool = False
    source: SourceRef = SourceRef("")
    pre_stop: SourceRef | None = None  # where lifecycle.preStop is written; ECS runs no hook


@dataclass(frozen=True)
class Volume:
    name: str
    kind: str  # emptyDir | persistentVolumeClaim | configMap | secret | projected | hostPath | other
    medium: str = ""
    claim_name: str = ""
    config_map: str = ""
    secret: str = ""
    host_path: str = ""
    size_mib: int | None = None  # emptyDir sizeLimit
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class PodSpec:
    containers: tuple[Container, ...]
    init_containers: tuple[Container, ...] = ()
    volumes: tuple[Volume, ...] = ()
    node_selector: Mapping[str, str] = field(default_factory=dict)
    service_account: str = ""
    security_context: SecurityContext | None = None
    termination_grace_period_seconds: int | None = None
    image_pull_secrets: tuple[str, ...] = ()
    restart_policy: str = "Always"
    host_network: bool = False
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    source: SourceRef = SourceRef("")
    field_sources: Mapping[str, SourceRef] = field(default_factory=dict)  # pod spec key -> where it is

    def ref(self, key: str) -> SourceRef:
        """Where a pod spec field (nodeSelector, terminationGracePeriodSeconds, ...) is written."""
        return self.field_sources.get(key) or self.source.at(key)


@dataclass(frozen=True)
class Strategy:
    type: str = "RollingUpdate"  # RollingUpdate | Recreate | OnDelete
    max_surge: int | str | None = None
    max_unavailable: int | str | None = None
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class VolumeClaimTemplate:
    name: str
    storage_mib: int | None = None
    access_modes: tuple[str, ...] = ()
    storage_class: str = ""
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class Workload:
    """Deployment, StatefulSet, DaemonSet, CronJob, Job, Pod or ReplicationController."""

    kind: str
    meta: Meta
    pod: PodSpec
    replicas: int | None = None
    selector: Mapping[str, str] = field(default_factory=dict)
    strategy: Strategy = Strategy()
    schedule: str = ""
    time_zone: str = ""
    suspend: bool = False
    concurrency_policy: str = ""
    volume_claim_templates: tuple[VolumeClaimTemplate, ...] = ()
    service_name: str = ""  # StatefulSet governing Service
    source: SourceRef = SourceRef("")
    # Job level (a Job's spec or a CronJob's jobTemplate.spec); None where not written.
    active_deadline_seconds: int | None = None
    backoff_limit: int | None = None  # Kubernetes defaults it to 6
    completions: int | None = None
    parallelism: int | None = None
    starting_deadline_seconds: int | None = None  # CronJob spec
    # job spec key (and a CronJob's startingDeadlineSeconds) -> where it is written
    job_field_sources: Mapping[str, SourceRef] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.meta.name

    def job_ref(self, key: str) -> SourceRef:
        """Where a job-level field (backoffLimit, completions, ...) is written."""
        return self.job_field_sources.get(key) or self.source

    @property
    def namespace(self) -> str:
        return self.meta.namespace


@dataclass(frozen=True)
class ServicePort:
    port: int
    target_port: int | str | None = None
    name: str = ""
    protocol: str = "TCP"
    node_port: int | None = None
    app_protocol: str = ""
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class Service:
    meta: Meta
    type: str = "ClusterIP"
    selector: Mapping[str, str] = field(default_factory=dict)
    ports: tuple[ServicePort, ...] = ()
    headless: bool = False
    external_name: str = ""
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class BackendRef:
    service: str
    port: int | str | None = None  # number or port name
    weight: int = 1
    namespace: str = ""
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class IngressPath:
    path: str
    path_type: str  # Exact | Prefix | ImplementationSpecific
    backend: BackendRef | None
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class IngressRule:
    host: str = ""
    paths: tuple[IngressPath, ...] = ()
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class IngressTLS:
    hosts: tuple[str, ...] = ()
    secret_name: str = ""
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class Ingress:
    meta: Meta
    ingress_class: str = ""
    rules: tuple[IngressRule, ...] = ()
    default_backend: BackendRef | None = None
    tls: tuple[IngressTLS, ...] = ()
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class RouteMatch:
    path: str = "/"
    path_type: str = "PathPrefix"  # PathPrefix | Exact | RegularExpression
    headers: tuple[tuple[str, str, str], ...] = ()  # (type, name, value)
    query_params: tuple[tuple[str, str, str], ...] = ()
    method: str = ""
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class RouteRule:
    matches: tuple[RouteMatch, ...] = ()
    backends: tuple[BackendRef, ...] = ()
    filters: tuple[str, ...] = ()  # filter types, e.g. URLRewrite, RequestHeaderModifier
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class ParentRef:
    """One `parentRefs` entry of a route: a Gateway (optionally one listener of it) or a Service."""

    name: str
    namespace: str = ""  # "" = the route's namespace
    kind: str = "Gateway"
    section_name: str = ""  # a listener name
    port: int | None = None  # listeners on this port
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class HTTPRoute:
    meta: Meta
    hostnames: tuple[str, ...] = ()
    parent_refs: tuple[str, ...] = ()
    parent_kinds: tuple[str, ...] = ()  # kind of each parentRef (Gateway, or Service for mesh routes)
    rules: tuple[RouteRule, ...] = ()
    kind: str = "HTTPRoute"
    source: SourceRef = SourceRef("")
    parents: tuple[ParentRef, ...] = ()  # the full parentRefs (parent_refs/parent_kinds: their names and kinds)


@dataclass(frozen=True)
class GatewayListener:
    name: str
    port: int
    protocol: str = "HTTP"  # HTTP | HTTPS | TLS | TCP | UDP
    hostname: str = ""  # "" accepts every host; "*.example.com" a wildcard
    allowed_namespaces: str = "Same"  # allowedRoutes.namespaces.from: Same | All | Selector
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class Gateway:
    """A Gateway API Gateway: the listeners routes attach to and the scheme of its load balancer."""

    meta: Meta
    gateway_class: str = ""
    listeners: tuple[GatewayListener, ...] = ()
    scheme: str = ""  # internal | internet-facing | "" (not said: internet-facing)
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class MetricTarget:
    """One HPA metric: type Resource/ContainerResource/Pods/Object/External."""

    type: str
    name: str  # cpu, memory or the metric's name
    target_type: str  # Utilization | AverageValue | Value
    utilization: int | None = None
    # AverageValue/Value as given (CPU in units, memory in MiB for resources; raw text otherwise)
    average_value: float | None = None
    value: str = ""
    container: str = ""
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class HPA:
    meta: Meta
    target_kind: str
    target_name: str
    min_replicas: int = 1
    max_replicas: int = 1
    metrics: tuple[MetricTarget, ...] = ()
    scale_up_stabilization_seconds: int | None = None
    scale_down_stabilization_seconds: int | None = None
    api_version: str = "autoscaling/v2"
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class ConfigMap:
    meta: Meta
    data: Mapping[str, str] = field(default_factory=dict)
    binary_keys: tuple[str, ...] = ()
    key_sources: Mapping[str, SourceRef] = field(default_factory=dict)
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class Secret:
    """Names and keys only: values are never read into the model."""

    meta: Meta
    type: str = "Opaque"
    keys: tuple[str, ...] = ()
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class ServiceAccount:
    meta: Meta
    role_arn: str = ""
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class PodDisruptionBudget:
    meta: Meta
    selector: Mapping[str, str] = field(default_factory=dict)
    min_available: int | str | None = None
    max_unavailable: int | str | None = None
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class ResourceAmounts:
    """CPU in ECS units and memory in MiB, None where not given."""

    cpu: int | None = None
    memory: int | None = None


@dataclass(frozen=True)
class LimitRangeItem:
    """One `spec.limits[]` entry as written: no API defaulting (max -> default -> defaultRequest)
    is applied here; the sizing mapper applies it as admission does."""

    type: str  # Container | Pod | PersistentVolumeClaim
    default: ResourceAmounts = ResourceAmounts()
    default_request: ResourceAmounts = ResourceAmounts()
    max: ResourceAmounts = ResourceAmounts()
    min: ResourceAmounts = ResourceAmounts()
    # Every `<field>.<resource>` written, e.g. ("default.memory", "max.cpu", "maxLimitRequestRatio.cpu")
    written: tuple[str, ...] = ()
    source: SourceRef = SourceRef("")
    field_sources: Mapping[str, SourceRef] = field(default_factory=dict)  # "max" -> where it is

    def ref(self, key: str) -> SourceRef:
        return self.field_sources.get(key) or self.source


@dataclass(frozen=True)
class LimitRange:
    meta: Meta
    limits: tuple[LimitRangeItem, ...] = ()
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class OtherObject:
    """Anything the mappers have no equivalent for: kept so it is reported, not dropped."""

    api_version: str
    kind: str
    meta: Meta
    source: SourceRef = SourceRef("")


@dataclass(frozen=True)
class Estate:
    """Everything loaded for one environment."""

    workloads: tuple[Workload, ...] = ()
    services: tuple[Service, ...] = ()
    ingresses: tuple[Ingress, ...] = ()
    routes: tuple[HTTPRoute, ...] = ()
    hpas: tuple[HPA, ...] = ()
    config_maps: tuple[ConfigMap, ...] = ()
    secrets: tuple[Secret, ...] = ()
    service_accounts: tuple[ServiceAccount, ...] = ()
    pdbs: tuple[PodDisruptionBudget, ...] = ()
    others: tuple[OtherObject, ...] = ()
    limit_ranges: tuple[LimitRange, ...] = ()
    gateways: tuple[Gateway, ...] = ()  # also in `others`, where kinds.py reports them

    # Indexes are built once on first use; thousands of services make linear lookups quadratic.
    @cached_property
    def _index(self) -> dict[tuple[str, str, str], Any]:
        index: dict[tuple[str, str, str], Any] = {}
        for group, items in (
            ("ConfigMap", self.config_maps), ("Secret", self.secrets),
            ("Service", self.services), ("ServiceAccount", self.service_accounts),
        ):
            for item in items:
                index.setdefault((group, item.meta.namespace, item.meta.name), item)
        return index

    def config_map(self, namespace: str, name: str) -> ConfigMap | None:
        return self._index.get(("ConfigMap", namespace, name))

    def secret(self, namespace: str, name: str) -> Secret | None:
        return self._index.get(("Secret", namespace, name))

    def service(self, namespace: str, name: str) -> Service | None:
        return self._index.get(("Service", namespace, name))

    def service_account(self, namespace: str, name: str) -> ServiceAccount | None:
        return self._index.get(("ServiceAccount", namespace, name))

    @cached_property
    def _limit_ranges_by_namespace(self) -> dict[str, tuple[LimitRange, ...]]:
        index: dict[str, list[LimitRange]] = {}
        for limit_range in self.limit_ranges:
            index.setdefault(limit_range.meta.namespace, []).append(limit_range)
        return {namespace: tuple(items) for namespace, items in index.items()}

    def limit_ranges_in(self, namespace: str) -> tuple[LimitRange, ...]:
        """The namespace's LimitRanges, in load order."""
        return self._limit_ranges_by_namespace.get(namespace, ())


def selects(selector: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    """A Kubernetes equality selector: every selector label present with the same value."""
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())
