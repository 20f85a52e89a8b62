"""Run-time limits of Jobs and CronJobs that ECS has no place for.

An ECS task has no run-time limit: Kubernetes stops a pod at its activeDeadlineSeconds, ECS lets
the task run until its command exits. The limit is reported at the field, with where to put it.
"""

from __future__ import annotations

from migrator.findings import Finding, warning
from migrator.map.context import MapContext
from migrator.model.objects import Workload
from migrator.plan.model import ServicePlan


def report_run_limits(ctx: MapContext, workload: Workload, task: ServicePlan) -> tuple[ServicePlan, list[Finding]]:
    if "activeDeadlineSeconds" not in workload.pod.field_sources:
        return task, []
    return task, [warning("job.no-deadline", f"{workload.kind} {workload.name}: the pod's activeDeadlineSeconds is "
                          "not carried over: ECS has no task timeout, so the task runs until its command exits; "
                          "bound it in the container (for example `timeout <seconds> <command>`) or start the task "
                          "from a Step Functions state machine with TimeoutSeconds",
                          workload.pod.ref("activeDeadlineSeconds"))]
