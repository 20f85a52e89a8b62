"""Run-time limits of Jobs and CronJobs: located findings for what ECS has no place for."""

from __future__ import annotations

import pytest

from migrator.map import jobs

from .workloads import dump, line_of, run, workload

NO_DEADLINE = ("{kind} api: the pod's activeDeadlineSeconds is not carried over: ECS has no task timeout, so the "
               "task runs until its command exits; bound it in the container (for example `timeout <seconds> "
               "<command>`) or start the task from a Step Functions state machine with TimeoutSeconds")
CASES = {
    "Job with a pod deadline": ("Job", {"activeDeadlineSeconds": 600, "restartPolicy": "Never"},
                                [("job.no-deadline", "warning", NO_DEADLINE.format(kind="Job"))]),
    "CronJob with a pod deadline": ("CronJob", {"restartPolicy": "OnFailure", "activeDeadlineSeconds": 60},
                                    [("job.no-deadline", "warning", NO_DEADLINE.format(kind="CronJob"))]),
    "Job without one": ("Job", {"restartPolicy": "Never"}, []),
}


@pytest.mark.parametrize("kind, pod, expected", CASES.values(), ids=CASES)
def test_pod_deadline_is_reported_at_the_field(kind, pod, expected):
    doc = workload(kind=kind, pod=pod)
    _, findings = run(jobs.report_run_limits, doc)
    assert [(f.code, str(f.severity), f.message) for f in findings] == expected
    if expected:
        line = line_of(dump(doc), "activeDeadlineSeconds")
        assert [(f.source.file, f.source.line) for f in findings] == [("app.yaml", line)]


def test_planning_a_cronjob_runs_the_check():
    from migrator.map import map_environment

    from .workloads import context
    plan = map_environment(context(workload(kind="CronJob", pod={"activeDeadlineSeconds": 60})))
    assert [f.code for f in plan.findings if f.code.startswith("job.")] == ["job.no-deadline"]
