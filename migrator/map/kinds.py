"""What each kind of workload becomes on ECS.

Deployment (and ReplicaSet, ReplicationController) -> service; StatefulSet -> service only when
the team opts in, otherwise a decision finding naming the managed AWS service for well-known
data stores; DaemonSet -> finding; CronJob -> scheduled task(s); Job -> one-off task definition;
bare Pod -> finding. Tables of well-known images: mappings/stateful_images.yaml.
Every other kind gets the disposition mappings/kinds.yaml gives it (`not_planned`); a kind the
table does not know (a CRD, an operator's object) gets a warning: nothing is planned for it.
LimitRange container defaults size tasks (map/sizing.py); the rest of a LimitRange is reported here.
"""

from __future__ import annotations

import re

from migrator import data
from migrator.findings import Finding, error, info, warning
from migrator.map.context import MapContext
from migrator.map.schedule import ScheduleError, eventbridge_schedule
from migrator.model.objects import LimitRange, OtherObject, Workload
from migrator.plan.model import EnvironmentPlan, JobPlan, ScheduledTaskPlan, ServicePlan

SERVICE, SCHEDULED, JOB = "service", "scheduled", "job"
HELM_HOOK = "helm.sh/hook"


def image_words(image: str) -> tuple[str, list[str]]:
    """(repository, words of its last segment): ghcr.io/x/cp-kafka:7 -> (ghcr.io/x/cp-kafka, [cp, kafka])."""
    repository = re.split(r"[@]", image)[0]
    if ":" in repository.rsplit("/", 1)[-1]:
        repository = repository.rsplit(":", 1)[0]
    name = repository.rsplit("/", 1)[-1].lower()
    return repository.lower(), [w for w in re.split(r"[-_.]", name) if w]


def _matches(word: str, repository: str, words: list[str]) -> bool:
    if "/" in word:
        return repository.endswith(word)
    parts = word.split("-")
    return any(words[i:i + len(parts)] == parts for i in range(len(words)))


def known_image(workload: Workload, table: str) -> tuple[str, dict] | None:
    """(image, table row) for the first container whose image the table recognises."""
    for container in workload.pod.containers:
        repository, words = image_words(container.image)
        for row in data.table("stateful_images")[table]:
            if any(_matches(word, repository, words) for word in row["match"]):
                return container.image, row
    return None


def runs_as(ctx: MapContext, workload: Workload) -> tuple[str | None, list[Finding]]:
    """SERVICE, SCHEDULED, JOB, or None (not planned; the findings say why)."""
    kind, name = workload.kind, workload.name
    hook = workload.meta.annotations.get(HELM_HOOK, "")
    if "test" in hook.split(","):
        return None, [info("kind.helm-test", f"{kind} {name} is a Helm test hook; it is not migrated (run the "
                           "same check against the ECS services instead)", workload.source)]
    if kind == "Deployment":
        return SERVICE, []
    if kind == "ReplicaSet":
        return SERVICE, [info("kind.replica-set", f"ReplicaSet {name} has no Deployment; it becomes a service with "
                              "rolling deployments", workload.source)]
    if kind == "ReplicationController":
        return SERVICE, [warning("kind.replication-controller", f"ReplicationController {name} is deprecated; it "
                                 "becomes a service like a Deployment: check its rollout settings in the plan",
                                 workload.source)]
    if kind == "StatefulSet":
        return _stateful(ctx, workload)
    if kind == "DaemonSet":
        return None, [_daemon(workload)]
    if kind == "CronJob":
        return SCHEDULED, []
    if kind == "Job":
        when = f" (Helm hook {hook}: run it at that point of every deploy)" if hook else ""
        return JOB, [info("kind.job", f"Job {name} becomes a task definition to run once with `aws ecs run-task`"
                          f"{when}", workload.source)]
    if kind == "Pod":
        return None, [warning("kind.bare-pod", f"Pod {name} has no controller and is not migrated; if it should "
                              "keep running, wrap it in a Deployment, if it runs once, in a Job", workload.source)]
    return None, [warning("kind.not-mapped", f"{kind} {name} is not mapped to ECS; decide how to run it",
                          workload.source)]


def report_other_objects(ctx: MapContext, env_plan: EnvironmentPlan) -> tuple[EnvironmentPlan, list[Finding]]:
    """One finding per object no mapper reads: dropped, replaced by another part of the plan, or a
    decision (the ledger counts the fields of the last as needs-decision, not mapped); and the
    parts of LimitRanges nothing plans."""
    limit_ranges = [f for limit_range in ctx.estate.limit_ranges for f in limit_range_findings(limit_range)]
    return env_plan, [other_object_finding(obj) for obj in ctx.estate.others] + limit_ranges


# What sizing carries over: container defaults (map/sizing.py, container_defaults).
_SIZED = {"default.cpu", "default.memory", "defaultRequest.cpu", "defaultRequest.memory"}


def limit_range_findings(limit_range: LimitRange) -> list[Finding]:
    """A LimitRange's container defaults size tasks; its bounds were checked when the pods were
    admitted, and nothing on ECS checks them again: one info finding per entry that has some.
    Pod and PersistentVolumeClaim entries bound whole pods and claims: nothing is planned."""
    out = []
    for i, item in enumerate(limit_range.limits):
        what = f"LimitRange {limit_range.meta.key} spec.limits[{i}]"
        if item.type != "Container":
            out.append(info("size.limit-range-not-planned", f"{what} (type {item.type or 'unset'}) bounds whole "
                            f"{'pods' if item.type == 'Pod' else 'objects of that type'}; ECS has no per-namespace "
                            "bounds and the plan's task sizes and volumes are explicit, so nothing is planned for "
                            "it: review the sizes in the plan against it, or cap spending with Service Quotas",
                            item.source))
            continue
        dropped = [key for key in item.written if key not in _SIZED]
        if dropped:
            first = dropped[0].split(".")[0]
            out.append(info("size.limit-range-bounds", f"{what} also sets {', '.join(dropped)}; the pods were "
                            "checked against it when they were admitted, and nothing on ECS checks task sizes "
                            "again: a size set in migrate.yaml or by hand is not held to it", item.ref(first)))
    return out


def other_object_finding(obj: OtherObject) -> Finding:
    table = data.table("kinds")
    kubernetes_kind = obj.api_version in table["kinds"].get(obj.kind, ())
    disposition, why = table["not_planned"].get(obj.kind, ("decide", "")) if kubernetes_kind else ("decide", "")
    what = f"{obj.kind} {obj.meta.name} ({obj.api_version})"
    if disposition == "dropped":
        return info("kind.dropped", f"{what} is not planned: {why}", obj.source)
    if disposition == "replaced":
        return info("kind.replaced", f"{what} is not planned itself: {why}", obj.source)
    advice = why or ("if a controller or operator acts on it, find the AWS service or Terraform that replaces "
                     "it and add that by hand; if nothing does, remove it from the input")
    return warning("kind.not-mapped", f"{what} is not mapped to ECS and nothing is planned for it; {advice}",
                   obj.source)


def _stateful(ctx: MapContext, workload: Workload) -> tuple[str | None, list[Finding]]:
    name = workload.name
    opted = ctx.options.stateful_as_service or ctx.override(ctx.service_name(workload), workload).stateful_as_service
    known = known_image(workload, "stateful")
    hint = f"; its image {known[0]} looks like a data store: {known[1]['service']} keeps it managed" if known else ""
    if opted:
        return SERVICE, [warning("kind.stateful-as-service", f"StatefulSet {name} becomes an ECS service as asked: "
                                 "its pods lose their stable names (<name>-0), ordered start-up and per-pod disks"
                                 f"{hint}", workload.source)]
    advice = (f"move the data to {known[1]['service']} (image {known[0]})" if known else
              "if it keeps no state that must outlive a task, opt in with --stateful-as-service or "
              f"services.{name}.stateful_as_service: true in migrate.yaml")
    return None, [warning("kind.stateful-set", f"StatefulSet {name} is not planned: ECS services have no stable "
                          f"pod identity or per-pod disks; {advice}", workload.source)]


def _daemon(workload: Workload) -> Finding:
    known = known_image(workload, "daemon")
    instead = (f"use {known[1]['instead']}" if known else
               "add it as a sidecar to the tasks that need it, or drop it if it only served the nodes")
    return warning("kind.daemon-set", f"DaemonSet {workload.name} runs one pod per node; Fargate has no nodes, so "
                   f"it is not planned: {instead}", workload.source)


def scheduled_tasks_for(ctx: MapContext, workload: Workload,
                        service: ServicePlan) -> tuple[list[ScheduledTaskPlan], list[Finding]]:
    """One EventBridge schedule per expression (two when Kubernetes ORs the day fields)."""
    try:
        schedule = eventbridge_schedule(workload.schedule)
    except ScheduleError as exc:
        return [], [error("schedule.not-convertible", f"CronJob {workload.name}: schedule {workload.schedule!r} "
                          f"cannot become an EventBridge schedule ({exc}); write the schedule by hand",
                          workload.source)]
    findings: list[Finding] = []
    timezone = workload.time_zone or schedule.timezone
    if not timezone:
        findings.append(info("schedule.timezone-assumed", f"CronJob {workload.name} names no timeZone; Kubernetes "
                             "used the controller's zone, the plan assumes UTC", workload.source))
    if workload.concurrency_policy in ("Forbid", "Replace"):
        findings.append(warning("schedule.concurrency", f"CronJob {workload.name} uses concurrencyPolicy "
                                f"{workload.concurrency_policy}; EventBridge starts a task on every tick even while "
                                "the last one runs, so the job must tolerate overlap (or take a lock)",
                                workload.source))
    if workload.suspend:
        findings.append(info("schedule.suspended", f"CronJob {workload.name} is suspended; its schedule is planned "
                             "disabled", workload.source))
    if len(schedule.expressions) > 1:
        findings.append(info("schedule.split", f"CronJob {workload.name} ({workload.schedule}) runs when the day of "
                             "the month or the day of the week matches; EventBridge needs one schedule for each",
                             workload.source))
    tasks = []
    for i, expression in enumerate(schedule.expressions):
        tasks.append(ScheduledTaskPlan(
            name=service.name if i == 0 else f"{service.name}-by-weekday", namespace=service.namespace,
            source=service.source, schedule=expression, timezone=timezone or "UTC", task=service.task,
            containers=service.containers, enabled=not workload.suspend, volumes=service.volumes,
            task_role_arn=service.task_role_arn, capacity_provider_strategy=service.capacity_provider_strategy))
    return tasks, findings


def job_for(service: ServicePlan) -> JobPlan:
    return JobPlan(name=service.name, namespace=service.namespace, source=service.source, task=service.task,
                   containers=service.containers, volumes=service.volumes, task_role_arn=service.task_role_arn,
                   capacity_provider_strategy=service.capacity_provider_strategy)
