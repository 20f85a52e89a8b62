"""The ledger classes of job run limits and preStop hooks follow the findings about them: an
ordinary value is mapped, a value ECS cannot honour is raised by its finding."""

from __future__ import annotations

import pytest
import yaml

from migrator import api

JOB_SPEC = "spec.jobTemplate.spec."
HOOK = JOB_SPEC + "template.spec.containers[].lifecycle.preStop.exec.command[]"


def cron_job(job_spec: dict, lifecycle: dict | None = None) -> dict:
    run = {"name": "run", "image": "example/run:1", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
           **({"lifecycle": lifecycle} if lifecycle else {})}
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly"}, "spec": {
        "schedule": "0 3 * * *", "timeZone": "UTC", "startingDeadlineSeconds": 200, "jobTemplate": {"spec": {
            **job_spec, "template": {"spec": {"restartPolicy": "Never", "containers": [run]}}}}}}


CASES = {
    "one run": (cron_job({"backoffLimit": 0, "completions": 1, "parallelism": 1}),
                {JOB_SPEC + "backoffLimit": ("mapped", JOB_SPEC + "backoffLimit"),
                 JOB_SPEC + "completions": ("mapped", JOB_SPEC + "completions"),
                 JOB_SPEC + "parallelism": ("mapped", JOB_SPEC + "parallelism"),
                 "spec.startingDeadlineSeconds": ("approximated", "spec.startingDeadlineSeconds")}),
    "retries, completions, a deadline and a preStop hook": (
        cron_job({"backoffLimit": 3, "completions": 2, "parallelism": 2, "activeDeadlineSeconds": 60},
                 {"preStop": {"exec": {"command": ["sleep", "5"]}}}),
        {JOB_SPEC + "backoffLimit": ("needs-decision", "finding job.no-retry"),
         JOB_SPEC + "completions": ("needs-decision", "finding job.single-run"),
         JOB_SPEC + "parallelism": ("needs-decision", "finding job.single-run"),
         # needs-decision already by the table (the finding raises nothing further)
         JOB_SPEC + "activeDeadlineSeconds": ("needs-decision", JOB_SPEC + "activeDeadlineSeconds"),
         HOOK: ("needs-decision", JOB_SPEC + "template.spec.containers[].lifecycle.**")}),
}


@pytest.mark.parametrize("obj, fields", CASES.values(), ids=CASES)
def test_job_limits_are_classed_as_their_findings_say(tmp_path, obj, fields):
    (tmp_path / "app.yaml").write_text(yaml.safe_dump(obj, sort_keys=False))
    result = api.plan_estate(api.PlanOptions(paths=(str(tmp_path / "app.yaml"),), ledger_detail=True))
    [(_, ledger)] = result.ledgers
    by_field = {e.field: (e.cls, e.rule) for e in ledger.entries}
    assert {name: by_field[name] for name in fields} == fields
