"""The normaliser: boto3's dictionaries -> the plan's classes, table-driven with exact values."""

from __future__ import annotations

import pytest

from migrator.plan import model as p
from migrator.verify.live import LiveState
from migrator.verify.normalise import live_service, target_group_keys
from migrator.verify.normalise_routes import (live_http_rules, live_load_balancer, plain_http_listener,
                                              routing_listener, rule_condition)
from migrator.verify.normalise_tasks import container_plan, task_parts
from tests.verify.small_plan import ENVIRONMENT

ARN = "arn:aws:ecs:us-east-1:123456789012"
TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup"
BASE = {"name": "api", "image": "x:1", "cpu": 0, "essential": True, "portMappings": [], "environment": [],
        "mountPoints": [], "volumesFrom": []}  # what AWS returns for a bare container


@pytest.mark.parametrize("extra, expected", [
    ({}, p.ContainerPlan("api", "x:1")),
    ({"portMappings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp", "name": "http", "appProtocol": "http"}]},
     p.ContainerPlan("api", "x:1", port_mappings=(p.PortMapping("http", 80, "tcp", "http"),))),
    ({"entryPoint": ["/bin/sh"], "command": ["-c", "run"]}, p.ContainerPlan("api", "x:1", command=("/bin/sh",),
                                                                            args=("-c", "run"))),
    ({"environment": [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}]},
     p.ContainerPlan("api", "x:1", environment={"A": "1", "B": "2"})),
    ({"secrets": [{"name": "S", "valueFrom": "arn:x:secret:s-AbCdEf:k::"}]},
     p.ContainerPlan("api", "x:1", secrets=(p.SecretRef("S", "arn:x:secret:s-AbCdEf:k::"),))),
    ({"healthCheck": {"command": ["CMD", "true"], "interval": 10, "timeout": 5, "retries": 3}},
     p.ContainerPlan("api", "x:1", health_check=p.ContainerHealthCheck(("CMD", "true"), 10, 5, 3, 0))),
    ({"memory": 512, "memoryReservation": 256, "cpu": 128, "user": "1000", "readonlyRootFilesystem": True,
      "workingDirectory": "/app", "stopTimeout": 30},
     p.ContainerPlan("api", "x:1", memory=512, memory_reservation=256, cpu=128, user="1000",
                     readonly_root_filesystem=True, working_directory="/app", stop_timeout=30)),
    ({"mountPoints": [{"sourceVolume": "data", "containerPath": "/data", "readOnly": False}],
      "dependsOn": [{"containerName": "init", "condition": "SUCCESS"}]},
     p.ContainerPlan("api", "x:1", mount_points=(p.MountPoint("data", "/data"),), depends_on=(("init", "SUCCESS"),))),
    ({"repositoryCredentials": {"credentialsParameter": "arn:creds"},
      "linuxParameters": {"initProcessEnabled": True, "capabilities": {"add": ["SYS_PTRACE"]}}},
     p.ContainerPlan("api", "x:1", repository_credentials="arn:creds", capabilities_add=("SYS_PTRACE",))),
])
def test_container_definition(extra, expected):
    assert container_plan({**BASE, **extra}) == expected


def test_task_definition_size_platform_and_volumes():
    task, containers, volumes = task_parts({
        "cpu": "1024", "memory": "2048", "containerDefinitions": [BASE],
        "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
        "ephemeralStorage": {"sizeInGiB": 40},
        "volumes": [{"name": "scratch"}, {"name": "shared", "efsVolumeConfiguration": {
            "fileSystemId": "fs-1", "authorizationConfig": {"accessPointId": "fsap-1"}}}]})
    assert task == p.TaskSize(1024, 2048, "ARM64", "LINUX", ephemeral_storage_gib=40)
    assert containers == (p.ContainerPlan("api", "x:1"),)
    assert volumes == (p.VolumePlan("scratch", "task"), p.VolumePlan("shared", "efs", "fsap-1"))


@pytest.mark.parametrize("conditions, expected", [
    ([{"Field": "host-header", "HostHeaderConfig": {"Values": ["a.com", "b.com"]}}],
     p.RuleCondition(host_headers=("a.com", "b.com"))),
    ([{"Field": "path-pattern", "Values": ["/x*"]}], p.RuleCondition(path_patterns=("/x*",))),  # legacy spelling
    ([{"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": ["GET"]}},
      {"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X-Canary", "Values": ["1"]}}],
     p.RuleCondition(http_methods=("GET",), http_headers=(("X-Canary", ("1",)),))),
    # Conditions the plan has no field for still make the rule differ from one without them.
    ([{"Field": "query-string", "QueryStringConfig": {"Values": [{"Key": "v", "Value": "2"}]}}],
     p.RuleCondition(http_headers=(("(query-string)", ("v=2",)),))),
])
def test_rule_conditions(conditions, expected):
    assert rule_condition(conditions) == expected


LISTENERS = [
    {"ListenerArn": "l80", "Port": 80, "Protocol": "HTTP", "DefaultActions": [
        {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]},
    {"ListenerArn": "l443", "Port": 443, "Protocol": "HTTPS", "Certificates": [{"CertificateArn": "arn:cert"}],
     "DefaultActions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}]},
]


def test_https_load_balancer_with_weighted_rule():
    rules = {"l443": [
        {"Priority": "default", "IsDefault": True, "Conditions": [], "Actions": []},
        {"Priority": "20", "IsDefault": False, "Conditions": [{"Field": "path-pattern", "Values": ["/b*"]}],
         "Actions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "503"}}]},
        {"Priority": "10", "IsDefault": False, "Conditions": [{"Field": "path-pattern", "Values": ["/a*"]}],
         "Actions": [{"Type": "forward", "ForwardConfig": {"TargetGroups": [
             {"TargetGroupArn": "tg-v1", "Weight": 90}, {"TargetGroupArn": "tg-v2", "Weight": 10}]}}]},
    ]}
    lb = live_load_balancer("public", {"Scheme": "internet-facing"}, LISTENERS, rules,
                            {"tg-v1": "reviews-v1-http", "tg-v2": "reviews-v2-http"},
                            {"tg-v1": "reviews-v1", "tg-v2": "reviews-v2"}, https=True)
    assert lb == p.LoadBalancerPlan(
        name="public", https=True, certificate_arn="arn:cert", redirect_http_to_https=True, rules=(
            p.ListenerRule(10, p.RuleCondition(path_patterns=("/a*",)),
                           (p.WeightedTarget("reviews-v1-http", 90, "reviews-v1"),
                            p.WeightedTarget("reviews-v2-http", 10, "reviews-v2")), "reviews-v1"),
            p.ListenerRule(20, p.RuleCondition(path_patterns=("/b*",)), (), "", fixed_response=503)))


@pytest.mark.parametrize("https, port", [(True, 443), (False, 80)])
def test_rules_are_read_from_the_listener_that_routes(https, port):
    assert routing_listener(LISTENERS, https)["Port"] == port


PLAIN_RULES = {"l80": [
    {"Priority": "default", "IsDefault": True, "Conditions": [], "Actions": []},
    {"Priority": "30", "IsDefault": False, "Conditions": [
        {"Field": "host-header", "HostHeaderConfig": {"Values": ["plain.example.com"]}}],
     "Actions": [{"Type": "forward", "TargetGroupArn": "tg-web"}]},
], "l443": [{"Priority": "40", "IsDefault": False, "Conditions": [], "Actions": []}]}
PLAIN_30 = p.ListenerRule(30, p.RuleCondition(host_headers=("plain.example.com",)),
                          (p.WeightedTarget("web-http", 1, "web"),), "web")


@pytest.mark.parametrize("listeners, https, expected", [
    (LISTENERS, True, (PLAIN_30,)),  # beside HTTPS: the HTTP listener's own rules, not the HTTPS ones
    (LISTENERS, False, None),  # port 80 is the routing listener
    (LISTENERS[1:], True, ()),  # HTTPS alone: the plain-HTTP rules are all missing
    (LISTENERS[:1], True, None),  # no HTTPS listener: port 80 routes
    ([], True, None),
])
def test_plain_http_rules_beside_https(listeners, https, expected):
    assert live_http_rules(listeners, PLAIN_RULES, {"tg-web": "web-http"}, {"tg-web": "web"}, https) == expected


def test_port_80_is_the_plain_http_listener_of_several():
    listeners = [{**LISTENERS[0], "ListenerArn": "l8080", "Port": 8080}, *LISTENERS]
    assert plain_http_listener(listeners, True)["ListenerArn"] == "l80"
    assert plain_http_listener(listeners, False) is None


def _state() -> LiveState:
    service = {
        "serviceName": "catalog", "desiredCount": 3, "runningCount": 2, "taskDefinition": f"{ARN}:task-definition/c:4",
        "loadBalancers": [{"targetGroupArn": f"{TG}/shop-prod-public-catalog-http/1", "containerName": "catalog",
                           "containerPort": 3000}],
        "deployments": [{"status": "PRIMARY", "serviceConnectConfiguration": {
            "enabled": True, "namespace": "arn:ns-1",
            "services": [{"portName": "http", "discoveryName": "catalog",
                          "clientAliases": [{"port": 80, "dnsName": "catalog"}]}]}}],
    }
    definition = {"cpu": "256", "memory": "512", "taskRoleArn": "arn:role", "containerDefinitions": [{
        **BASE, "name": "catalog", "image": "ghcr.io/shop/catalog:2.0.0",
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/shop-prod/catalog"}}}]}
    group = {"TargetGroupName": "shop-prod-public-catalog-http", "Protocol": "HTTP", "HealthCheckPath": "/ready",
             "HealthCheckPort": "traffic-port", "HealthCheckProtocol": "HTTP", "Matcher": {"HttpCode": "200-399"},
             "HealthCheckIntervalSeconds": 30, "HealthCheckTimeoutSeconds": 5, "HealthyThresholdCount": 3,
             "UnhealthyThresholdCount": 3}
    return LiveState(
        cluster={"clusterName": "shop-prod"}, services={"catalog": service},
        task_definitions={service["taskDefinition"]: definition},
        target_groups={f"{TG}/shop-prod-public-catalog-http/1": group},
        target_health={f"{TG}/shop-prod-public-catalog-http/1": [{"TargetHealth": {"State": "healthy"}},
                                                                 {"TargetHealth": {"State": "draining"}}]},
        namespaces={"arn:ns-1": "prod.shop.internal"},
        log_groups={"/ecs/shop-prod/catalog": {"retentionInDays": 14}})


def test_service_with_observations():
    state = _state()
    keys = target_group_keys(ENVIRONMENT, state)
    assert keys == {f"{TG}/shop-prod-public-catalog-http/1": "catalog-http"}
    live = live_service("catalog", state, keys)
    assert live.plan.load_balancers == (p.LoadBalancerTarget("catalog-http", "catalog", 3000, "HTTP",
                                                             p.TargetHealthCheck(path="/ready")),)
    assert live.plan.service_connect == (p.ServiceConnectEntry("http", "catalog", "catalog", 80),)
    assert live.plan.deployment == p.DeploymentSettings(circuit_breaker=False, rollback=False)  # ECS defaults
    assert (live.plan.desired_count, live.plan.autoscaling, live.plan.task_role_arn) == (3, None, "arn:role")
    assert (live.running_count, live.healthy_targets) == (2, {"catalog-http": 1})
    assert (live.log_retention, live.missing_log_groups) == ({"/ecs/shop-prod/catalog": 14}, ())
    assert live.service_connect_namespace == "prod.shop.internal"


def test_service_without_task_definition_is_not_live():
    state = _state()
    state.task_definitions.clear()
    assert live_service("catalog", state, {}) is None
