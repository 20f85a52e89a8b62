"""How verify finds the AWS resources `migrate emit` created for an environment.

Names as emit gives them, with tags to disambiguate. The contract with emit
(migrator/emit/templates/envs/main.tf and modules/*):
  ECS cluster     `<project>-<env>` (both as DNS labels), tagged Environment=<env>, Project=<project>
                  (provider default_tags)
  ECS service     the plan service name (or tag migrator:service=<plan name> when it differs)
  load balancer   `<project>-<env>-<LB key>`, shortened past 32 characters as modules/alb does
                  (first 23 characters, "-", 8 hex of its SHA-1), tagged Name=<long name>
  schedule        `<project>-<env>-<scheduled task>` (cut past 64 characters the same way), its
                  target the cluster and the task definition family of the same name
  log groups, target groups, scaling policies: read through the ECS service and task definition,
                  so their names do not matter
`migrator:env` / `migrator:project` / `migrator:load-balancer` tags are honoured as well, for
resources created outside emit's Terraform.
"""

from __future__ import annotations

import hashlib

from migrator.emit.inputs import alb_key, dns_label

ENV_TAGS = ("migrator:env", "Environment")
PROJECT_TAGS = ("migrator:project", "Project")
TAG_SERVICE = "migrator:service"
TAG_LOAD_BALANCER = "migrator:load-balancer"


def tagged_for(tags: dict[str, str], project: str, env: str) -> bool:
    """Tags say this resource belongs to the environment (and, when tagged with one, the project)."""
    env_value = next((tags[k] for k in ENV_TAGS if k in tags), None)
    project_value = next((tags[k] for k in PROJECT_TAGS if k in tags), project)
    return env_value in (env, dns_label(env)) and project_value in (project, dns_label(project))


def tag_map(tags: list[dict] | None) -> dict[str, str]:
    """ECS spells tags {key, value}; ELBv2 {Key, Value}."""
    out: dict[str, str] = {}
    for tag in tags or ():
        key = tag.get("key", tag.get("Key"))
        if key is not None:
            out[key] = tag.get("value", tag.get("Value", ""))
    return out


def cluster_names(project: str, env: str) -> tuple[str, ...]:
    """Names emit may have given the environment's cluster, most specific first."""
    return tuple(dict.fromkeys((f"{dns_label(project)}-{dns_label(env)}", f"{project}-{env}", env)))


def load_balancer_long_name(project: str, env: str, name: str) -> str:
    return f"{dns_label(project)}-{dns_label(env)}-{alb_key(name)}"


def aws_name(name: str, limit: int = 32) -> str:
    """A name cut to an AWS limit the way emit's modules cut it: keep the start, add a hash."""
    if len(name) <= limit:
        return name
    return f"{name[:limit - 9]}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"


def task_family(project: str, env: str, name: str) -> str:
    """The task definition family of a scheduled task (or job): `<project>-<env>-<name>`."""
    return f"{dns_label(project)}-{dns_label(env)}-{name}"


def schedule_name(project: str, env: str, name: str) -> str:
    """The EventBridge Scheduler schedule of a scheduled task: its family, cut at 64 characters."""
    return aws_name(task_family(project, env, name), 64)


def autoscaling_resource_id(cluster: str, service: str) -> str:
    return f"service/{cluster}/{service}"


def same_secret(planned: str, live: str) -> bool:
    """Whether a live secret reference (task definition valueFrom, repository credentials) is
    the planned one. What legitimately differs: the ARN prefix (the plan may hold a placeholder
    account) and the six random characters AWS appends to every secret name."""
    if planned == live:
        return True
    marker = ":secret:"
    if marker not in planned or marker not in live:
        return False
    want_name, _, want_rest = planned.split(marker, 1)[1].partition(":")
    got_name, _, got_rest = live.split(marker, 1)[1].partition(":")
    suffixed = len(got_name) == len(want_name) + 7 and got_name.startswith(want_name + "-")
    # `name:key::` and `name:key`, `name` and `name:::` say the same (an empty JSON key: the whole secret)
    return want_rest.rstrip(":") == got_rest.rstrip(":") and (got_name == want_name or suffixed)
