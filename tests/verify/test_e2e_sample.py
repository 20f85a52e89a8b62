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
from tests.verify.sample_drifts import (SERVICE, Live, alias_missing, desired_below_min, health_path, host_changed,
                                        image_tag, log_group, log_retention, overlapping_rules, planned_rule,
                                        policy_target, port_80_path_changed, port_80_rule, priorities_swapped,
                                        rule_deleted, scaling_max, schedule, schedule_expression, secret_removed,
                                        task_cpu)

pytestmark = pytest.mark.slow


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
        r for r in report["routes"] if r["status"] != "PASS"] + [x for x in report["probes"] if not x["agree"]] + [
        x for x in report["schedules"] if x["status"] != "PASS"]
    assert (result.code, failures, report["notes"]) == (0, [], [])
    assert len(report["services"]) == len(live.env.services)
    # the schedule Terraform's modules/scheduled-task created, found by verify's names: emit and verify agree
    assert [(x["name"], x["status"]) for x in report["schedules"]] == [("nightly-report", "PASS")]
    assert (report["api_calls"]["scheduler:ListSchedules"], report["api_calls"]["scheduler:GetSchedule"]) == (1, 1)
    assert len(report["probes"]) == live.env.route_check.probes  # the Kubernetes probes of the plan's own check


def expected_lines(name: str, live: Live) -> list[str]:
    s = live.planned()
    image = s.containers[0].image
    group = log_group(live)
    scaling = s.autoscaling
    cpu_policy = next(x for x in scaling.policies if x.metric == "ECSServiceAverageCPUUtilization")
    connect = s.service_connect[0]
    target = s.load_balancers[0]
    analytics = planned_rule(live, "analytics-service")
    orders = planned_rule(live, "orders-api")
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
        "port-80-path-changed": [f'DRIFT route public port 80 {describe_rule(port_80_rule(live))} (hello): '
                                 'conditions.path_patterns: expected ["/*"], actual ["/hello/*"]'],
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
        "schedule-expression": ['DRIFT schedule nightly-report: schedule: expected "cron(30 2 * * ? *)", '
                                'actual "cron(30 3 * * ? *)"'],
        "desired-below-min": [f'DRIFT {SERVICE}: desired_count: expected ">= {scaling.min_capacity} (autoscaling '
                              f'min_capacity)", actual 1'],
    }.get(name, [])


DRIFTS = [("task-cpu", task_cpu), ("image-tag", image_tag), ("secret-removed", secret_removed),
          ("rule-deleted", rule_deleted), ("priorities-swapped", priorities_swapped), ("host-changed", host_changed),
          ("port-80-path-changed", port_80_path_changed),
          ("scaling-max", scaling_max), ("policy-target", policy_target), ("alias-missing", alias_missing),
          ("health-path", health_path), ("log-retention", log_retention), ("desired-below-min", desired_below_min),
          ("schedule-expression", schedule_expression)]


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


def test_schedule_drift_is_exit_1_through_the_cli_and_restored_exactly(live):
    before = schedule(live)
    restore = schedule_expression(live)
    try:
        result = run_cli("verify", "--env", "prod", "--plan", str(live.applied.plan_path), "--endpoint-url",
                         live.applied.endpoint, "--estate", str(SAMPLES))
    finally:
        restore()
    assert result.code == 1, result.stdout + result.stderr
    assert [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("DRIFT")] == [
        'DRIFT schedule nightly-report: schedule: expected "cron(30 2 * * ? *)", actual "cron(30 3 * * ? *)"']
    after = schedule(live)
    volatile = ("LastModificationDate", "ResponseMetadata")
    assert {k: v for k, v in after.items() if k not in volatile} == {k: v for k, v in before.items()
                                                                     if k not in volatile}


def describe(rule):
    from migrator.verify.routes import describe_rule

    return describe_rule(rule)


def test_parity_again_after_the_drifts_were_restored(live):
    report = verify(live)
    assert render.failure_lines(report) == []
