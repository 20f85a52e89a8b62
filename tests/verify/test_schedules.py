"""Scheduled tasks (CronJobs) against live EventBridge Scheduler schedules: the comparison with
exact lines, then verify end to end against a real moto server."""

from __future__ import annotations

import dataclasses

import pytest

from migrator.plan import model as p
from migrator.verify import render
from migrator.verify.results import VerifyReport
from migrator.verify.schedules import schedule_results
from tests.verify import small_plan

R = dataclasses.replace
ARN = "arn:aws:ecs:us-east-1:123456789012"
NIGHTLY = p.ScheduledTaskPlan(
    name="nightly-report", namespace="default", source=p.Source("k8s/cron.yaml", 1), schedule="cron(0 2 * * ? *)",
    timezone="Europe/Berlin", task=p.TaskSize(256, 512),
    containers=(p.ContainerPlan(name="report", image="ghcr.io/shop/report:1.0.0"),))
CLEANUP = R(NIGHTLY, name="cleanup", schedule="rate(1 hour)", timezone="", enabled=False)  # a suspended CronJob
ENV = R(small_plan.ENVIRONMENT, scheduled_tasks=(NIGHTLY, CLEANUP))
PLAN = R(small_plan.PLAN, environments=(ENV,))


def live(name: str, expression: str, timezone: str = "UTC", state: str = "ENABLED", cluster: str = "shop-prod",
         family: str = "") -> dict:
    """A GetSchedule answer, shaped as AWS (and moto) give it."""
    return {"Name": name, "GroupName": "default", "ScheduleExpression": expression,
            "ScheduleExpressionTimezone": timezone, "State": state, "Target": {
                "Arn": f"{ARN}:cluster/{cluster}", "RoleArn": "arn:aws:iam::123456789012:role/x",
                "EcsParameters": {"TaskDefinitionArn": f"{ARN}:task-definition/{family or name}:3", "TaskCount": 1}}}


AS_PLANNED = {"shop-prod-nightly-report": live("shop-prod-nightly-report", "cron(0 2 * * ? *)", "Europe/Berlin"),
              "shop-prod-cleanup": live("shop-prod-cleanup", "rate(1 hour)", state="DISABLED")}


def with_live(name: str, **changes) -> dict:
    base = AS_PLANNED[name]
    return {**AS_PLANNED, name: live(name, changes.get("expression", base["ScheduleExpression"]),
                                     changes.get("timezone", base["ScheduleExpressionTimezone"]),
                                     changes.get("state", base["State"]), changes.get("cluster", "shop-prod"),
                                     changes.get("family", ""))}


def lines(live_schedules: dict) -> list[str]:
    report = VerifyReport(env="prod", cluster="shop-prod", wave=None,
                          schedules=tuple(schedule_results("shop", ENV, live_schedules, "shop-prod")))
    return render.failure_lines(report)


@pytest.mark.parametrize("live_schedules, expected", [
    (AS_PLANNED, []),
    (with_live("shop-prod-nightly-report", expression="cron(0 3 * * ? *)"),
     ['DRIFT schedule nightly-report: schedule: expected "cron(0 2 * * ? *)", actual "cron(0 3 * * ? *)"']),
    (with_live("shop-prod-nightly-report", timezone="UTC"),
     ['DRIFT schedule nightly-report: timezone: expected "Europe/Berlin", actual "UTC"']),
    (with_live("shop-prod-cleanup", state="ENABLED"),  # the suspended CronJob runs again
     ['DRIFT schedule cleanup: state: expected "DISABLED", actual "ENABLED"']),
    (with_live("shop-prod-cleanup", cluster="shop-staging", family="shop-staging-cleanup"),
     ['DRIFT schedule cleanup: cluster: expected "shop-prod", actual "shop-staging"',
      'DRIFT schedule cleanup: task_definition: expected "shop-prod-cleanup", actual "shop-staging-cleanup"']),
    ({"shop-prod-cleanup": AS_PLANNED["shop-prod-cleanup"]},
     ["MISSING schedule nightly-report: no EventBridge Scheduler schedule of this name"]),
    ({**AS_PLANNED, "shop-prod-adhoc": live("shop-prod-adhoc", "rate(5 minutes)")},
     ["UNEXPECTED schedule shop-prod-adhoc: a schedule on this cluster that the plan does not have"]),
])
def test_schedule_results(live_schedules, expected):
    assert lines(live_schedules) == expected


def test_schedules_count_in_the_summary_and_json():
    import json

    report = VerifyReport(env="prod", cluster="shop-prod", wave=None, schedules=tuple(schedule_results(
        "shop", ENV, with_live("shop-prod-cleanup", state="ENABLED"), "shop-prod")))
    assert "1/2 schedules match" in render.summary_line(report)
    assert (report.parity, report.failures) == (False, 1)
    assert json.loads(render.report_json(report))["schedules"] == [
        {"name": "cleanup", "status": "DRIFT",
         "drifts": [{"field": "state", "expected": "DISABLED", "actual": "ENABLED"}]},
        {"name": "nightly-report", "status": "PASS", "drifts": []}]


def test_long_names_are_cut_as_emit_cuts_them():
    from migrator.verify.names import schedule_name

    long = "a" * 70
    assert schedule_name("shop", "prod", "nightly") == "shop-prod-nightly"
    assert len(schedule_name("shop", "prod", long)) == 64
    assert schedule_name("shop", "prod", long).startswith("shop-prod-" + "a" * 45 + "-")


def _create_schedules(applied) -> dict[str, dict]:
    """The schedules as emit's modules/scheduled-task creates them: named by the family, on the
    cluster, starting the task definition of that family. Returns each one's create arguments."""
    from migrator.verify.names import schedule_name, task_family

    ecs, scheduler = applied.client("ecs"), applied.client("scheduler")
    cluster = ecs.describe_clusters(clusters=[applied.cluster])["clusters"][0]["clusterArn"]
    created = {}
    for job in ENV.scheduled_tasks:
        family = task_family(PLAN.project, ENV.name, job.name)
        definition = ecs.register_task_definition(
            family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
            containerDefinitions=[{"name": c.name, "image": c.image} for c in job.containers])["taskDefinition"]
        created[job.name] = dict(
            Name=schedule_name(PLAN.project, ENV.name, job.name), ScheduleExpression=job.schedule,
            ScheduleExpressionTimezone=job.timezone or "UTC", State="ENABLED" if job.enabled else "DISABLED",
            FlexibleTimeWindow={"Mode": "OFF"}, Target={
                "Arn": cluster, "RoleArn": "arn:aws:iam::123456789012:role/shop-prod-scheduler",
                "EcsParameters": {"TaskDefinitionArn": definition["taskDefinitionArn"], "TaskCount": 1,
                                  "LaunchType": "FARGATE"}})
        scheduler.create_schedule(**created[job.name])
    return created


@pytest.fixture
def scheduled(applied):
    created = _create_schedules(applied)
    yield applied, created
    scheduler = applied.client("scheduler")
    for summary in scheduler.list_schedules()["Schedules"]:
        scheduler.delete_schedule(Name=summary["Name"], GroupName=summary["GroupName"])


def _verify(endpoint: str):
    return _verify_plan(PLAN, endpoint)


def _verify_plan(plan: p.MigrationPlan, endpoint: str):
    from migrator.verify.run import VerifyOptions, verify_environment

    return verify_environment(plan, VerifyOptions(env="prod", endpoint_url=endpoint))


@pytest.mark.slow
def test_applied_schedules_are_parity(scheduled, moto_server):
    report = _verify(moto_server.endpoint)
    assert render.failure_lines(report) == []
    assert [(s.name, s.status) for s in report.schedules] == [("cleanup", "PASS"), ("nightly-report", "PASS")]
    assert (report.api_calls["scheduler:ListSchedules"], report.api_calls["scheduler:GetSchedule"]) == (1, 2)


def expression_changed(applied, created):
    applied.client("scheduler").update_schedule(**{**created["nightly-report"],
                                                   "ScheduleExpression": "cron(0 3 * * ? *)"})


def resumed(applied, created):  # the CronJob was suspended: its schedule must stay disabled
    applied.client("scheduler").update_schedule(**{**created["cleanup"], "State": "ENABLED"})


def deleted(applied, created):
    applied.client("scheduler").delete_schedule(Name=created["nightly-report"]["Name"])


def added(applied, created):
    applied.client("scheduler").create_schedule(**{**created["cleanup"], "Name": "shop-prod-adhoc"})


@pytest.mark.slow
@pytest.mark.parametrize("inject, expected", [
    (expression_changed, 'DRIFT schedule nightly-report: schedule: expected "cron(0 2 * * ? *)", '
                         'actual "cron(0 3 * * ? *)"'),
    (resumed, 'DRIFT schedule cleanup: state: expected "DISABLED", actual "ENABLED"'),
    (deleted, "MISSING schedule nightly-report: no EventBridge Scheduler schedule of this name"),
    (added, "UNEXPECTED schedule shop-prod-adhoc: a schedule on this cluster that the plan does not have"),
], ids=["expression-changed", "resumed", "deleted", "added"])
def test_each_schedule_drift_fails_verify_naming_it(scheduled, moto_server, inject, expected):
    applied, created = scheduled
    inject(applied, created)
    report = _verify(moto_server.endpoint)
    assert (report.parity, render.failure_lines(report)) == (False, [expected])


@pytest.mark.slow
def test_schedule_drift_is_exit_1_through_the_cli(scheduled, moto_server, tmp_path):
    from migrator import api
    from tests.conftest import run_cli

    plan_path = tmp_path / "migration-plan.yaml"
    api.write_plan(PLAN, str(plan_path))
    args = ("verify", "--env", "prod", "--plan", str(plan_path), "--endpoint-url", moto_server.endpoint)
    assert run_cli(*args).code == 0
    expression_changed(*scheduled)
    result = run_cli(*args)
    assert result.code == 1
    assert 'DRIFT schedule nightly-report: schedule: expected "cron(0 2 * * ? *)"' in result.stdout


DENIED_LINE = ("{endpoint}: verify.access-denied scheduler:{operation} was refused (AccessDeniedException); the plan "
               "has scheduled tasks (shop-prod-cleanup, shop-prod-nightly-report), so the verify role needs "
               "scheduler:{operation}: refresh its policy from `migrate verify --print-iam-policy`")


@pytest.mark.slow
def test_a_plan_without_scheduled_tasks_reads_no_schedule(applied, moto_server):
    """A role made from an --print-iam-policy older than the schedule check has no scheduler
    action; verify of a plan without CronJobs must not need one, nor mention schedules."""
    from tests.verify.deny_proxy import DenyProxy

    assert small_plan.PLAN.environments[0].scheduled_tasks == ()
    with DenyProxy(moto_server.endpoint, {"scheduler:ListSchedules", "scheduler:GetSchedule"}) as proxy:
        report = _verify_plan(small_plan.PLAN, proxy.endpoint)
    assert (render.failure_lines(report), report.schedules, proxy.denied) == ([], (), [])
    assert [call for call in report.api_calls if call.startswith("scheduler:")] == []
    assert "schedule" not in render.summary_line(report)


@pytest.mark.slow
@pytest.mark.parametrize("operation", ["ListSchedules", "GetSchedule"])
def test_a_denied_schedule_read_is_exit_2_naming_the_action(scheduled, moto_server, tmp_path, operation):
    from migrator import api
    from tests.conftest import run_cli
    from tests.verify.deny_proxy import DenyProxy

    plan_path = tmp_path / "migration-plan.yaml"
    api.write_plan(PLAN, str(plan_path))
    with DenyProxy(moto_server.endpoint, {f"scheduler:{operation}"}) as proxy:
        result = run_cli("verify", "--env", "prod", "--plan", str(plan_path), "--endpoint-url", proxy.endpoint)
    assert proxy.denied and set(proxy.denied) == {f"scheduler:{operation}"}
    assert (result.code, result.stdout, result.stderr.strip()) == (
        2, "", DENIED_LINE.format(endpoint=proxy.endpoint, operation=operation))
