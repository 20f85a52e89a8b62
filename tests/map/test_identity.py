"""ServiceAccounts and securityContext -> task role, user and container hardening."""

from __future__ import annotations

import pytest

from migrator.map import identity

from .workloads import codes, container, dump, line_of, run, workload

ROLE = "arn:aws:iam::123456789012:role/shop-api"


def account(name: str = "api", role: str | None = ROLE) -> dict:
    meta = {"name": name, "namespace": "shop"}
    if role:
        meta["annotations"] = {"eks.amazonaws.com/role-arn": role}
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta}


ROLES = {
    "IRSA role becomes the task role": ({"serviceAccountName": "api"}, (account(),), ROLE,
                                        [("identity.irsa-trust-policy", "warning")]),
    "service account without IRSA": ({"serviceAccountName": "api"}, (account(role=None),), "", []),
    "service account not in the manifests": ({"serviceAccountName": "api"}, (), "",
                                             [("identity.service-account-missing", "info")]),
    "the default service account with IRSA": ({}, (account("default"),), ROLE,
                                              [("identity.irsa-trust-policy", "warning")]),
    "no service account": ({}, (), "", []),
}


@pytest.mark.parametrize("pod, extra, role, found", ROLES.values(), ids=ROLES)
def test_task_role(pod, extra, role, found):
    service, findings = run(identity.apply_identity, workload(pod=pod), *extra)
    assert service.task_role_arn == role
    assert codes(findings) == found


def test_trust_policy_finding_says_what_to_change_and_where():
    doc, sa = workload(pod={"serviceAccountName": "api"}), account()
    _, findings = run(identity.apply_identity, doc, sa)
    assert findings[0].message == (
        f"api keeps IAM role {ROLE} (IRSA) as its task role; add a trust-policy statement that lets ECS tasks "
        "assume it: Principal {\"Service\": \"ecs-tasks.amazonaws.com\"}, Action sts:AssumeRole, Condition "
        "StringEquals aws:SourceAccount 123456789012; remove the EKS OIDC (sts:AssumeRoleWithWebIdentity) "
        "statement after cutover")
    first_line = line_of(dump(doc, sa), "kind: ServiceAccount") - 1  # the ServiceAccount's apiVersion line
    assert (findings[0].source.file, findings[0].source.line) == ("app.yaml", first_line)


SECURITY = {
    # pod securityContext, container securityContext -> (user, read-only root, capabilities), findings
    "pod user and group": ({"runAsUser": 1000, "runAsGroup": 2000}, None, ("1000:2000", False, ()), []),
    "container overrides the pod": ({"runAsUser": 1000, "runAsGroup": 2000}, {"runAsUser": 3000},
                                    ("3000:2000", False, ()), []),
    "user only": (None, {"runAsUser": 10001, "readOnlyRootFilesystem": True}, ("10001", True, ()), []),
    "group without user": ({"runAsGroup": 2000}, None, ("", False, ()), [("identity.group-without-user", "warning")]),
    "non-root without a user": ({"runAsNonRoot": True}, None, ("", False, ()), [("identity.run-as-non-root", "info")]),
    "privileged": (None, {"privileged": True}, ("", False, ()), [("identity.privileged", "error")]),
    "only SYS_PTRACE is added": (None, {"capabilities": {"add": ["NET_ADMIN", "CAP_SYS_PTRACE", "SYS_TIME"]}},
                                 ("", False, ("SYS_PTRACE",)), [("identity.capability-dropped", "warning")]),
    "nothing set": (None, None, ("", False, ()), []),
}


@pytest.mark.parametrize("pod_context, container_context, expected, found", SECURITY.values(), ids=SECURITY)
def test_security_context(pod_context, container_context, expected, found):
    body = container(**({"securityContext": container_context} if container_context else {}))
    doc = workload(containers=[body], pod={"securityContext": pod_context} if pod_context else None)
    service, findings = run(identity.apply_identity, doc)
    plan = service.containers[0]
    assert (plan.user, plan.readonly_root_filesystem, plan.capabilities_add) == expected
    assert codes(findings) == found


def test_dropped_capabilities_are_named():
    body = container(securityContext={"capabilities": {"add": ["NET_ADMIN", "SYS_PTRACE"]}})
    _, findings = run(identity.apply_identity, workload(containers=[body]))
    assert findings[0].message == ("container api adds NET_ADMIN; Fargate allows adding only SYS_PTRACE, so the "
                                   "rest are left out: check the app works without them")


def test_host_network_is_reported():
    doc = workload(pod={"hostNetwork": True})
    _, findings = run(identity.apply_identity, doc)
    assert [(f.code, f.source.line) for f in findings] == [("security.host-network", line_of(dump(doc), "hostNetwork"))]
