"""HorizontalPodAutoscaler -> ECS service auto scaling (target tracking).

Kubernetes measures CPU and memory utilisation against the pods' *requests*; ECS measures it
against the *task size*, which is rounded up to a Fargate size and carries the Service Connect
proxy. A literal 70 % would scale out at a different load, so targets are rebased:
ECS target = Kubernetes target x (summed requests / task size), which keeps the scale-out point
at the same absolute CPU units or MiB per task.
"""

from __future__ import annotations

import dataclasses
import re

from migrator.findings import Finding, SourceRef, info, warning
from migrator.map.context import MapContext
from migrator.model.objects import HPA, MetricTarget, Workload
from migrator.model.quantity import QuantityError, parse_quantity
from migrator.plan.model import Autoscaling, EnvironmentPlan, ScalingPolicy, ServicePlan, TaskSize

# Below 10 % of the task a target reacts to noise (a runtime's idle footprint); above 90 % the
# task has no headroom left while new tasks start. Targets outside are clamped, with a finding.
UTILIZATION_RANGE = (10.0, 90.0)
ECS_METRICS = {"cpu": "ECSServiceAverageCPUUtilization", "memory": "ECSServiceAverageMemoryUtilization"}
REQUEST_COUNT = "ALBRequestCountPerTarget"  # the one predefined metric that needs a target group
UNITS = {"cpu": "CPU units", "memory": "MiB"}
DEFAULT_CPU_TARGET = 80  # what the HPA controller uses when an HPA names no metric
_REQUEST_RATE = re.compile(r"(^|[^a-z])(rps|qps)([^a-z]|$)|requests?[-_ ]?(per[-_ ]?)?(second|sec|s)\b|"
                           r"requests?_per_second|http_requests|requests_total", re.IGNORECASE)


def apply_autoscaling(ctx: MapContext, workload: Workload, service: ServicePlan) -> tuple[ServicePlan, list[Finding]]:
    hpas = ctx.hpas_for(workload)
    if not hpas:
        return service, []
    hpa, findings = hpas[0], []
    for extra in hpas[1:]:
        findings.append(warning("scale.several-hpas", f"{workload.name} has more than one HPA; only "
                                f"{hpa.meta.name} is carried over (Kubernetes would fight over the count too)",
                                extra.source))
    if ctx.settings.fixed_count is not None:
        findings.append(info("scale.off-in-environment", f"{ctx.env.name} runs every service at a fixed count of "
                             f"{ctx.settings.fixed_count} (profile {ctx.settings.profile}), so HPA {hpa.meta.name} "
                             "is not carried over to this environment", hpa.source))
        return service, findings
    low = max(hpa.min_replicas, ctx.settings.min_tasks)
    high = max(hpa.max_replicas, ctx.settings.max_tasks_floor, low)
    if (low, high) != (hpa.min_replicas, hpa.max_replicas):
        findings.append(info("scale.profile-bounds", f"{workload.name}: HPA {hpa.min_replicas}-{hpa.max_replicas} "
                             f"tasks becomes {low}-{high} under the {ctx.settings.profile} profile (min_tasks "
                             f"{ctx.settings.min_tasks}, max_tasks_floor {ctx.settings.max_tasks_floor})", hpa.source))
    policies, found = policies_for(ctx, hpa, workload, service.task)
    findings.extend(found)
    desired = min(max(service.desired_count, low), high)
    scaling = Autoscaling(min_capacity=low, max_capacity=high, policies=tuple(policies))
    return dataclasses.replace(service, autoscaling=scaling, desired_count=desired, count_owner="autoscaling"), findings


def policies_for(ctx: MapContext, hpa: HPA, workload: Workload, task: TaskSize) -> tuple[list[ScalingPolicy], list[Finding]]:
    findings: list[Finding] = []
    metrics = hpa.metrics or (MetricTarget("Resource", "cpu", "Utilization", utilization=DEFAULT_CPU_TARGET,
                                           source=hpa.source),)
    if not hpa.metrics:
        findings.append(info("scale.default-metric", f"HPA {hpa.meta.name} names no metric; Kubernetes then targets "
                             f"{DEFAULT_CPU_TARGET}% CPU, and so does the plan", hpa.source))
    policies = []
    for metric in metrics:
        if metric.type in ("Resource", "ContainerResource") and metric.name in ECS_METRICS:
            policy, found = resource_policy(hpa, metric, workload, task)
        elif metric.type in ("Pods", "Object", "External"):
            policy, found = custom_policy(ctx, hpa, metric, workload)
        else:
            policy, found = None, [warning("scale.unsupported-metric", f"HPA {hpa.meta.name}: {metric.type} metric "
                                           f"{metric.name!r} has no ECS equivalent and is left out; add a target "
                                           "tracking policy on a CloudWatch metric by hand", metric.source)]
        findings.extend(found)
        if policy is not None:
            policies.append(_with_cooldowns(policy, hpa))
    if hpa.scale_up_stabilization_seconds is not None or hpa.scale_down_stabilization_seconds is not None:
        findings.append(info("scale.behavior-approximated", f"HPA {hpa.meta.name}: stabilisation windows become "
                             "cooldowns (scale-out after scaleUp, scale-in after scaleDown); the semantics differ: "
                             "Kubernetes acts on the highest recommendation within the window, ECS waits that long "
                             "after each scaling activity; scaleUp/scaleDown rate policies are not carried over",
                             hpa.source))
    return policies, findings


def _with_cooldowns(policy: ScalingPolicy, hpa: HPA) -> ScalingPolicy:
    scale_in = hpa.scale_down_stabilization_seconds
    scale_out = hpa.scale_up_stabilization_seconds
    return dataclasses.replace(policy,
                               scale_in_cooldown=policy.scale_in_cooldown if scale_in is None else scale_in,
                               scale_out_cooldown=policy.scale_out_cooldown if scale_out is None else scale_out)


def rebased_target(kubernetes_percent: float, requested: int, task_amount: int) -> float:
    """ECS target (% of the task) that scales out at the same absolute amount per task as a
    Kubernetes target of `kubernetes_percent` % of `requested`."""
    return round(kubernetes_percent * requested / task_amount, 2)


def resource_policy(hpa: HPA, metric: MetricTarget, workload: Workload,
                    task: TaskSize) -> tuple[ScalingPolicy | None, list[Finding]]:
    resource = metric.name
    task_amount = task.cpu if resource == "cpu" else task.memory
    findings: list[Finding] = []
    if metric.target_type == "Utilization" and metric.utilization is not None:
        # Only utilisation is a share of the requests; an AverageValue is absolute and needs none.
        requested, findings = _requested(hpa, metric, workload, task)
        absolute = metric.utilization * requested / 100
        described = f"{resource} {metric.utilization}% of {requested} {UNITS[resource]} requested"
    elif metric.average_value is not None:
        absolute = metric.average_value
        described = f"{resource} average {metric.average_value:g} {UNITS[resource]} per pod"
    else:
        return None, [warning("scale.unsupported-metric", f"HPA {hpa.meta.name}: {resource} target type "
                              f"{metric.target_type} has no value to carry over; add the policy by hand",
                              metric.source)]
    if metric.container:
        findings.append(warning("scale.container-metric", f"HPA {hpa.meta.name} scales on container "
                                f"{metric.container}'s {resource}; ECS measures the whole task, so the policy "
                                "targets the same absolute amount on the task", metric.source))
    target = round(100 * absolute / task_amount, 2)
    low, high = UTILIZATION_RANGE
    if not low <= target <= high:
        clamped = min(max(target, low), high)
        findings.append(warning("scale.target-clamped", f"HPA {hpa.meta.name}: {described} is {target}% of the "
                                f"{task_amount}-{UNITS[resource]} task, outside {low:g}-{high:g}%; the plan uses "
                                f"{clamped:g}%, which scales out at {clamped * task_amount / 100:g} instead of "
                                f"{absolute:g} {UNITS[resource]} per task: resize the task or review the target",
                                metric.source))
        target = clamped
    elif metric.target_type == "Utilization":
        findings.append(info("scale.target-rebased", f"HPA {hpa.meta.name}: {described} becomes {target:g}% of "
                             f"the {task_amount}-{UNITS[resource]} task (the same {absolute:g} "
                             f"{UNITS[resource]} per task)", metric.source))
    name = f"{metric.container}-{resource}" if metric.container else resource
    return ScalingPolicy(name=name, metric=ECS_METRICS[resource], target_value=target,
                         kubernetes_target=described), findings


def _requested(hpa: HPA, metric: MetricTarget, workload: Workload, task: TaskSize) -> tuple[int, list[Finding]]:
    """Summed requests the HPA measures against (app containers and native sidecars, or the one
    container of a ContainerResource metric)."""
    resource = metric.name
    containers = [c for c in (*workload.pod.init_containers, *workload.pod.containers)
                  if (not c.is_init or c.is_sidecar) and (not metric.container or c.name == metric.container)]
    amounts = [c.resources.cpu_request if resource == "cpu" else c.resources.memory_request for c in containers]
    if containers and all(a is not None for a in amounts) and sum(amounts):
        return sum(amounts), []
    fallback = task.requested_cpu if resource == "cpu" else task.requested_memory
    fallback = fallback or (task.cpu if resource == "cpu" else task.memory)
    return fallback, [warning("scale.missing-request", f"HPA {hpa.meta.name} targets {resource} utilisation but "
                              f"a container of {workload.name} requests no {resource}, so Kubernetes could not "
                              f"compute it; the plan measures against {fallback} {UNITS[resource]}", metric.source)]


def custom_policy(ctx: MapContext, hpa: HPA, metric: MetricTarget,
                  workload: Workload) -> tuple[ScalingPolicy | None, list[Finding]]:
    try:
        value = float(parse_quantity(metric.value)) if metric.value else None
    except QuantityError:
        value = None
    if value is None:
        return None, [warning("scale.unsupported-metric", f"HPA {hpa.meta.name}: {metric.type} metric "
                              f"{metric.name!r} has no readable target ({metric.value!r}); add the policy by hand",
                              metric.source)]
    described = f"{metric.type} {metric.name} {metric.target_type} {metric.value}"
    if _REQUEST_RATE.search(metric.name):
        per_minute = round(value * 60, 2)
        return ScalingPolicy(name="requests", metric=REQUEST_COUNT, target_value=per_minute,
                             kubernetes_target=described), [
            info("scale.request-count", f"HPA {hpa.meta.name}: {metric.name} ({metric.value}/s per pod) becomes "
                 f"ALBRequestCountPerTarget {per_minute:g} requests per target per minute; it needs the service "
                 "behind an ALB target group", metric.source)]
    published = f"{ctx.project}/{metric.name}"
    how = ("averaged per task" if metric.type == "Pods" or metric.target_type == "AverageValue"
           else "as one value for the service (target tracking on a total is approximate)")
    return ScalingPolicy(name=_policy_name(metric.name), metric=f"custom:{published}", target_value=value,
                         kubernetes_target=described), [
        warning("scale.custom-metric", f"HPA {hpa.meta.name} scales on {metric.type} metric {metric.name}; "
                f"publish it to CloudWatch as namespace {ctx.project}, metric {metric.name}, dimensions "
                f"ClusterName and ServiceName={workload.name}, {how}, before cutover", metric.source)]


def _policy_name(metric: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", metric)[:64] or "custom"


def request_count_without_alb(ctx: MapContext, env_plan: EnvironmentPlan) -> tuple[EnvironmentPlan, list[Finding]]:
    """Target groups are attached by the routing mapper, after the workload mappers: a request-count
    policy on a service no ALB routes to has no target group to measure (and Terraform cannot
    plan its resource label), so it is taken out with a finding."""
    services, findings = [], []
    for service in env_plan.services:
        scaling = service.autoscaling
        if service.load_balancers or scaling is None or all(p.metric != REQUEST_COUNT for p in scaling.policies):
            services.append(service)
            continue
        kept = tuple(p for p in scaling.policies if p.metric != REQUEST_COUNT)
        services.append(dataclasses.replace(service, autoscaling=dataclasses.replace(scaling, policies=kept)))
        findings.extend(warning(
            "scale.request-count-no-alb", f"{service.name}: {p.kubernetes_target} needs an ALB target group "
            f"({REQUEST_COUNT}), but the service is not behind one (no Ingress or HTTPRoute reaches a container "
            f"port of it), so the policy is left out; publish the metric to CloudWatch (namespace {ctx.project}) "
            "and add a target tracking policy on it, or route the service through an Ingress",
            _request_metric_source(ctx, service)) for p in scaling.policies if p.metric == REQUEST_COUNT)
    return dataclasses.replace(env_plan, services=tuple(services)), findings


def _request_metric_source(ctx: MapContext, service: ServicePlan) -> SourceRef:
    for workload in ctx.estate.workloads:
        if (workload.namespace, workload.kind) != (service.namespace, service.workload_kind) or \
                ctx.service_name(workload) != service.name:
            continue
        for hpa in ctx.hpas_for(workload)[:1]:
            for metric in hpa.metrics:
                if metric.type in ("Pods", "Object", "External") and _REQUEST_RATE.search(metric.name):
                    return metric.source
            return hpa.source
    return SourceRef(service.source.file, service.source.line)


def hpas_without_service(ctx: MapContext, env_plan: EnvironmentPlan) -> tuple[EnvironmentPlan, list[Finding]]:
    """An HPA whose target is not planned as a service is reported, not dropped."""
    planned = {(s.namespace, s.workload_kind, s.name) for s in env_plan.services}
    planned |= {(w.namespace, w.kind, w.name) for w in ctx.estate.workloads
                if (w.namespace, w.kind, ctx.service_name(w)) in planned}
    known = {(w.namespace, w.kind, w.name) for w in ctx.estate.workloads}
    findings = []
    for hpa in ctx.estate.hpas:
        key = (hpa.meta.namespace, hpa.target_kind, hpa.target_name)
        if key in planned:
            continue
        why = ("is not planned as an ECS service" if key in known
               else "is not in this environment's manifests")
        findings.append(warning("scale.target-missing", f"HPA {hpa.meta.name} scales {hpa.target_kind} "
                                f"{hpa.target_name}, which {why}; the HPA is not carried over", hpa.source))
    return env_plan, findings
