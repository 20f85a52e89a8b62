"""Verify against a real moto server: the applied plan is parity; each drift injected with boto3
fails verify and names the service (or route) and the field, and nothing else fails."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import pytest

from migrator import api
from migrator.verify import render
from migrator.verify.run import VerifyOptions, verify_environment
from tests.conftest import CliResult, run_cli
from tests.verify import apply_boto3, small_plan
from tests.verify.small_plan import CATALOG, ORDERS

pytestmark = pytest.mark.slow  # a moto server, and an environment applied per test

ORDERS_GROUP = "/ecs/shop-prod/orders-api"


def verify(endpoint: str, **options):
    return verify_environment(small_plan.PLAN, VerifyOptions(env="prod", endpoint_url=endpoint, **options))


def failures(report) -> list[str]:
    return render.failure_lines(report)


def _new_revision(applied, service, change_container=None, cpu=None):
    containers = applied.container_definitions(service)
    if change_container:
        containers = [change_container(dict(c)) for c in containers]
    arn = apply_boto3.register_task_definition(applied, service, containers, cpu=cpu)
    applied.client("ecs").update_service(cluster=applied.cluster, service=service.name, taskDefinition=arn)


def task_cpu(applied):
    _new_revision(applied, ORDERS, cpu=1024)


def image_tag(applied):
    _new_revision(applied, ORDERS, lambda c: {**c, "image": "ghcr.io/shop/orders-api:1.4.3"})


def secret_removed(applied):
    _new_revision(applied, ORDERS, lambda c: {**c, "secrets": [s for s in c["secrets"] if s["name"] != "API_KEY"]})


def rule_deleted(applied):
    applied.client("elbv2").delete_rule(RuleArn=applied.rules[30])


def priorities_swapped(applied):
    elbv2 = applied.client("elbv2")
    for arn, priority in ((applied.rules[10], 15), (applied.rules[20], 10), (applied.rules[10], 20)):
        elbv2.set_rule_priorities(RulePriorities=[{"RuleArn": arn, "Priority": priority}])


def host_changed(applied):
    applied.client("elbv2").modify_rule(RuleArn=applied.rules[30], Conditions=[
        {"Field": "host-header", "HostHeaderConfig": {"Values": ["www.shop.example.com"]}},
        {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/catalog/*"]}}])


def scaling_max(applied):
    applied.client("application-autoscaling").register_scalable_target(
        ServiceNamespace="ecs", ResourceId="service/shop-prod/orders-api",
        ScalableDimension="ecs:service:DesiredCount", MinCapacity=2, MaxCapacity=10)


def policy_target(applied):
    policy = dataclasses.replace(ORDERS.autoscaling.policies[0], target_value=50.0)
    apply_boto3.put_policy(applied, ORDERS, policy)


def alias_missing(applied):
    applied.client("ecs").update_service(
        cluster=applied.cluster, service="catalog",
        serviceConnectConfiguration=apply_boto3.service_connect_configuration(applied, CATALOG, ()))


def health_path(applied):
    applied.client("elbv2").modify_target_group(TargetGroupArn=applied.target_groups["catalog-http"],
                                                HealthCheckPath="/")


def log_retention(applied):
    applied.client("logs").put_retention_policy(logGroupName=ORDERS_GROUP, retentionInDays=7)


def desired_below_min(applied):
    applied.client("ecs").update_service(cluster=applied.cluster, service="orders-api", desiredCount=1)


ROUTE_30 = "route public #30 host=shop.example.com path=/catalog/* -> catalog (catalog)"
ROUTE_10 = "route public #10 host=api.shop.example.com path=/orders,/orders/* -> orders-api (orders-api)"
ROUTE_20 = "route public #20 host=api.shop.example.com -> catalog (catalog)"
API_KEY = ('{"name": "API_KEY", "value_from": '
           '"arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/default/orders-keys:api-key::"}')

DRIFTS = [
    ("task-cpu", task_cpu, ["DRIFT orders-api: task.cpu: expected 512, actual 1024"]),
    ("image-tag", image_tag, ['DRIFT orders-api: containers[orders-api].image: expected '
                              '"ghcr.io/shop/orders-api:1.4.2", actual "ghcr.io/shop/orders-api:1.4.3"']),
    ("rule-deleted", rule_deleted, [f"MISSING {ROUTE_30}"]),
    ("priorities-swapped", priorities_swapped, [f"DRIFT {ROUTE_10}: priority: expected 10, actual 20",
                                                f"DRIFT {ROUTE_20}: priority: expected 20, actual 10"]),
    ("host-changed", host_changed, [f'DRIFT {ROUTE_30}: conditions.host_headers: expected ["shop.example.com"], '
                                    'actual ["www.shop.example.com"]']),
    ("scaling-max", scaling_max, ["DRIFT orders-api: autoscaling.max_capacity: expected 6, actual 10"]),
    ("policy-target", policy_target, ["DRIFT orders-api: autoscaling.policies[ECSServiceAverageCPUUtilization]"
                                      ".target_value: expected 70.0, actual 50.0"]),
    ("alias-missing", alias_missing, ['DRIFT catalog: service_connect[catalog:80]: expected {"port_name": "http", '
                                      '"discovery_name": "catalog", "dns_name": "catalog", "port": 80}, '
                                      'actual (absent)']),
    ("health-path", health_path, ['DRIFT catalog: load_balancers[catalog-http].health_check.path: expected '
                                  '"/ready", actual "/"']),
    ("log-retention", log_retention, [f"DRIFT orders-api: log_retention_days[{ORDERS_GROUP}]: expected 30, "
                                      "actual 7"]),
    ("desired-below-min", desired_below_min, ['DRIFT orders-api: desired_count: expected ">= 2 (autoscaling '
                                              'min_capacity)", actual 1']),
    ("secret-removed", secret_removed, [f"DRIFT orders-api: containers[orders-api].secrets[API_KEY]: expected "
                                        f"{API_KEY}, actual (absent)"]),
]

# Rule changes also change where requests go: the routing probes that now land elsewhere.
ROUTING = {
    "rule-deleted": "ROUTING GET shop.example.com/catalog/: Kubernetes sends it to catalog, the live ALB to "
                    "404 (no rule)",
    "priorities-swapped": "ROUTING GET api.shop.example.com/orders: Kubernetes sends it to orders-api, the live "
                          "ALB to catalog",
    "host-changed": "ROUTING GET shop.example.com/catalog/: Kubernetes sends it to catalog, the live ALB to "
                    "404 (no rule)",
}


def test_applied_plan_is_parity(applied, moto_server):
    report = verify(moto_server.endpoint)
    assert failures(report) == []
    assert report.parity
    assert [(s.name, s.status) for s in report.services] == [
        ("billing-worker", "PASS"), ("catalog", "PASS"), ("orders-api", "PASS")]
    assert {r.status for r in report.routes} == {"PASS"}
    assert len(report.probes) > 10 and not any(x.failed for x in report.probes)


@pytest.mark.parametrize("name, inject, expected", DRIFTS, ids=[d[0] for d in DRIFTS])
def test_each_drift_fails_verify_naming_service_and_field(applied, moto_server, name, inject, expected):
    inject(applied)
    report = verify(moto_server.endpoint)
    lines = failures(report)
    assert not report.parity
    assert [line for line in lines if not line.startswith("ROUTING ")] == expected
    routing = [line for line in lines if line.startswith("ROUTING ")]
    if name in ROUTING:
        assert ROUTING[name] in routing
    else:
        assert routing == []


def test_no_healthy_targets_is_unhealthy(applied, moto_server):
    elbv2 = applied.client("elbv2")
    group = applied.target_groups["catalog-http"]
    targets = [d["Target"] for d in elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]]
    elbv2.deregister_targets(TargetGroupArn=group, Targets=targets)
    report = verify(moto_server.endpoint)
    assert failures(report) == ["UNHEALTHY catalog: no healthy targets in target group catalog-http"]


def test_deleted_service_is_missing(applied, moto_server):
    applied.client("ecs").delete_service(cluster=applied.cluster, service="billing-worker", force=True)
    report = verify(moto_server.endpoint)
    assert failures(report) == [
        "MISSING billing-worker: no ECS service with this name or migrator:service tag in the cluster"]


def test_wave_checks_earlier_waves_and_lists_later_ones(applied, moto_server):
    applied.client("ecs").delete_service(cluster=applied.cluster, service="billing-worker", force=True)
    report = verify(moto_server.endpoint, wave=1)
    assert report.parity
    assert report.not_migrated == ("billing-worker",)
    assert "1 not yet migrated (wave > 1)" in render.summary_line(report)


def test_cli_exit_codes(applied, moto_server, plan_file):
    ok = run_cli("verify", "--env", "prod", "--plan", str(plan_file), "--endpoint-url", moto_server.endpoint)
    assert (ok.code, ok.stderr) == (0, "")
    assert ok.stdout.splitlines()[-1].startswith("prod: PARITY: 3/3 services pass, 5/5 routes match")
    image_tag(applied)
    drift = run_cli("verify", "--env", "prod", "--plan", str(plan_file), "--endpoint-url", moto_server.endpoint,
                    "--format", "json")
    assert drift.code == 1
    assert '"field": "containers[orders-api].image"' in drift.stdout


KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.mark.parametrize("args, env, expected", [
    (("--env", "qa"), KEYS, "verify.unknown-env environment 'qa' is not in the plan (it has: prod)"),
    (("--env", "prod", "--endpoint-url", "http://127.0.0.1:9"), KEYS,
     "http://127.0.0.1:9: verify.unreachable cannot connect to 127.0.0.1:9"),
    (("--env", "prod"), {}, "aws: verify.no-credentials no AWS credentials found"),
    (("--env", "prod", "--profile", "nosuch"), {}, "aws: verify.no-credentials AWS profile 'nosuch' is not configured"),
    # the plan has one environment: --env may be left out
    (("--endpoint-url", "http://127.0.0.1:9"), KEYS, "http://127.0.0.1:9: verify.unreachable cannot connect"),
])
def test_cli_could_not_verify_is_exit_2_with_one_line(plan_file, args, env, expected, tmp_path):
    result = _verify_cli(plan_file, args, env, tmp_path)
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def _verify_cli(plan_file, args, env, tmp_path) -> CliResult:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    clean.update({"AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
                  "AWS_EC2_METADATA_DISABLED": "true", "COLUMNS": "200", **env})
    proc = subprocess.run([sys.executable, "-m", "migrator.cli", "verify", "--plan", str(plan_file), *args],
                          capture_output=True, text=True, env=clean, timeout=120)
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def test_could_not_verify_with_format_json_still_prints_json(plan_file, tmp_path):
    result = _verify_cli(plan_file, ("--endpoint-url", "http://127.0.0.1:9", "--format", "json"), KEYS, tmp_path)
    assert result.code == 2
    assert json.loads(result.stdout) == {"error": {
        "code": "verify.unreachable", "message": result.stderr.split(" verify.unreachable ", 1)[1].strip(),
        "file": "http://127.0.0.1:9", "line": None}, "exit_code": 2}


def test_a_plan_with_several_environments_needs_env(tmp_path):
    prod = small_plan.PLAN.environments[0]
    two = dataclasses.replace(small_plan.PLAN, environments=(prod, dataclasses.replace(prod, name="staging")))
    plan_file = tmp_path / "two.yaml"
    api.write_plan(two, str(plan_file))
    result = _verify_cli(plan_file, (), KEYS, tmp_path)
    assert result.code == 2
    assert result.stderr.strip() == (f"{plan_file}: verify.env-required the plan has 2 environments "
                                      "(prod, staging); name the one to verify with --env")


def test_traffic_parity_through_the_cli(applied, moto_server, plan_file, shop_endpoints, tmp_path):
    old, new = shop_endpoints
    requests = tmp_path / "requests.yaml"
    requests.write_text('- "GET api.shop.example.com/items/42"\n- "GET shop.example.com/health"\n')
    same = run_cli("verify", "--env", "prod", "--plan", str(plan_file), "--endpoint-url", moto_server.endpoint,
                   "--traffic", f"old={old},new={old}", "--requests", str(requests))
    assert same.code == 0, same.stdout + same.stderr
    assert "requests answer alike" in same.stdout.splitlines()[-1]
    differ = run_cli("verify", "--env", "prod", "--plan", str(plan_file), "--endpoint-url", moto_server.endpoint,
                     "--traffic", f"old={old},new={new}", "--requests", str(requests))
    assert differ.code == 1
    traffic = [line for line in differ.stdout.splitlines() if line.startswith("TRAFFIC ")]
    assert traffic and all(line.endswith("body.items[1].price: old 5, new 6") for line in traffic)
    assert "TRAFFIC GET api.shop.example.com/items/42: body.items[1].price: old 5, new 6" in traffic
    assert all("/catalog" in line or "/items/" in line or "api.shop.example.com" in line for line in traffic)
