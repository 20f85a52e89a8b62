"""The plan of one environment -> the values of its Terraform variables (plain data).

Only values that differ from the module defaults are written, so the generated .tfvars read like
the plan: short, and every line a decision. Problems the Terraform cannot express become
findings for the generated README.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from migrator.emit.hcl import Map
from migrator.findings import Finding, SourceRef, warning
from migrator.plan import model as p

# CloudWatch Logs accepts only these retention periods (PutRetentionPolicy).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
                      2557, 2922, 3288, 3653)
_ECR_IMAGE = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/([^:@]+)")
_ALB_NAME = re.compile(r"[^A-Za-z0-9-]")


@dataclass
class Notes:
    """Findings collected while turning the plan into variables."""

    findings: list[Finding] = field(default_factory=list)

    def add(self, code: str, message: str, source: p.Source | None = None) -> None:
        where = SourceRef(source.file, source.line) if source else SourceRef("migration-plan.yaml")
        self.findings.append(warning(code, message, where))


def alb_key(name: str) -> str:
    """Load balancer and target group keys become part of ALB names: letters, digits, hyphens."""
    return _ALB_NAME.sub("-", name).strip("-") or "lb"


def dns_label(name: str) -> str:
    return re.sub(r"[^a-z0-9-]", "-", name.lower()).strip("-") or "estate"


def log_retention(days: int) -> int:
    """CloudWatch keeps logs for set periods only: round up to the next one. 0 keeps logs forever
    (Terraform's and the plan's meaning), so it stays 0."""
    if days <= 0:
        return 0
    return next((d for d in LOG_RETENTION_DAYS if d >= days), LOG_RETENTION_DAYS[-1])


def default_capacity_strategy(settings: p.EnvironmentSettings) -> list[dict]:
    if settings.use_spot:
        # One on-demand task keeps the service up when Spot capacity is reclaimed.
        return [{"capacity_provider": "FARGATE", "weight": 0, "base": 1},
                {"capacity_provider": "FARGATE_SPOT", "weight": 1}]
    return [{"capacity_provider": "FARGATE"}]


def _drop_defaults(values: dict, defaults: dict) -> dict:
    return {k: v for k, v in values.items() if k not in defaults or defaults[k] != v}


def task_inputs(task: p.TaskSize) -> dict:
    return _drop_defaults({"cpu": task.cpu, "memory": task.memory, "cpu_architecture": task.cpu_architecture,
                           "operating_system": task.operating_system,
                           "ephemeral_storage_gib": task.ephemeral_storage_gib},
                          {"cpu_architecture": "X86_64", "operating_system": "LINUX", "ephemeral_storage_gib": 0})


def ecr_repository_arn(image: str) -> str | None:
    match = _ECR_IMAGE.match(image)
    if not match:
        return None
    account, region, repository = match.groups()
    partition = "aws-cn" if region.startswith("cn-") else "aws"
    return f"arn:{partition}:ecr:{region}:{account}:repository/{repository}"


def secret_reference(value_from: str, secret_names: tuple[str, ...]) -> tuple[str, str] | None:
    """(planned secret name, JSON key) when `value_from` points into a secret this environment
    creates, in ARN form (`arn:...:secret:<name>[-suffix]:<key>::`) or short form (`<name>:<key>`)."""
    body = value_from
    if value_from.startswith("arn:") and ":secretsmanager:" in value_from:
        parts = value_from.split(":")
        if len(parts) < 7:
            return None
        body = ":".join(parts[6:])
    for name in sorted(secret_names, key=len, reverse=True):
        if body == name:
            return name, ""
        if body.startswith(name + ":"):
            return name, body[len(name) + 1:].split(":")[0]
        suffixed = re.match(re.escape(name) + r"-[A-Za-z0-9]{6}(?::(.*))?$", body)  # the ARN's random suffix
        if suffixed:
            return name, (suffixed.group(1) or "").split(":")[0]
    return None


def secret_inputs(ref: p.SecretRef, secret_names: tuple[str, ...], notes: Notes, where: p.Source) -> dict:
    found = secret_reference(ref.value_from, secret_names)
    if found:
        name, json_key = found
        return _drop_defaults({"name": ref.name, "secret": name, "key": json_key}, {"key": ""})
    if not ref.value_from.startswith("arn:"):
        notes.add("emit.secret-unknown", f"secret {ref.name} reads {ref.value_from!r}, which is neither an ARN "
                  "nor a secret this environment creates; fix value_from in the plan", where)
    return {"name": ref.name, "value_from": ref.value_from}


def container_inputs(c: p.ContainerPlan, secret_names: tuple[str, ...], notes: Notes, where: p.Source) -> dict:
    values = {
        "name": c.name,
        "image": c.image,
        "essential": c.essential,
        "command": list(c.command),
        "args": list(c.args),
        "port_mappings": [_drop_defaults({"name": pm.name, "container_port": pm.container_port,
                                          "protocol": pm.protocol, "app_protocol": pm.app_protocol},
                                         {"protocol": "tcp", "app_protocol": ""}) for pm in c.port_mappings],
        "environment": Map(sorted(c.environment.items())),
        "secrets": [secret_inputs(s, secret_names, notes, where) for s in c.secrets],
        "cpu": c.cpu,
        "memory": c.memory,
        "memory_reservation": c.memory_reservation,
        "health_check": None if c.health_check is None else _drop_defaults(
            {"command": list(c.health_check.command), "interval": c.health_check.interval,
             "timeout": c.health_check.timeout, "retries": c.health_check.retries,
             "start_period": c.health_check.start_period},
            {"interval": 30, "timeout": 5, "retries": 3, "start_period": 0}),
        "user": c.user,
        "readonly_root_filesystem": c.readonly_root_filesystem,
        "working_directory": c.working_directory,
        "mount_points": [_drop_defaults({"source_volume": m.source_volume, "container_path": m.container_path,
                                         "read_only": m.read_only}, {"read_only": False}) for m in c.mount_points],
        "dependencies": [{"container": name, "condition": condition} for name, condition in c.depends_on],
        "stop_timeout": c.stop_timeout,
        "repository_credentials": c.repository_credentials,
        "capabilities_add": list(c.capabilities_add),
    }
    return _drop_defaults(values, {
        "essential": True, "command": [], "args": [], "port_mappings": [], "environment": {}, "secrets": [],
        "cpu": 0, "memory": None, "memory_reservation": None, "health_check": None, "user": "",
        "readonly_root_filesystem": False, "working_directory": "", "mount_points": [], "dependencies": [],
        "stop_timeout": None, "repository_credentials": "", "capabilities_add": [],
    })


def workload_inputs(task: p.TaskSize, containers: tuple[p.ContainerPlan, ...], volumes: tuple[p.VolumePlan, ...],
                    secret_names: tuple[str, ...], notes: Notes, where: p.Source) -> dict:
    """What services and scheduled tasks share: the task definition."""
    ecr = sorted({arn for c in containers if (arn := ecr_repository_arn(c.image))})
    values = {
        "task": task_inputs(task),
        "containers": [container_inputs(c, secret_names, notes, where) for c in containers],
        "volumes": [_drop_defaults({"name": v.name, "kind": v.kind, "efs_access_point": v.efs_access_point},
                                   {"kind": "task", "efs_access_point": ""}) for v in volumes],
        "ecr_repository_arns": ecr,
    }
    return _drop_defaults(values, {"volumes": [], "ecr_repository_arns": []})
