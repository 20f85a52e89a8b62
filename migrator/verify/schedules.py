"""Scheduled tasks (Kubernetes CronJobs) against the live EventBridge Scheduler schedules.

Read, only when the plan has scheduled tasks: one ListSchedules page per 100 schedules of the
account, then GetSchedule for the ones that are this environment's (a planned name, or a target
that is this cluster). Compared per schedule: the expression, its timezone, ENABLED / DISABLED
(a suspended CronJob is planned disabled), the cluster it runs on and the task definition
family it starts. The task definition's own contents are not compared here.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import botocore.exceptions

from migrator.plan import model as p
from migrator.verify import names
from migrator.verify.aws import AwsClients, is_access_denied, missing_action
from migrator.verify.compare import diff

PASS, DRIFT, MISSING, UNEXPECTED = "PASS", "DRIFT", "MISSING", "UNEXPECTED"


@dataclass(frozen=True)
class ScheduleResult:
    name: str  # the scheduled task's plan name, or the live schedule's name when unplanned
    status: str
    drifts: tuple = ()  # compare.Drift

    @property
    def failed(self) -> bool:
        return self.status in (DRIFT, MISSING, UNEXPECTED)


def read_schedules(clients: AwsClients, pool: ThreadPoolExecutor, cluster_arn: str,
                   planned_names: set[str]) -> dict[str, dict]:
    """Schedule name -> GetSchedule answer, for the schedules this environment owns or should.
    Only called when the plan has scheduled tasks; a role without the scheduler reads (one made
    from an older --print-iam-policy) is told which action it lacks."""
    try:
        return _read_schedules(clients, pool, cluster_arn, planned_names)
    except botocore.exceptions.ClientError as exc:
        if not is_access_denied(exc):
            raise
        first = sorted(planned_names)[:3]
        more = f" and {len(planned_names) - len(first)} more" if len(planned_names) > len(first) else ""
        raise missing_action(exc, "scheduler", clients.target,
                             f"the plan has scheduled tasks ({', '.join(first)}{more})") from None


def _read_schedules(clients: AwsClients, pool: ThreadPoolExecutor, cluster_arn: str,
                    planned_names: set[str]) -> dict[str, dict]:
    found: list[dict] = []
    for page in clients.scheduler.get_paginator("list_schedules").paginate(PaginationConfig={"PageSize": 100}):
        found += page.get("Schedules", [])
    ours = [s for s in found if s["Name"] in planned_names or (s.get("Target") or {}).get("Arn") == cluster_arn]

    def get(summary: dict) -> dict:
        return clients.scheduler.get_schedule(Name=summary["Name"], GroupName=summary.get("GroupName", "default"))

    return {schedule["Name"]: schedule for schedule in pool.map(get, ours)}


def planned_schedule(project: str, env: p.EnvironmentPlan, job: p.ScheduledTaskPlan, cluster: str) -> dict:
    return {"schedule": job.schedule, "timezone": job.timezone or "UTC",
            "state": "ENABLED" if job.enabled else "DISABLED", "cluster": cluster,
            "task_definition": names.task_family(project, env.name, job.name)}


def live_schedule(schedule: dict) -> dict:
    target = schedule.get("Target") or {}
    definition = (target.get("EcsParameters") or {}).get("TaskDefinitionArn", "")
    return {"schedule": schedule.get("ScheduleExpression", ""),
            "timezone": schedule.get("ScheduleExpressionTimezone") or "UTC",
            "state": schedule.get("State") or "ENABLED", "cluster": _last_part(target.get("Arn", "")),
            "task_definition": _family(definition)}


def _last_part(arn: str) -> str:
    return arn.rsplit("/", 1)[-1] if ":" in arn else arn


def _family(task_definition_arn: str) -> str:
    """`arn:...:task-definition/<family>:<revision>` (or `family:rev`) -> family."""
    return _last_part(task_definition_arn).rsplit(":", 1)[0] if task_definition_arn else ""


def schedule_results(project: str, env: p.EnvironmentPlan, live: dict[str, dict], cluster: str) -> list[ScheduleResult]:
    """One result per planned scheduled task, then one per live schedule of the cluster the plan
    does not have."""
    out = []
    planned_names = set()
    for job in sorted(env.scheduled_tasks, key=lambda j: j.name):
        name = names.schedule_name(project, env.name, job.name)
        planned_names.add(name)
        if name not in live:
            out.append(ScheduleResult(job.name, MISSING))
            continue
        drifts = tuple(diff(planned_schedule(project, env, job, cluster), live_schedule(live[name])))
        out.append(ScheduleResult(job.name, DRIFT if drifts else PASS, drifts))
    out += [ScheduleResult(name, UNEXPECTED) for name in sorted(set(live) - planned_names)]
    return out
