"""Run-time limits of Jobs and CronJobs, and preStop hooks: located findings for what ECS has no
place for."""

from __future__ import annotations

import pytest

from migrator.map import jobs

from .workloads import container, context, dump, line_of, run, workload

NO_TIMEOUT = ("is not carried over: ECS has no task timeout, so the task runs until its command exits; bound it in "
              "the container (for example `timeout <seconds> <command>`) or start the task from a Step Functions "
              "state machine with TimeoutSeconds")
NO_DEADLINE = "{kind} api: the pod's activeDeadlineSeconds " + NO_TIMEOUT
JOB_DEADLINE = "{kind} api: the job's activeDeadlineSeconds (900) " + NO_TIMEOUT
NO_RETRY = ("{kind} api: {written} is not carried over: ECS does not re-run a failed task{scheduler}; make the job "
            "retry its own work, or start it from a Step Functions state machine with a Retry (or set "
            "backoffLimit: 0 if one run is enough)")
SCHEDULER = " and EventBridge Scheduler retries only invocations that fail to start a task, not failed tasks"
SINGLE_RUN = ("{kind} api: {key} {value} is not carried over: the plan runs one task per {run}; start the other "
              "tasks yourself (`aws ecs run-task --count`, or a Step Functions Map state), or let one task do all "
              "the work")
STARTING = ("CronJob api: startingDeadlineSeconds (200) is not carried over: the schedule keeps its fixed maximum "
            "event age of 1 h, so a run that cannot start on time is retried for up to an hour instead of being "
            "skipped; if a late run must not happen, have the job compare its start time with the schedule and exit")
PRE_STOP = ("{kind} api: container {name}'s lifecycle.preStop hook is not carried over: ECS runs no hook before "
            "stopping a container, it sends SIGTERM and then SIGKILL after stopTimeout; do that work in the "
            "application's SIGTERM handler (or in an entrypoint script that traps SIGTERM)")
ONE_RUN = {"backoffLimit": 0}


def job(kind: str, job_spec: dict | None = None, cron_spec: dict | None = None, pod: dict | None = None,
        containers: list | None = None) -> dict:
    """A Job or CronJob with fields at the job level (Job spec / jobTemplate.spec) and the CronJob spec."""
    doc = workload(kind=kind, pod={"restartPolicy": "Never", **(pod or {})}, containers=containers)
    spec = doc["spec"]["jobTemplate"]["spec"] if kind == "CronJob" else doc["spec"]
    spec.update(job_spec or {})
    doc["spec"].update(cron_spec or {})
    return doc


# (doc, [(code, severity, message, text on the line the finding points at)])
CASES = {
    "Job with a pod deadline": (job("Job", ONE_RUN, pod={"activeDeadlineSeconds": 600}),
                                [("job.no-deadline", "warning", NO_DEADLINE.format(kind="Job"),
                                  "activeDeadlineSeconds: 600")]),
    "CronJob with a pod deadline": (job("CronJob", ONE_RUN, pod={"activeDeadlineSeconds": 60}),
                                    [("job.no-deadline", "warning", NO_DEADLINE.format(kind="CronJob"),
                                      "activeDeadlineSeconds: 60")]),
    "Job with one run and no limits": (job("Job", ONE_RUN), []),
    "Job with a job deadline": (job("Job", {**ONE_RUN, "activeDeadlineSeconds": 900}),
                                [("job.no-deadline", "warning", JOB_DEADLINE.format(kind="Job"),
                                  "activeDeadlineSeconds: 900")]),
    "CronJob with a job deadline": (job("CronJob", {**ONE_RUN, "activeDeadlineSeconds": 900}),
                                    [("job.no-deadline", "warning", JOB_DEADLINE.format(kind="CronJob"),
                                      "activeDeadlineSeconds: 900")]),
    "Job with retries": (job("Job", {"backoffLimit": 3}),
                         [("job.no-retry", "warning", NO_RETRY.format(kind="Job", written="backoffLimit 3",
                                                                       scheduler=""), "backoffLimit: 3")]),
    "Job with the default retries": (job("Job"),
                                     [("job.no-retry", "warning",
                                       NO_RETRY.format(kind="Job", written="backoffLimit (default 6)", scheduler=""),
                                       "apiVersion: batch/v1")]),
    "CronJob with retries": (job("CronJob", {"backoffLimit": 2}),
                             [("job.no-retry", "warning", NO_RETRY.format(kind="CronJob", written="backoffLimit 2",
                                                                           scheduler=SCHEDULER), "backoffLimit: 2")]),
    "CronJob with the default retries": (job("CronJob"),
                                         [("job.no-retry", "warning",
                                           NO_RETRY.format(kind="CronJob", written="backoffLimit (default 6)",
                                                           scheduler=SCHEDULER), "apiVersion: batch/v1")]),
    "Job with completions and parallelism": (
        job("Job", {**ONE_RUN, "completions": 5, "parallelism": 2}),
        [("job.single-run", "warning", SINGLE_RUN.format(kind="Job", key="completions", value=5, run="run"),
          "completions: 5"),
         ("job.single-run", "warning", SINGLE_RUN.format(kind="Job", key="parallelism", value=2, run="run"),
          "parallelism: 2")]),
    "CronJob with parallelism": (
        job("CronJob", {**ONE_RUN, "parallelism": 3}),
        [("job.single-run", "warning", SINGLE_RUN.format(kind="CronJob", key="parallelism", value=3,
                                                         run="scheduled run"), "parallelism: 3")]),
    "Job with one completion": (job("Job", {**ONE_RUN, "completions": 1, "parallelism": 1}), []),
    "CronJob with a starting deadline": (job("CronJob", ONE_RUN, {"startingDeadlineSeconds": 200}),
                                         [("schedule.starting-deadline", "info", STARTING,
                                           "startingDeadlineSeconds: 200")]),
}


@pytest.mark.parametrize("doc, expected", CASES.values(), ids=CASES)
def test_run_limits_are_reported_at_their_fields(doc, expected):
    _, findings = run(jobs.report_run_limits, doc)
    text = dump(doc)
    assert [(f.code, str(f.severity), f.message, f.source.file, f.source.line) for f in findings] == \
        [(code, severity, message, "app.yaml", line_of(text, needle)) for code, severity, message, needle in expected]


HOOK = {"lifecycle": {"preStop": {"exec": {"command": ["sleep", "5"]}}}}
PRE_STOP_CASES = {
    "Deployment": ("Deployment", [container(**HOOK)], [("api", "preStop")]),
    "Job": ("Job", [container(**HOOK)], [("api", "preStop")]),
    "CronJob, second container": ("CronJob", [container(), container(name="proxy", **HOOK)], [("proxy", "preStop")]),
    "postStart only": ("Deployment", [container(lifecycle={"postStart": {"exec": {"command": ["true"]}}})], []),
    "no hook": ("Deployment", [container()], []),
}


@pytest.mark.parametrize("kind, containers, expected", PRE_STOP_CASES.values(), ids=PRE_STOP_CASES)
def test_pre_stop_hooks_are_reported_at_the_hook(kind, containers, expected):
    doc = workload(kind=kind, containers=containers)
    _, findings = run(jobs.report_pre_stop, doc)
    assert [(f.code, str(f.severity), f.message, f.source.line) for f in findings] == \
        [("container.pre-stop", "warning", PRE_STOP.format(kind=kind, name=name), line_of(dump(doc), needle))
         for name, needle in expected]


PLANNED = {
    # doc -> codes of the findings this module owns, as the whole map stage reports them
    "CronJob": (job("CronJob", {"backoffLimit": 1, "parallelism": 2}, {"startingDeadlineSeconds": 30},
                    pod={"activeDeadlineSeconds": 60}, containers=[container(**HOOK)]),
                ["container.pre-stop", "job.no-deadline", "job.no-retry", "job.single-run",
                 "schedule.starting-deadline"]),
    "Job": (job("Job", {"activeDeadlineSeconds": 60}), ["job.no-deadline", "job.no-retry"]),
    "Deployment with a preStop hook": (workload(containers=[container(**HOOK)]), ["container.pre-stop"]),
}


@pytest.mark.parametrize("doc, expected", PLANNED.values(), ids=PLANNED)
def test_planning_runs_the_checks(doc, expected):
    from migrator.map import map_environment

    plan = map_environment(context(doc))
    ours = ("job.", "container.pre-stop", "schedule.starting-deadline")
    assert sorted(f.code for f in plan.findings if f.code.startswith(ours)) == expected
