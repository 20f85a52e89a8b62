"""The comparer: a planned service against live variants, with the exact drift lines."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from migrator.plan import model as p
from migrator.verify.compare import IGNORED, Drift, diff, field_path, service_drifts
from tests.verify.small_plan import CATALOG, ORDERS, WORKER

R = dataclasses.replace
LIVE_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/default/orders-db-Ab12Cd:password::"


def as_live(service: p.ServicePlan) -> p.ServicePlan:
    """What the normaliser makes of a faithfully applied service: no plan metadata."""
    scaling = service.autoscaling and R(service.autoscaling, policies=tuple(
        R(x, name=f"{service.name}-{x.name}", kubernetes_target="") for x in service.autoscaling.policies))
    return R(service, namespace="", workload_kind="", source=p.Source(""), wave=1, monthly_cost_usd=0.0,
             task=R(service.task, requested_cpu=0, requested_memory=0), autoscaling=scaling,
             service_connect=tuple(R(e, kubernetes_service="") for e in service.service_connect),
             task_role_arn="arn:aws:iam::123456789012:role/shop-prod-x-task")


def container(service: p.ServicePlan, **changes) -> tuple[p.ContainerPlan, ...]:
    return (R(service.containers[0], **changes),) + service.containers[1:]


LIVE = as_live(ORDERS)

CASES = [
    ("faithful", LIVE, []),
    ("aws-spelled secret arn", R(LIVE, containers=container(LIVE, secrets=(
        p.SecretRef("API_KEY", LIVE.containers[0].secrets[1].value_from.replace("000000000000", "123456789012")
                    .replace("orders-keys", "orders-keys-x9Y8z7")),
        p.SecretRef("DB_PASSWORD", LIVE_SECRET)))), []),
    ("environment order", R(LIVE, containers=container(LIVE, environment={"PORT": "8080", "LOG_LEVEL": "info"})), []),
    ("desired count moved by autoscaling", R(LIVE, desired_count=5), []),
    ("image", R(LIVE, containers=container(LIVE, image="ghcr.io/shop/orders-api:1.5.0")),
     ['containers[orders-api].image: expected "ghcr.io/shop/orders-api:1.4.2", actual "ghcr.io/shop/orders-api:1.5.0"']),
    ("environment value and extra variable", R(LIVE, containers=container(
        LIVE, environment={"LOG_LEVEL": "debug", "PORT": "8080", "EXTRA": "1"})),
     ['containers[orders-api].environment[EXTRA]: expected (absent), actual "1"',
      'containers[orders-api].environment[LOG_LEVEL]: expected "info", actual "debug"']),
    ("secret from another secret", R(LIVE, containers=container(LIVE, secrets=(
        LIVE.containers[0].secrets[0], p.SecretRef("API_KEY", LIVE_SECRET)))),
     ['containers[orders-api].secrets[API_KEY].value_from: expected "arn:aws:secretsmanager:us-east-1:000000000000:'
      'secret:prod/default/orders-keys:api-key::", actual "' + LIVE_SECRET + '"']),
    ("secret with a longer name is not the same secret", R(LIVE, containers=container(LIVE, secrets=(
        LIVE.containers[0].secrets[0], p.SecretRef("API_KEY", LIVE.containers[0].secrets[1].value_from.replace(
            "orders-keys", "orders-keys-extra-Ab12Cd"))))),
     ['containers[orders-api].secrets[API_KEY].value_from: expected "arn:aws:secretsmanager:us-east-1:000000000000:'
      'secret:prod/default/orders-keys:api-key::", actual "arn:aws:secretsmanager:us-east-1:000000000000:secret:'
      'prod/default/orders-keys-extra-Ab12Cd:api-key::"']),
    ("task size", R(LIVE, task=R(LIVE.task, cpu=1024, memory=2048)),
     ["task.cpu: expected 512, actual 1024", "task.memory: expected 1024, actual 2048"]),
    ("arm64", R(LIVE, task=R(LIVE.task, cpu_architecture="ARM64")),
     ['task.cpu_architecture: expected "X86_64", actual "ARM64"']),
    ("desired below min", R(LIVE, desired_count=1),
     ['desired_count: expected ">= 2 (autoscaling min_capacity)", actual 1']),
    ("desired above max", R(LIVE, desired_count=7),
     ['desired_count: expected "<= 6 (autoscaling max_capacity)", actual 7']),
    ("no autoscaling", R(LIVE, autoscaling=None, count_owner="plan"),
     ['autoscaling: expected {"min_capacity": 2, "max_capacity": 6, "policies": {"ECSServiceAverageCPUUtilization":'
      ' {"metric": "ECSServiceAverageCPUUtilization", "target_value": 70.0, "scale_in_cooldown": 300, '
      '"scale_out_cooldown": 60}}}, actual null']),
    ("policy cooldown", R(LIVE, autoscaling=R(LIVE.autoscaling, policies=(
        R(LIVE.autoscaling.policies[0], scale_out_cooldown=300),))),
     ["autoscaling.policies[ECSServiceAverageCPUUtilization].scale_out_cooldown: expected 60, actual 300"]),
    ("command", R(LIVE, containers=container(LIVE, command=("/bin/sh", "-c"))),
     ['containers[orders-api].command: expected [], actual ["/bin/sh", "-c"]']),
    ("port", R(LIVE, containers=container(LIVE, port_mappings=(p.PortMapping("http", 9090, app_protocol="http"),))),
     ["containers[orders-api].port_mappings[http].container_port: expected 8080, actual 9090"]),
    ("container health check interval", R(LIVE, containers=container(LIVE, health_check=R(
        LIVE.containers[0].health_check, interval=60))),
     ["containers[orders-api].health_check.interval: expected 30, actual 60"]),
    ("circuit breaker off", R(LIVE, deployment=R(LIVE.deployment, circuit_breaker=False, rollback=False)),
     ["deployment.circuit_breaker: expected true, actual false", "deployment.rollback: expected true, actual false"]),
    ("spot", R(LIVE, capacity_provider_strategy=(p.CapacityProviderItem("FARGATE_SPOT"),)),
     ['capacity_provider_strategy[FARGATE_SPOT]: expected (absent), actual {"capacity_provider": "FARGATE_SPOT", '
      '"weight": 1, "base": 0}']),
    ("target group matcher", R(LIVE, load_balancers=(R(LIVE.load_balancers[0], health_check=R(
        LIVE.load_balancers[0].health_check, matcher="200")),)),
     ['load_balancers[orders-api-http].health_check.matcher: expected "200-399", actual "200"']),
    ("service connect port", R(LIVE, service_connect=(R(LIVE.service_connect[0], port=8080),)),
     ['service_connect[orders-api:80]: expected {"port_name": "http", "discovery_name": "orders-api", '
      '"dns_name": "orders-api", "port": 80}, actual (absent)',
      'service_connect[orders-api:8080]: expected (absent), actual {"port_name": "http", "discovery_name": '
      '"orders-api", "dns_name": "orders-api", "port": 8080}']),
]


@pytest.mark.parametrize("name, live, expected", CASES, ids=[c[0] for c in CASES])
def test_service_drift_lines(name, live, expected):
    assert [str(d) for d in service_drifts(ORDERS, live)] == expected


@pytest.mark.parametrize("planned, live, expected", [
    (CATALOG, R(as_live(CATALOG), desired_count=3), ["desired_count: expected 2, actual 3"]),
    (R(CATALOG, task_role_arn="arn:aws:iam::1:role/catalog"), as_live(CATALOG),
     ['task_role_arn: expected "arn:aws:iam::1:role/catalog", actual "arn:aws:iam::123456789012:role/shop-prod-x-task"']),
    # ECS only uses the grace period with load balancers, and emit leaves it unset without them.
    (R(WORKER, deployment=R(WORKER.deployment, health_check_grace_period=60)), as_live(WORKER), []),
])
def test_fixed_count_role_and_grace_period(planned, live, expected):
    assert [str(d) for d in service_drifts(planned, live)] == expected


@pytest.mark.parametrize("path, text", [
    (("task", "cpu"), "task.cpu"),
    (("containers", "api", "environment", "PORT"), "containers[api].environment[PORT]"),
    (("containers", "environment", "image"), "containers[environment].image"),
    (("containers", "api", "depends_on", "init"), "containers[api].depends_on[init]"),
])
def test_field_paths(path, text):
    assert field_path(path) == text


def test_lists_of_scalars_are_reported_whole():
    assert diff({"args": ["a", "b"]}, {"args": ["a", "c", "d"]}) == [Drift("args", ["a", "b"], ["a", "c", "d"])]


def _fields(cls, seen=None) -> set[str]:
    seen = set() if seen is None else seen
    out = set()
    for f in dataclasses.fields(cls):
        out.add(f"{cls.__name__}.{f.name}")
        for hint in _types(typing.get_type_hints(cls, vars(p))[f.name]):
            if dataclasses.is_dataclass(hint) and hint not in seen:
                seen.add(hint)
                out |= _fields(hint, seen)
    return out


def _types(hint) -> list:
    args = typing.get_args(hint)
    return [hint] if not args else [t for a in args for t in _types(a)]


# Every field verify compares. A new plan field fails this test until verify reads it from AWS
# (normalise*.py) or IGNORED says why it cannot.
COMPARED = {
    "ServicePlan": {"name", "task", "containers", "desired_count", "autoscaling", "service_connect",
                    "load_balancers", "deployment", "capacity_provider_strategy", "task_role_arn", "volumes"},
    "TaskSize": {"cpu", "memory", "cpu_architecture", "operating_system", "ephemeral_storage_gib"},
    "ContainerPlan": {"name", "image", "essential", "command", "args", "port_mappings", "environment", "secrets",
                      "cpu", "memory", "memory_reservation", "health_check", "user", "readonly_root_filesystem",
                      "working_directory", "mount_points", "depends_on", "stop_timeout", "repository_credentials",
                      "capabilities_add"},
    "PortMapping": {"name", "container_port", "protocol", "app_protocol"},
    "SecretRef": {"name", "value_from"},
    "ContainerHealthCheck": {"command", "interval", "timeout", "retries", "start_period"},
    "MountPoint": {"source_volume", "container_path", "read_only"},
    "Autoscaling": {"min_capacity", "max_capacity", "policies"},
    "ScalingPolicy": {"metric", "target_value", "scale_in_cooldown", "scale_out_cooldown"},
    "ServiceConnectEntry": {"port_name", "discovery_name", "dns_name", "port"},
    "LoadBalancerTarget": {"target_group", "container", "container_port", "protocol", "health_check"},
    "TargetHealthCheck": {"path", "port", "protocol", "matcher", "interval", "timeout", "healthy_threshold",
                          "unhealthy_threshold"},
    "DeploymentSettings": {"minimum_healthy_percent", "maximum_percent", "circuit_breaker", "rollback",
                           "health_check_grace_period"},
    "CapacityProviderItem": {"capacity_provider", "weight", "base"},
    "VolumePlan": {"name", "kind"},
    "Source": {"file", "line"},
    "CostEstimate": {"tasks", "on_demand_usd", "spot_usd", "planned_usd"},  # only inside ignored ServicePlan.cost
    "LoadBalancerPlan": {"rules", "default_target", "https", "certificate_arn", "internal", "default_targets",
                         "default_fixed_response", "redirect_http_to_https"},
    "ListenerRule": {"priority", "conditions", "targets", "service", "fixed_response"},
    "RuleCondition": {"host_headers", "path_patterns", "http_methods", "http_headers"},
    "WeightedTarget": {"target_group", "weight", "service"},
}


def test_every_plan_field_is_compared_or_ignored_with_a_reason():
    everything = _fields(p.ServicePlan) | _fields(p.LoadBalancerPlan)
    compared = {f"{cls}.{name}" for cls, names in COMPARED.items() for name in names}
    assert everything - compared - set(IGNORED) == set(), "new plan fields: compare them or add them to IGNORED"
    assert set(IGNORED) <= everything, "IGNORED names fields the plan no longer has"
    assert compared & set(IGNORED) == set()
