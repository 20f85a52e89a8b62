"""Run-time limits of Jobs and CronJobs, and container stop hooks, that ECS has no place for.

An ECS task has no run-time limit, no retries and no completion count: Kubernetes stops a pod at
its activeDeadlineSeconds, re-runs failed pods up to backoffLimit (6 when not written) and runs
pods until `completions` succeeded, `parallelism` at a time; the plan starts one task per run and
ECS lets it run until its command exits. Nor does ECS run a preStop hook: it sends SIGTERM, then
SIGKILL after stopTimeout. Each of these is reported at the field, with what to do instead.
"""

from __future__ import annotations

from migrator.findings import Finding, info, warning
from migrator.map.context import MapContext
from migrator.model.objects import Workload
from migrator.plan.model import ServicePlan

BACKOFF_LIMIT_DEFAULT = 6  # Kubernetes' default for a Job's spec.backoffLimit

_NO_TIMEOUT = ("not carried over: ECS has no task timeout, so the task runs until its command exits; bound it in "
               "the container (for example `timeout <seconds> <command>`) or start the task from a Step Functions "
               "state machine with TimeoutSeconds")


def report_run_limits(ctx: MapContext, workload: Workload, task: ServicePlan) -> tuple[ServicePlan, list[Finding]]:
    what = f"{workload.kind} {workload.name}"
    findings = []
    if "activeDeadlineSeconds" in workload.pod.field_sources:
        findings.append(warning("job.no-deadline", f"{what}: the pod's activeDeadlineSeconds is {_NO_TIMEOUT}",
                                workload.pod.ref("activeDeadlineSeconds")))
    if workload.active_deadline_seconds is not None:
        findings.append(warning("job.no-deadline", f"{what}: the job's activeDeadlineSeconds "
                                f"({workload.active_deadline_seconds}) is {_NO_TIMEOUT}",
                                workload.job_ref("activeDeadlineSeconds")))
    findings.extend(_retries(workload))
    findings.extend(_completions(workload))
    if workload.starting_deadline_seconds is not None:
        findings.append(info("schedule.starting-deadline", f"{what}: startingDeadlineSeconds "
                             f"({workload.starting_deadline_seconds}) is not carried over: the schedule keeps its "
                             "fixed maximum event age of 1 h, so a run that cannot start on time is retried for up "
                             "to an hour instead of being skipped; if a late run must not happen, have the job "
                             "compare its start time with the schedule and exit", workload.job_ref(
                                 "startingDeadlineSeconds")))
    return task, findings


def _retries(workload: Workload) -> list[Finding]:
    limit = workload.backoff_limit
    if limit is not None and limit <= 0:
        return []
    written = f"backoffLimit {limit}" if limit is not None else f"backoffLimit (default {BACKOFF_LIMIT_DEFAULT})"
    scheduler = (" and EventBridge Scheduler retries only invocations that fail to start a task, not failed tasks"
                 if workload.kind == "CronJob" else "")
    return [warning("job.no-retry", f"{workload.kind} {workload.name}: {written} is not carried over: ECS does not "
                    f"re-run a failed task{scheduler}; make the job retry its own work, or start it from a Step "
                    "Functions state machine with a Retry (or set backoffLimit: 0 if one run is enough)",
                    workload.job_ref("backoffLimit"))]


def _completions(workload: Workload) -> list[Finding]:
    run = "scheduled run" if workload.kind == "CronJob" else "run"
    return [warning("job.single-run", f"{workload.kind} {workload.name}: {key} {value} is not carried over: the "
                    f"plan runs one task per {run}; start the other tasks yourself (`aws ecs run-task --count`, "
                    "or a Step Functions Map state), or let one task do all the work",
                    workload.job_ref(key))
            for key, value in (("completions", workload.completions), ("parallelism", workload.parallelism))
            if value is not None and value > 1]


def report_pre_stop(ctx: MapContext, workload: Workload, plan: ServicePlan) -> tuple[ServicePlan, list[Finding]]:
    """Services and tasks alike: ECS stops a container with SIGTERM, then SIGKILL after stopTimeout."""
    return plan, [warning("container.pre-stop", f"{workload.kind} {workload.name}: container {container.name}'s "
                          "lifecycle.preStop hook is not carried over: ECS runs no hook before stopping a "
                          "container, it sends SIGTERM and then SIGKILL after stopTimeout; do that work in the "
                          "application's SIGTERM handler (or in an entrypoint script that traps SIGTERM)",
                          container.pre_stop)
                  for container in (*workload.pod.init_containers, *workload.pod.containers)
                  if container.pre_stop is not None]
