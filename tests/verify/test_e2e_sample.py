"""End to end with real parts: the bundled sample planned, emitted and `terraform apply`d to a
moto server (the harness's `applied_sample_prod`), then `migrate verify`. Parity first, with no
false positive; then each drift, injected with boto3 and restored afterwards (the environment
is shared by the session), fails verify naming the service (or route) and the field."""

from __future__ import annotations

import json
import os

import pytest

from migrator.verify import render
from migrator.verify.run import VerifyOptions, verify_environment
from tests.conftest import SAMPLES, run_cli

pytestmark = pytest.mark.slow

SERVICE = "user-service"  # wave 1: autoscaled, Service Connect, a target group, two secrets


class Live:
    """The applied environment, settled, with the handles the injections need."""

    def __init__(self, applied):
        self.applied = applied
        self.env = applied.plan.environment(applied.env_name)
        self.cluster = f"{applied.plan.project}-{applied.env_name}"
        self.ecs, self.elbv2 = applied.client("ecs"), applied.client("elbv2")
        self.scaling, self.logs = applied.client("application-autoscaling"), applied.client("logs")

    def service(self, name: str = SERVICE) -> dict:
        return self.ecs.describe_services(cluster=self.cluster, services=[name])["services"][0]

    def planned(self, name: str = SERVICE):
        return next(s for s in self.env.services if s.name == name)

    def rules(self) -> dict[int, dict]:
        lb = next(lb for lb in self.elbv2.describe_load_balancers()["LoadBalancers"]
                  if lb["LoadBalancerName"].startswith(self.cluster))
        listener = next(x for x in self.elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
                        if x["Protocol"] == "HTTPS")
        return {int(r["Priority"]): r for r in self.elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
                if not r["IsDefault"]}

    def settle(self) -> None:
        """What ECS does and moto does not: the desired count runs, each task a healthy target."""
        for planned in self.env.services:
            service = self.service(planned.name)
            self.ecs.update_service(cluster=self.cluster, service=planned.name, desiredCount=service["desiredCount"])
            for attached in service.get("loadBalancers", []):
                self.elbv2.register_targets(TargetGroupArn=attached["targetGroupArn"], Targets=[
                    {"Id": f"10.0.{n}.10", "Port": attached["containerPort"]} for n in range(2)])


@pytest.fixture(scope="module")
def live(applied_sample_prod):
    from tests.harness.moto_server import boto_env

    saved = dict(os.environ)
    os.environ.update(boto_env())  # dummy credentials for verify's own boto3 session and the CLI
    state = Live(applied_sample_prod)
    state.settle()
    try:
        yield state
    finally:
        os.environ.clear()
        os.environ.update(saved)


def verify(live: Live):
    return verify_environment(live.applied.plan, VerifyOptions(
        env=live.applied.env_name, plan_path=str(live.applied.plan_path), endpoint_url=live.applied.endpoint,
        estate_paths=(str(SAMPLES),)))


def test_parity_through_the_cli(live):
    result = run_cli("verify", "--env", "prod", "--plan", str(live.applied.plan_path), "--endpoint-url",
                     live.applied.endpoint, "--estate", str(SAMPLES), "--format", "json")
    assert result.stderr == ""
    report = json.loads(result.stdout)
    failures = [s for s in report["services"] if s["status"] != "PASS"] + [
        r for r in report["routes"] if r["status"] != "PASS"] + [x for x in report["probes"] if not x["agree"]]
    assert (result.code, failures, report["notes"]) == (0, [], [])
    assert len(report["services"]) == len(live.env.services)
    assert len(report["probes"]) == live.env.route_check.probes  # the Kubernetes probes of the plan's own check


def _task_revision(live: Live, change) -> callable:
    original = live.service()["taskDefinition"]
    definition = live.ecs.describe_task_definition(taskDefinition=original)["taskDefinition"]
    keep = ("family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions", "volumes",
            "requiresCompatibilities", "cpu", "memory", "runtimePlatform")
    changed = change({k: definition[k] for k in keep if k in definition})
    arn = live.ecs.register_task_definition(**changed)["taskDefinition"]["taskDefinitionArn"]
    live.ecs.update_service(cluster=live.cluster, service=SERVICE, taskDefinition=arn)

    def restore():
        live.ecs.update_service(cluster=live.cluster, service=SERVICE, taskDefinition=original)
        live.ecs.deregister_task_definition(taskDefinition=arn)
    return restore


def task_cpu(live):
    return _task_revision(live, lambda d: {**d, "cpu": "2048"})


def image_tag(live):
    return _task_revision(live, lambda d: {**d, "containerDefinitions": [
        {**c, "image": c["image"].rsplit(":", 1)[0] + ":9.9.9"} for c in d["containerDefinitions"]]})


def secret_removed(live):
    return _task_revision(live, lambda d: {**d, "containerDefinitions": [
        {**c, "secrets": [s for s in c.get("secrets", []) if s["name"] != "JWT_SECRET"]}
        for c in d["containerDefinitions"]]})


def _planned_rule(live, service: str):
    return next(r for lb in live.env.load_balancers for r in lb.rules if r.service == service)


def rule_deleted(live):
    rule = live.rules()[_planned_rule(live, "analytics-service").priority]
    live.elbv2.delete_rule(RuleArn=rule["RuleArn"])
    listener = rule["RuleArn"].replace(":listener-rule/", ":listener/").rsplit("/", 1)[0]

    def restore():
        live.elbv2.create_rule(ListenerArn=listener, Priority=int(rule["Priority"]), Conditions=rule["Conditions"],
                               Actions=rule["Actions"])
    return restore


def overlapping_rules(live):
    """Two rules of one host where the later one's path covers the earlier one's."""
    rules = next(lb for lb in live.env.load_balancers if lb.name == "public").rules
    return next((a, b) for a in rules for b in rules
                if a.priority < b.priority and a.service != b.service and a.conditions.path_patterns
                and b.conditions.path_patterns and a.conditions.host_headers == b.conditions.host_headers
                and a.conditions.path_patterns[0].startswith(b.conditions.path_patterns[0].rstrip("*")))


def _set_priorities(live, moves):
    for arn, priority in moves:
        live.elbv2.set_rule_priorities(RulePriorities=[{"RuleArn": arn, "Priority": priority}])


def priorities_swapped(live):
    a, b = overlapping_rules(live)
    rules = live.rules()
    first, second = rules[a.priority]["RuleArn"], rules[b.priority]["RuleArn"]
    spare = 49000
    _set_priorities(live, [(first, spare), (second, a.priority), (first, b.priority)])
    return lambda: _set_priorities(live, [(first, spare), (second, b.priority), (first, a.priority)])


def host_changed(live):
    planned = _planned_rule(live, "orders-api")
    rule = live.rules()[planned.priority]
    changed = [{**c, "HostHeaderConfig": {"Values": ["orders.example.net"]}, "Values": ["orders.example.net"]}
               if c["Field"] == "host-header" else c for c in rule["Conditions"]]
    live.elbv2.modify_rule(RuleArn=rule["RuleArn"], Conditions=[_condition(c) for c in changed])
    return lambda: live.elbv2.modify_rule(RuleArn=rule["RuleArn"],
                                          Conditions=[_condition(c) for c in rule["Conditions"]])


def _condition(condition: dict) -> dict:
    return {k: v for k, v in condition.items() if k != "Values"}


def _scalable_target(live) -> dict:
    return live.scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[
        f"service/{live.cluster}/{SERVICE}"])["ScalableTargets"][0]


def scaling_max(live):
    target = _scalable_target(live)

    def register(maximum):
        live.scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId=target["ResourceId"],
                                              ScalableDimension=target["ScalableDimension"],
                                              MinCapacity=target["MinCapacity"], MaxCapacity=maximum)
    register(target["MaxCapacity"] + 4)
    return lambda: register(target["MaxCapacity"])


def policy_target(live):
    policy = next(p for p in live.scaling.describe_scaling_policies(
        ServiceNamespace="ecs", ResourceId=f"service/{live.cluster}/{SERVICE}")["ScalingPolicies"]
        if p["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]["PredefinedMetricType"]
        == "ECSServiceAverageCPUUtilization")

    def put(value):
        config = {**policy["TargetTrackingScalingPolicyConfiguration"], "TargetValue": value}
        live.scaling.put_scaling_policy(PolicyName=policy["PolicyName"], ServiceNamespace="ecs",
                                        ResourceId=policy["ResourceId"], ScalableDimension=policy["ScalableDimension"],
                                        PolicyType="TargetTrackingScaling",
                                        TargetTrackingScalingPolicyConfiguration=config)
    put(55.0)
    return lambda: put(policy["TargetTrackingScalingPolicyConfiguration"]["TargetValue"])


def alias_missing(live):
    service = live.service()
    config = next(d["serviceConnectConfiguration"] for d in service["deployments"] if d["status"] == "PRIMARY")
    live.ecs.update_service(cluster=live.cluster, service=SERVICE,
                            serviceConnectConfiguration={**config, "services": []})
    return lambda: live.ecs.update_service(cluster=live.cluster, service=SERVICE, serviceConnectConfiguration=config)


def health_path(live):
    group = live.service()["loadBalancers"][0]["targetGroupArn"]
    path = live.elbv2.describe_target_groups(TargetGroupArns=[group])["TargetGroups"][0]["HealthCheckPath"]
    live.elbv2.modify_target_group(TargetGroupArn=group, HealthCheckPath="/")
    return lambda: live.elbv2.modify_target_group(TargetGroupArn=group, HealthCheckPath=path)


def _log_group(live) -> str:
    definition = live.ecs.describe_task_definition(taskDefinition=live.service()["taskDefinition"])["taskDefinition"]
    return definition["containerDefinitions"][0]["logConfiguration"]["options"]["awslogs-group"]


def log_retention(live):
    group = _log_group(live)
    days = live.logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["retentionInDays"]
    live.logs.put_retention_policy(logGroupName=group, retentionInDays=7)
    return lambda: live.logs.put_retention_policy(logGroupName=group, retentionInDays=days)


def desired_below_min(live):
    count = live.service()["desiredCount"]
    live.ecs.update_service(cluster=live.cluster, service=SERVICE, desiredCount=1)
    return lambda: live.ecs.update_service(cluster=live.cluster, service=SERVICE, desiredCount=count)


def expected_lines(name: str, live: Live) -> list[str]:
    s = live.planned()
    image = s.containers[0].image
    group = _log_group(live)
    scaling = s.autoscaling
    cpu_policy = next(x for x in scaling.policies if x.metric == "ECSServiceAverageCPUUtilization")
    connect = s.service_connect[0]
    target = s.load_balancers[0]
    analytics = _planned_rule(live, "analytics-service")
    orders = _planned_rule(live, "orders-api")
    from migrator.verify.routes import describe_rule

    secret = next(x for x in s.containers[0].secrets if x.name == "JWT_SECRET")
    return {
        "task-cpu": [f"DRIFT {SERVICE}: task.cpu: expected {s.task.cpu}, actual 2048"],
        "image-tag": [f'DRIFT {SERVICE}: containers[{s.containers[0].name}].image: expected "{image}", '
                      f'actual "{image.rsplit(":", 1)[0]}:9.9.9"'],
        "secret-removed": [f'DRIFT {SERVICE}: containers[{s.containers[0].name}].secrets[JWT_SECRET]: expected '
                           f'{{"name": "JWT_SECRET", "value_from": "{secret.value_from}"}}, actual (absent)'],
        "rule-deleted": [f"MISSING route public {describe_rule(analytics)} (analytics-service)"],
        "host-changed": [f'DRIFT route public {describe_rule(orders)} (orders-api): conditions.host_headers: '
                         f'expected ["orders.example.com"], actual ["orders.example.net"]'],
        "scaling-max": [f"DRIFT {SERVICE}: autoscaling.max_capacity: expected {scaling.max_capacity}, "
                        f"actual {scaling.max_capacity + 4}"],
        "policy-target": [f"DRIFT {SERVICE}: autoscaling.policies[ECSServiceAverageCPUUtilization].target_value: "
                          f"expected {cpu_policy.target_value}, actual 55.0"],
        "alias-missing": [f'DRIFT {SERVICE}: service_connect[{connect.dns_name}:{connect.port}]: expected '
                          f'{{"port_name": "{connect.port_name}", "discovery_name": "{connect.discovery_name}", '
                          f'"dns_name": "{connect.dns_name}", "port": {connect.port}}}, actual (absent)'],
        "health-path": [f'DRIFT {SERVICE}: load_balancers[{target.target_group}].health_check.path: expected '
                        f'"{target.health_check.path}", actual "/"'],
        "log-retention": [f"DRIFT {SERVICE}: log_retention_days[{group}]: expected "
                          f"{live.env.settings.log_retention_days}, actual 7"],
        "desired-below-min": [f'DRIFT {SERVICE}: desired_count: expected ">= {scaling.min_capacity} (autoscaling '
                              f'min_capacity)", actual 1'],
    }.get(name, [])


DRIFTS = [("task-cpu", task_cpu), ("image-tag", image_tag), ("secret-removed", secret_removed),
          ("rule-deleted", rule_deleted), ("priorities-swapped", priorities_swapped), ("host-changed", host_changed),
          ("scaling-max", scaling_max), ("policy-target", policy_target), ("alias-missing", alias_missing),
          ("health-path", health_path), ("log-retention", log_retention), ("desired-below-min", desired_below_min)]


@pytest.mark.parametrize("name, inject", DRIFTS, ids=[d[0] for d in DRIFTS])
def test_each_drift_fails_verify_naming_service_and_field(live, name, inject):
    restore = inject(live)
    try:
        report = verify(live)
    finally:
        restore()
    lines = render.failure_lines(report)
    assert not report.parity
    others = [line for line in lines if not line.startswith("ROUTING ")]
    if name == "priorities-swapped":
        a, b = overlapping_rules(live)
        assert [line.split(":")[0] for line in others] == [
            f"DRIFT route public {r} ({s})" for r, s in sorted(
                [(describe(a), a.service), (describe(b), b.service)], key=lambda x: int(x[0][1:].split()[0]))]
        assert any(f"Kubernetes sends it to {a.service}, the live ALB to {b.service}" in line for line in lines)
    else:
        assert others == expected_lines(name, live)
    if name == "rule-deleted":  # its paths now reach another rule, or none
        assert any(line.startswith("ROUTING ") for line in lines)


def describe(rule):
    from migrator.verify.routes import describe_rule

    return describe_rule(rule)


def test_parity_again_after_the_drifts_were_restored(live):
    report = verify(live)
    assert render.failure_lines(report) == []
