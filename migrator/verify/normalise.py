"""Live AWS state -> the plan's own classes, so verify compares model to model.

What AWS can tell us becomes a ServicePlan / LoadBalancerPlan field; what only the plan knows
(the Kubernetes namespace, source file, wave, cost) is left at its default and compare.py
ignores it. What the plan has no field for but a cutover must check (running tasks, healthy
targets, log retention) is kept beside the plan object in LiveService.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migrator.plan import model as p
from migrator.verify import names
from migrator.verify.live import LiveState
from migrator.verify.normalise_tasks import task_parts

UNKNOWN = p.Source("")


@dataclass(frozen=True)
class LiveService:
    plan: p.ServicePlan  # what runs, in plan terms
    ecs_name: str
    running_count: int
    desired_count: int
    healthy_targets: dict[str, int] = field(default_factory=dict)  # target group key -> healthy targets
    log_retention: dict[str, int | None] = field(default_factory=dict)  # log group -> days (None: never expire)
    missing_log_groups: tuple[str, ...] = ()
    service_connect_namespace: str = ""  # Cloud Map namespace name ("" without Service Connect)
    cluster_default_strategy: tuple[p.CapacityProviderItem, ...] = ()  # what a service without its own gets


def target_group_keys(env: p.EnvironmentPlan, state: LiveState) -> dict[str, str]:
    """Target group ARN -> the plan's target group key. A group is identified by what it serves
    (service, container, port), the way ECS attaches it; one the plan does not know keeps its AWS name."""
    keys: dict[str, str] = {}
    for service in env.services:
        live = state.services.get(service.name)
        if live is None:
            continue
        for attached in live.get("loadBalancers", []):
            for target in service.load_balancers:
                if (attached.get("containerName"), attached.get("containerPort")) == (target.container,
                                                                                      target.container_port):
                    keys[attached["targetGroupArn"]] = target.target_group
    for arn, group in state.target_groups.items():
        keys.setdefault(arn, group["TargetGroupName"])
    return keys


def target_group_services(state: LiveState) -> dict[str, str]:
    """Target group ARN -> the plan name of the ECS service it sends traffic to."""
    return {attached["targetGroupArn"]: name for name, service in state.services.items()
            for attached in service.get("loadBalancers", []) if attached.get("targetGroupArn")}


def live_service(name: str, state: LiveState, keys: dict[str, str]) -> LiveService | None:
    service = state.services.get(name)
    definition = state.task_definitions.get(service.get("taskDefinition", "")) if service else None
    if service is None or definition is None:
        return None
    task, containers, volumes = task_parts(definition)
    resource_id = names.autoscaling_resource_id(state.cluster_name, service["serviceName"])
    autoscaling = _autoscaling(state.scalable_targets.get(resource_id), state.scaling_policies.get(resource_id, []))
    connect = _service_connect_config(service)
    plan = p.ServicePlan(
        name=name, namespace="", workload_kind="", source=UNKNOWN, task=task, containers=containers,
        desired_count=service.get("desiredCount", 0),
        count_owner="autoscaling" if autoscaling else "plan",
        autoscaling=autoscaling,
        service_connect=_service_connect(connect),
        load_balancers=_load_balancers(service, state, keys),
        deployment=_deployment(service),
        capacity_provider_strategy=_strategy(service.get("capacityProviderStrategy")),
        task_role_arn=definition.get("taskRoleArn", ""),
        volumes=volumes,
    )
    groups = _log_groups(definition)
    return LiveService(
        plan=plan, ecs_name=service["serviceName"],
        running_count=service.get("runningCount", 0), desired_count=service.get("desiredCount", 0),
        healthy_targets={keys.get(a["targetGroupArn"], a["targetGroupArn"]): _healthy(state, a["targetGroupArn"])
                         for a in service.get("loadBalancers", []) if a.get("targetGroupArn")},
        log_retention={g: state.log_groups[g].get("retentionInDays") for g in groups if g in state.log_groups},
        missing_log_groups=tuple(g for g in groups if g not in state.log_groups),
        service_connect_namespace=state.namespaces.get(connect.get("namespace", ""), connect.get("namespace", ""))
        if connect.get("enabled", bool(connect)) else "",
        cluster_default_strategy=_strategy(state.cluster.get("defaultCapacityProviderStrategy")),
    )


def _strategy(items: list[dict] | None) -> tuple[p.CapacityProviderItem, ...]:
    return tuple(p.CapacityProviderItem(item["capacityProvider"], item.get("weight", 0), item.get("base", 0))
                 for item in items or ())


def _healthy(state: LiveState, arn: str) -> int:
    return sum(1 for d in state.target_health.get(arn, []) if d.get("TargetHealth", {}).get("State") == "healthy")


def _log_groups(definition: dict) -> list[str]:
    out = []
    for container in definition.get("containerDefinitions", []):
        config = container.get("logConfiguration") or {}
        group = (config.get("options") or {}).get("awslogs-group")
        if config.get("logDriver") == "awslogs" and group and group not in out:
            out.append(group)
    return out


def _autoscaling(target: dict | None, policies: list[dict]) -> p.Autoscaling | None:
    if target is None:
        return None
    planned = []
    for policy in sorted(policies, key=lambda item: item["PolicyName"]):
        config = policy.get("TargetTrackingScalingPolicyConfiguration")
        if policy.get("PolicyType") != "TargetTrackingScaling" or not config:
            planned.append(p.ScalingPolicy(policy["PolicyName"], f"unsupported:{policy.get('PolicyType')}", 0.0))
            continue
        planned.append(p.ScalingPolicy(
            name=policy["PolicyName"], metric=_metric(config), target_value=float(config["TargetValue"]),
            scale_in_cooldown=config.get("ScaleInCooldown", 300), scale_out_cooldown=config.get("ScaleOutCooldown", 300)))
    return p.Autoscaling(target["MinCapacity"], target["MaxCapacity"], tuple(planned))


def _metric(config: dict) -> str:
    predefined = config.get("PredefinedMetricSpecification")
    if predefined:
        return predefined["PredefinedMetricType"]
    custom = config.get("CustomizedMetricSpecification") or {}
    return f"custom:{custom.get('Namespace', '')}/{custom.get('MetricName', '')}"


def _service_connect_config(service: dict) -> dict:
    """ECS reports the configuration on the deployment; the PRIMARY one is what runs."""
    for deployment in service.get("deployments", []):
        if deployment.get("status") == "PRIMARY" and deployment.get("serviceConnectConfiguration"):
            return deployment["serviceConnectConfiguration"]
    return service.get("serviceConnectConfiguration") or {}


def _service_connect(config: dict) -> tuple[p.ServiceConnectEntry, ...]:
    if not config.get("enabled", bool(config)):
        return ()
    entries = []
    for item in config.get("services", []):
        discovery = item.get("discoveryName", item["portName"])
        for alias in item.get("clientAliases", []):
            entries.append(p.ServiceConnectEntry(item["portName"], discovery, alias.get("dnsName", discovery),
                                                 alias["port"]))
    return tuple(entries)


def _load_balancers(service: dict, state: LiveState, keys: dict[str, str]) -> tuple[p.LoadBalancerTarget, ...]:
    out = []
    for attached in service.get("loadBalancers", []):
        arn = attached.get("targetGroupArn", "")
        group = state.target_groups.get(arn, {})
        out.append(p.LoadBalancerTarget(
            target_group=keys.get(arn, arn), container=attached.get("containerName", ""),
            container_port=attached.get("containerPort", 0), protocol=group.get("Protocol", ""),
            health_check=target_health_check(group)))
    return tuple(out)


def target_health_check(group: dict) -> p.TargetHealthCheck:
    return p.TargetHealthCheck(
        path=group.get("HealthCheckPath", ""), port=group.get("HealthCheckPort", ""),
        protocol=group.get("HealthCheckProtocol", ""), matcher=(group.get("Matcher") or {}).get("HttpCode", ""),
        interval=group.get("HealthCheckIntervalSeconds", 0), timeout=group.get("HealthCheckTimeoutSeconds", 0),
        healthy_threshold=group.get("HealthyThresholdCount", 0),
        unhealthy_threshold=group.get("UnhealthyThresholdCount", 0))


def _deployment(service: dict) -> p.DeploymentSettings:
    # AWS always returns deploymentConfiguration; absent, these are the values ECS applies.
    config = service.get("deploymentConfiguration") or {}
    breaker = config.get("deploymentCircuitBreaker") or {}
    return p.DeploymentSettings(
        minimum_healthy_percent=config.get("minimumHealthyPercent", 100),
        maximum_percent=config.get("maximumPercent", 200),
        circuit_breaker=breaker.get("enable", False), rollback=breaker.get("rollback", False),
        health_check_grace_period=service.get("healthCheckGracePeriodSeconds", 0))
