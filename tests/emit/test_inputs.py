import dataclasses

import pytest

from migrator.emit import inputs
from migrator.emit.environment import load_balancer_inputs, service_inputs, settings_inputs, workloads_inputs
from migrator.emit.inputs import Notes
from tests.emit import plans

NAMES = ("prod/shop/db", "prod/shop/db-old", "prod/shop")


@pytest.mark.parametrize("value_from, expected", [
    ("prod/shop/db:password", ("prod/shop/db", "password")),
    ("prod/shop/db", ("prod/shop/db", "")),
    ("prod/shop/db-old:k", ("prod/shop/db-old", "k")),
    ("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/shop/db-AbCdEf:token::", ("prod/shop/db", "token")),
    ("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/shop/db:token::", ("prod/shop/db", "token")),
    ("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/shop/db-old-AbCdEf:k::", ("prod/shop/db-old", "k")),
    ("arn:aws:secretsmanager:us-east-1:123456789012:secret:other-AbCdEf:k::", None),
    ("arn:aws:ssm:us-east-1:123456789012:parameter/prod/shop/db", None),
    ("staging/shop/db:password", None),
])
def test_secret_reference(value_from, expected):
    assert inputs.secret_reference(value_from, NAMES) == expected


@pytest.mark.parametrize("image, expected", [
    ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.2", "arn:aws:ecr:eu-west-1:123456789012:repository/shop/web"),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:abc", "arn:aws:ecr:us-east-1:123456789012:repository/web"),
    ("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/web:1", "arn:aws-cn:ecr:cn-north-1:123456789012:repository/web"),
    ("ghcr.io/shop/web:1", None),
    ("nginx", None),
])
def test_ecr_repository_arn(image, expected):
    assert inputs.ecr_repository_arn(image) == expected


@pytest.mark.parametrize("days, expected", [(0, 0), (1, 1), (7, 7), (10, 14), (30, 30), (100, 120), (5000, 3653)])
def test_log_retention_rounds_up_to_a_cloudwatch_period(days, expected):
    assert inputs.log_retention(days) == expected


def test_settings_come_from_the_environment():
    notes = Notes()
    values = settings_inputs("Shop_Platform", plans.staging_environment(), notes)
    assert values == {
        "project": "shop-platform", "environment": "staging", "region": "us-east-1", "az_count": 2,
        "nat_gateway_count": 1, "log_retention_days": 14, "container_insights": False,
        "deletion_protection": False, "service_connect_namespace": "staging.shop.internal",
        "secret_recovery_window_days": 7,
        "default_capacity_provider_strategy": [{"capacity_provider": "FARGATE", "weight": 0, "base": 1},
                                               {"capacity_provider": "FARGATE_SPOT", "weight": 1}],
    }
    assert [f.code for f in notes.findings] == ["emit.log-retention"]


def test_every_service_field_reaches_the_variables():
    env = plans.full_environment()
    web = service_inputs(env, plans.web_service(), Notes())
    assert web["task"] == {"cpu": 512, "memory": 1024, "cpu_architecture": "ARM64", "ephemeral_storage_gib": 40}
    main = web["containers"][0]
    assert main["command"] == ["/bin/server"] and main["args"] == ["--port", "8080"]
    assert main["port_mappings"] == [{"name": "http", "container_port": 8080, "app_protocol": "http"},
                                     {"name": "metrics", "container_port": 9090}]
    assert list(main["environment"]) == ["A_FIRST", "LOG_LEVEL", "TEMPLATE"]
    assert main["secrets"] == [
        {"name": "DB_PASSWORD", "secret": "prod/shop/db", "key": "password"},
        {"name": "API_TOKEN", "secret": "prod/shop/db", "key": "token"},
        {"name": "LEGACY", "value_from": "arn:aws:ssm:us-east-1:123456789012:parameter/shop/legacy"},
    ]
    assert main["health_check"] == {"command": ["CMD-SHELL", "curl -f http://localhost:8080/healthz"],
                                    "interval": 10, "start_period": 20}
    assert (main["user"], main["readonly_root_filesystem"], main["working_directory"], main["stop_timeout"]) == \
        ("1000", True, "/app", 30)
    assert main["mount_points"] == [{"source_volume": "scratch", "container_path": "/tmp"}]
    assert main["dependencies"] == [{"container": "migrate", "condition": "SUCCESS"}]
    assert main["capabilities_add"] == ["SYS_PTRACE"]
    sidecar = web["containers"][1]
    assert sidecar["essential"] is False and sidecar["repository_credentials"].endswith("prod/shop/ghcr-XyZ123")
    assert web["volumes"] == [{"name": "scratch"}, {"name": "shared", "kind": "efs", "efs_access_point": "web-shared"}]
    assert web["ecr_repository_arns"] == ["arn:aws:ecr:us-east-1:123456789012:repository/shop/web"]
    assert web["desired_count"] == 3
    assert web["autoscaling"] == {"min_capacity": 2, "max_capacity": 10, "policies": {
        "cpu": {"metric": "ECSServiceAverageCPUUtilization", "target_value": 70.0},
        "queue": {"custom_metric": {"namespace": "Shop/Orders", "name": "QueueDepth"}, "target_value": 5.5},
        "requests": {"metric": "ALBRequestCountPerTarget", "target_value": 500.0, "scale_in_cooldown": 120},
    }}
    assert web["deployment"] == {"minimum_healthy_percent": 50, "health_check_grace_period": 60}
    assert web["capacity_provider_strategy"] == [{"capacity_provider": "FARGATE", "base": 1},
                                                 {"capacity_provider": "FARGATE_SPOT", "weight": 3}]
    assert web["service_connect"] == [{"port_name": "http", "discovery_name": "web", "dns_name": "web",
                                       "port": 80, "container_port": 8080}]
    assert web["load_balancers"] == [{"target_group": "web-http", "load_balancer": "main", "container": "web",
                                      "container_port": 8080}]
    assert web["task_role_arn"] == "arn:aws:iam::123456789012:role/shop-web"


def test_a_health_check_on_another_port_opens_that_port_to_the_load_balancer():
    api = service_inputs(plans.full_environment(), plans.api_service(), Notes())
    assert api["load_balancers"] == [
        {"target_group": "api-grpc", "load_balancer": "main", "container": "api", "container_port": 50051,
         "health_check_port": 8081},
        {"target_group": "api-admin", "load_balancer": "internal", "container": "api", "container_port": 50051},
        {"target_group": "api-canary", "load_balancer": "main", "container": "api", "container_port": 50051},
    ]


def test_defaults_are_left_to_the_modules():
    plan = plans.minimal_plan()
    values = service_inputs(plan.environments[0], plan.environments[0].services[0], Notes())
    assert values == {
        "task": {"cpu": 256, "memory": 512},
        "containers": [{"name": "api", "image": "ghcr.io/shop/api:2", "port_mappings": [
            {"name": "grpc", "container_port": 50051, "app_protocol": "grpc"}]}],
        "desired_count": 1,
        "service_connect": [{"port_name": "grpc", "discovery_name": "api", "dns_name": "api", "port": 50051,
                             "container_port": 50051}],
    }


def test_load_balancer_rules_keep_priorities_weights_and_conditions():
    lbs = load_balancer_inputs(plans.full_environment(), Notes())
    main = lbs["main"]
    assert main["certificate_arn"] == "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    assert main["redirect_http_to_https"] is True
    assert main["default_action"] == {"targets": [{"target_group": "web-http"}]}
    assert main["target_groups"]["api-grpc"] == {"service": "api", "port": 50051, "protocol_version": "GRPC",
                                                 "health_check": {"path": "/healthz", "port": "8081"}}
    assert main["target_groups"]["api-canary"]["health_check"] == {"path": "/ready", "matcher": "200"}
    assert main["target_groups"]["web-http"]["health_check"] == {"path": "/healthz", "matcher": "200",
                                                                 "interval": 15, "healthy_threshold": 2}
    assert main["rules"]["10"] == {
        "priority": 10, "service": "api", "host_headers": ["shop.example.com"], "path_patterns": ["/api/*"],
        "http_methods": ["GET", "POST"], "http_headers": [{"name": "X-Canary", "values": ["1"]}],
        "targets": [{"target_group": "api-grpc", "weight": 80}, {"target_group": "api-canary", "weight": 10},
                    {"target_group": "web-http", "weight": 10}],
    }
    assert list(main["rules"]) == ["10", "20", "30"]
    assert main["rules"]["20"].comment == "Ingress shop/web shop.example.com/ (Prefix)"


@pytest.mark.parametrize("priority, on_http", [("10", False), ("20", False), ("30", True)])
def test_port_80_keeps_serving_hosts_the_certificate_does_not_cover(priority, on_http):
    rule = load_balancer_inputs(plans.full_environment(), Notes())["main"]["rules"][priority]
    assert rule.get("http", False) is on_http


def test_internal_load_balancer_with_weighted_default_and_fixed_response_rule():
    internal = load_balancer_inputs(plans.full_environment(), Notes())["internal"]
    assert internal["internal"] is True and "certificate_arn" not in internal
    assert internal["default_action"] == {"targets": [{"target_group": "api-admin"}]}
    assert internal["rules"] == {"5": {"priority": 5, "fixed_response": 503, "path_patterns": ["/maintenance"]}}


def test_https_without_certificate_is_a_finding_and_grpc_falls_back_to_http1():
    notes = Notes()
    lbs = load_balancer_inputs(plans.staging_environment(), notes)
    assert "certificate_arn" not in lbs["main"]
    assert "protocol_version" not in lbs["main"]["target_groups"]["api-grpc"]
    assert [f.code for f in notes.findings] == ["emit.https-without-certificate"]


def test_problems_the_terraform_cannot_express_become_findings():
    env = plans.full_environment()
    orphan = dataclasses.replace(plans.api_service(), name="orphan", load_balancers=(
        dataclasses.replace(plans.api_service().load_balancers[0], target_group="orphan-http"),),
        containers=(dataclasses.replace(plans.api_service().containers[0], secrets=(
            plans.p.SecretRef("X", "not-a-secret:key"),)),))
    notes = Notes()
    values = workloads_inputs(dataclasses.replace(env, services=(*env.services, orphan)), notes)
    assert "load_balancers" not in values["services"]["orphan"]
    codes = sorted(f.code for f in notes.findings)
    assert codes == ["emit.secret-unknown", "emit.unrouted-target-group"]


def test_scheduled_tasks_jobs_and_efs_access_points():
    values = workloads_inputs(plans.full_environment(), Notes())
    report = values["scheduled_tasks"]["nightly-report"]
    assert (report["schedule"], report["timezone"], report["enabled"]) == ("cron(0 3 * * ? *)", "Europe/Berlin", False)
    assert report["capacity_provider_strategy"] == [{"capacity_provider": "FARGATE_SPOT"}]
    assert report["task_role_arn"] == "arn:aws:iam::123456789012:role/shop-report"
    assert report["volumes"] == [{"name": "shared", "kind": "efs", "efs_access_point": "web-shared"}]
    assert values["jobs"]["db-migrate"]["containers"][0]["args"] == ["migrate"]
    assert values["efs_access_points"] == {
        "db-data": {"root_directory": "/db-data", "uid": 999},
        "web-shared": {"root_directory": "/web/shared", "uid": 1000, "gid": 1000},
    }
