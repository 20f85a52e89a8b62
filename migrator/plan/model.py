"""The migration plan: what each environment becomes on ECS. Frozen values, no boto3 types.

`migrate plan` writes it (see docs/plan-format.md), people review and edit it, `migrate emit`
turns it into Terraform and `migrate verify` reads live AWS state back into the same classes
and compares model to model. Field names are the plan file's keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migrator.findings import Finding

API_VERSION = "migrator/v1"
KIND = "MigrationPlan"


@dataclass(frozen=True)
class Source:
    file: str
    line: int = 0


@dataclass(frozen=True)
class PortMapping:
    name: str
    container_port: int
    protocol: str = "tcp"  # tcp | udp
    app_protocol: str = ""  # http | http2 | grpc | "" (plain TCP)


@dataclass(frozen=True)
class SecretRef:
    """A container secret: env var `name` comes from Secrets Manager `value_from`
    (`<secret arn>:<json key>::`). The plan never holds secret values."""

    name: str
    value_from: str


@dataclass(frozen=True)
class ContainerHealthCheck:
    command: tuple[str, ...]
    interval: int = 30
    timeout: int = 5
    retries: int = 3
    start_period: int = 0


@dataclass(frozen=True)
class MountPoint:
    source_volume: str
    container_path: str
    read_only: bool = False


@dataclass(frozen=True)
class ContainerPlan:
    name: str
    image: str
    essential: bool = True
    command: tuple[str, ...] = ()  # ECS entryPoint (Kubernetes command)
    args: tuple[str, ...] = ()  # ECS command (Kubernetes args)
    port_mappings: tuple[PortMapping, ...] = ()
    environment: dict[str, str] = field(default_factory=dict)
    secrets: tuple[SecretRef, ...] = ()
    cpu: int = 0
    memory: int | None = None  # hard limit, MiB
    memory_reservation: int | None = None  # soft limit, MiB
    health_check: ContainerHealthCheck | None = None
    user: str = ""
    readonly_root_filesystem: bool = False
    working_directory: str = ""
    mount_points: tuple[MountPoint, ...] = ()
    depends_on: tuple[tuple[str, str], ...] = ()  # (container, condition)
    stop_timeout: int | None = None
    repository_credentials: str = ""
    capabilities_add: tuple[str, ...] = ()  # Linux capabilities; Fargate accepts only SYS_PTRACE


@dataclass(frozen=True)
class TaskSize:
    cpu: int  # CPU units
    memory: int  # MiB
    cpu_architecture: str = "X86_64"  # X86_64 | ARM64
    operating_system: str = "LINUX"
    requested_cpu: int = 0  # what Kubernetes asked for, summed, before rounding
    requested_memory: int = 0
    ephemeral_storage_gib: int = 0  # 0: the Fargate default (20 GiB); else 21-200


@dataclass(frozen=True)
class ScalingPolicy:
    name: str
    metric: str  # ECSServiceAverageCPUUtilization | ECSServiceAverageMemoryUtilization |
    # ALBRequestCountPerTarget | custom:<namespace>/<metric>
    target_value: float
    scale_in_cooldown: int = 300
    scale_out_cooldown: int = 60
    kubernetes_target: str = ""  # the HPA target it came from, for review


@dataclass(frozen=True)
class Autoscaling:
    min_capacity: int
    max_capacity: int
    policies: tuple[ScalingPolicy, ...] = ()


@dataclass(frozen=True)
class ServiceConnectEntry:
    port_name: str  # the container port mapping name
    discovery_name: str  # unique in the namespace
    dns_name: str  # client alias DNS name (the Kubernetes Service name)
    port: int  # client alias port (the Kubernetes Service port)
    kubernetes_service: str = ""  # namespace/name of the Service it came from
    source: Source = Source("")


@dataclass(frozen=True)
class TargetHealthCheck:
    path: str = "/"
    port: str = "traffic-port"
    protocol: str = "HTTP"
    matcher: str = "200-399"
    interval: int = 30
    timeout: int = 5
    healthy_threshold: int = 3
    unhealthy_threshold: int = 3


@dataclass(frozen=True)
class LoadBalancerTarget:
    """The container port an ALB target group sends traffic to."""

    target_group: str  # target group key, unique in the environment
    container: str
    container_port: int
    protocol: str = "HTTP"
    health_check: TargetHealthCheck = TargetHealthCheck()


@dataclass(frozen=True)
class DeploymentSettings:
    minimum_healthy_percent: int = 100
    maximum_percent: int = 200
    circuit_breaker: bool = True
    rollback: bool = True
    health_check_grace_period: int = 0


@dataclass(frozen=True)
class CapacityProviderItem:
    capacity_provider: str  # FARGATE | FARGATE_SPOT
    weight: int = 1
    base: int = 0


@dataclass(frozen=True)
class VolumePlan:
    name: str
    kind: str  # task (ephemeral) | efs
    efs_access_point: str = ""  # access point key, unique in the environment
    efs_root_directory: str = ""  # the access point's root directory (created on first use)
    efs_uid: int | None = None  # POSIX user/group the access point enforces
    efs_gid: int | None = None
    size_gib: int | None = None  # what the claim / emptyDir asked for (EFS itself is elastic)
    claim: str = ""  # the PersistentVolumeClaim or volumeClaimTemplate it came from
    source: Source = Source("")


@dataclass(frozen=True)
class CostEstimate:
    """Monthly cost of the planned task count (730 hours), from mappings/pricing.yaml."""

    tasks: int
    on_demand_usd: float  # every task on FARGATE
    spot_usd: float  # every task on FARGATE_SPOT
    planned_usd: float  # split as the capacity provider strategy places the tasks


@dataclass(frozen=True)
class ServicePlan:
    name: str  # ECS service name (the Kubernetes workload name, made unique)
    namespace: str  # Kubernetes namespace it came from
    workload_kind: str
    source: Source
    task: TaskSize
    containers: tuple[ContainerPlan, ...]
    desired_count: int = 1
    count_owner: str = "plan"  # plan | autoscaling
    autoscaling: Autoscaling | None = None
    service_connect: tuple[ServiceConnectEntry, ...] = ()
    load_balancers: tuple[LoadBalancerTarget, ...] = ()
    deployment: DeploymentSettings = DeploymentSettings()
    capacity_provider_strategy: tuple[CapacityProviderItem, ...] = ()
    task_role_arn: str = ""  # empty: emit creates a per-service role with no permissions
    volumes: tuple[VolumePlan, ...] = ()
    wave: int = 1
    group: str = ""  # service group (critical, workers, ...) for capacity providers
    monthly_cost_usd: float = 0.0
    # The readinessProbe as an ALB target-group health check, for the target groups of
    # `health_check_container` (see migrator.map.health.target_health_check_for).
    health_check: TargetHealthCheck | None = None
    health_check_container: str = ""
    cost: CostEstimate | None = None


@dataclass(frozen=True)
class ScheduledTaskPlan:
    name: str
    namespace: str
    source: Source
    schedule: str  # EventBridge form: cron(...) or rate(...)
    timezone: str
    task: TaskSize
    containers: tuple[ContainerPlan, ...]
    enabled: bool = True
    volumes: tuple[VolumePlan, ...] = ()
    task_role_arn: str = ""
    capacity_provider_strategy: tuple[CapacityProviderItem, ...] = ()


@dataclass(frozen=True)
class JobPlan:
    """A Kubernetes Job: a task definition to run once (`aws ecs run-task`), not a service."""

    name: str
    namespace: str
    source: Source
    task: TaskSize
    containers: tuple[ContainerPlan, ...]
    volumes: tuple[VolumePlan, ...] = ()
    task_role_arn: str = ""
    capacity_provider_strategy: tuple[CapacityProviderItem, ...] = ()


@dataclass(frozen=True)
class RuleCondition:
    host_headers: tuple[str, ...] = ()
    path_patterns: tuple[str, ...] = ()
    http_methods: tuple[str, ...] = ()
    http_headers: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (header, values)


@dataclass(frozen=True)
class WeightedTarget:
    target_group: str
    weight: int = 1
    service: str = ""  # the ECS service behind the target group -- for review and verify


@dataclass(frozen=True)
class ListenerRule:
    priority: int
    conditions: RuleCondition
    targets: tuple[WeightedTarget, ...]  # forward to these target groups
    service: str  # the service that answers (first target) -- for review and verify
    source: Source = Source("")
    fixed_response: int = 0  # set: answer with this HTTP status instead of forwarding (targets empty)
    origin: str = ""  # the Kubernetes route it reproduces, e.g. "Ingress default/web /api (Prefix)"


@dataclass(frozen=True)
class LoadBalancerPlan:
    name: str
    hosts: tuple[str, ...] = ()
    rules: tuple[ListenerRule, ...] = ()
    default_target: str = ""  # target group, or "" for a fixed 404 response
    https: bool = False
    certificate_arn: str = ""
    internal: bool = False  # scheme internal (alb.ingress.kubernetes.io/scheme: internal)
    default_targets: tuple[WeightedTarget, ...] = ()  # the default action's targets (weights, services)
    default_fixed_response: int = 0  # set: the default action answers with this status (e.g. 503)
    # HTTP listener: rules whose hosts all have TLS redirect to HTTPS instead of forwarding (with
    # every host covered, the whole listener redirects); other hosts are served over HTTP as before
    redirect_http_to_https: bool = False
    tls_hosts: tuple[str, ...] = ()  # hosts the certificate must cover


@dataclass(frozen=True)
class RouteCheck:
    """The route-equivalence self-check: probes evaluated by a Kubernetes matcher and by the
    planned ALB rules (see migrator.routing)."""

    probes: int = 0
    mismatches: int = 0


@dataclass(frozen=True)
class SecretPlan:
    name: str  # Secrets Manager name: <env>/<namespace>/<secret>
    keys: tuple[str, ...]
    source: Source
    description: str = ""


@dataclass(frozen=True)
class EnvironmentSettings:
    """Written out in full (not only non-defaults): reviewers compare environments by it."""

    __plan_explicit__ = True
    profile: str = "default"
    az_count: int = 2
    nat_gateways: int = 1
    log_retention_days: int = 7
    fixed_count: int | None = None  # set: every service runs exactly this many tasks
    min_tasks: int = 1
    max_tasks_floor: int = 1
    min_cpu: int = 256
    min_memory: int = 512
    use_spot: bool = False
    deletion_protection: bool = False
    container_insights: bool = True
    region: str = "us-east-1"


@dataclass(frozen=True)
class EnvironmentPlan:
    name: str
    settings: EnvironmentSettings
    service_connect_namespace: str
    services: tuple[ServicePlan, ...] = ()
    scheduled_tasks: tuple[ScheduledTaskPlan, ...] = ()
    jobs: tuple[JobPlan, ...] = ()
    load_balancers: tuple[LoadBalancerPlan, ...] = ()
    secrets: tuple[SecretPlan, ...] = ()
    waves: tuple[tuple[str, ...], ...] = ()  # waves[0] moves first
    route_check: RouteCheck | None = None
    findings: tuple[Finding, ...] = ()
    ledger: dict[str, int] = field(default_factory=dict)  # classification -> count
    monthly_cost_usd: float = 0.0  # sum of the services' planned cost


@dataclass(frozen=True)
class MigrationPlan:
    project: str
    environments: tuple[EnvironmentPlan, ...]
    generator: str = ""
    sources: tuple[str, ...] = ()

    def environment(self, name: str) -> EnvironmentPlan | None:
        return next((env for env in self.environments if env.name == name), None)
