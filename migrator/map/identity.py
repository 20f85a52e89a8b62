"""ServiceAccounts and securityContext -> task role, container user and hardening.

An IRSA ServiceAccount (`eks.amazonaws.com/role-arn`) keeps its IAM role: the role becomes the
task role, and its trust policy must let ECS tasks assume it. Without one, emit creates a
per-service task role with no permissions (task_role_arn stays empty).
"""

from __future__ import annotations

import dataclasses

from migrator.findings import Finding, error, info, warning
from migrator.map.context import MapContext
from migrator.model.objects import Container, SecurityContext, Workload
from migrator.plan.model import ContainerPlan, ServicePlan

FARGATE_CAPABILITIES = {"SYS_PTRACE"}  # the only capability Fargate lets a container add


def apply_identity(ctx: MapContext, workload: Workload, service: ServicePlan) -> tuple[ServicePlan, list[Finding]]:
    role, findings = task_role_for(ctx, workload)
    if workload.pod.host_network:
        findings.append(warning("security.host-network", f"{workload.name} uses the node's network (hostNetwork); "
                                "Fargate tasks get their own network interface (awsvpc), so it listens on the "
                                "task's address instead", workload.pod.ref("hostNetwork")))
    by_name = {c.name: c for c in (*workload.pod.init_containers, *workload.pod.containers)}
    containers = []
    for plan in service.containers:
        container = by_name.get(plan.name)
        if container is not None:
            plan, found = secured_container(workload, container, plan)
            findings.extend(found)
        containers.append(plan)
    return dataclasses.replace(service, task_role_arn=role, containers=tuple(containers)), findings


def task_role_for(ctx: MapContext, workload: Workload) -> tuple[str, list[Finding]]:
    name = workload.pod.service_account or "default"
    account = ctx.estate.service_account(workload.namespace, name)
    if account is None or not account.role_arn:
        if workload.pod.service_account and account is None:
            return "", [info("identity.service-account-missing", f"{workload.name} runs as ServiceAccount {name}, "
                             "which is not in the manifests; its task role gets no permissions",
                             workload.pod.ref("serviceAccountName"))]
        return "", []
    return account.role_arn, [warning("identity.irsa-trust-policy", _trust_message(workload.name, account.role_arn),
                                      account.source)]


def _trust_message(workload: str, role_arn: str) -> str:
    parts = role_arn.split(":")
    account_id = parts[4] if len(parts) > 4 and parts[4] else "<account id>"
    return (f"{workload} keeps IAM role {role_arn} (IRSA) as its task role; add a trust-policy statement "
            "that lets ECS tasks assume it: Principal {\"Service\": \"ecs-tasks.amazonaws.com\"}, Action "
            f"sts:AssumeRole, Condition StringEquals aws:SourceAccount {account_id}; remove the EKS OIDC "
            "(sts:AssumeRoleWithWebIdentity) statement after cutover")


def effective_security(pod: SecurityContext | None, container: SecurityContext | None) -> SecurityContext:
    """The container's securityContext over the pod's, field by field, as the kubelet applies it."""
    pod = pod or SecurityContext()
    if container is None:
        return pod
    merged = {f.name: getattr(container, f.name) if getattr(container, f.name) not in (None, ()) else getattr(pod, f.name)
              for f in dataclasses.fields(SecurityContext)}
    return SecurityContext(**merged)


def user_for(security: SecurityContext) -> str:
    if security.run_as_user is None:
        return ""
    if security.run_as_group is None:
        return str(security.run_as_user)
    return f"{security.run_as_user}:{security.run_as_group}"


def secured_container(workload: Workload, container: Container,
                      plan: ContainerPlan) -> tuple[ContainerPlan, list[Finding]]:
    security = effective_security(workload.pod.security_context, container.security_context)
    where = (container.security_context or workload.pod.security_context or security).source
    where = where if where.file else container.source
    findings: list[Finding] = []
    if security.run_as_group is not None and security.run_as_user is None:
        findings.append(warning("identity.group-without-user", f"container {container.name} sets runAsGroup "
                                f"{security.run_as_group} without runAsUser; ECS needs a user to set a group, so "
                                "the image's user and group apply", where))
    if security.run_as_non_root and security.run_as_user is None:
        findings.append(info("identity.run-as-non-root", f"container {container.name} requires a non-root user "
                             "(runAsNonRoot) without naming one; ECS does not check it, so make sure the image's "
                             "USER is not root", where))
    if security.privileged:
        findings.append(error("identity.privileged", f"container {container.name} is privileged; Fargate does not "
                              "run privileged containers: remove the need (or run it on EC2 capacity)", where))
    added = tuple(cap.upper().removeprefix("CAP_") for cap in security.capabilities_add)
    dropped = sorted(set(added) - FARGATE_CAPABILITIES)
    if dropped:
        findings.append(warning("identity.capability-dropped", f"container {container.name} adds "
                                f"{', '.join(dropped)}; Fargate allows adding only SYS_PTRACE, so the rest are "
                                "left out: check the app works without them", where))
    plan = dataclasses.replace(plan, user=user_for(security) or plan.user,
                               readonly_root_filesystem=bool(security.read_only_root_filesystem),
                               capabilities_add=tuple(c for c in added if c in FARGATE_CAPABILITIES))
    return plan, findings
