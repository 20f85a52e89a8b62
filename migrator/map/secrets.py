"""The list of Secrets Manager secrets every container of the environment reads.

`EnvironmentPlan.secrets` is derived from the container references (`SecretRef.value_from`,
`repository_credentials`), so a secret is listed exactly when something reads it, once, with
the keys of its Kubernetes Secret and never a value.
"""

from __future__ import annotations

import dataclasses

from migrator.findings import Finding
from migrator.map.config import split_value_from
from migrator.map.context import MapContext, plan_source
from migrator.plan.model import ContainerPlan, EnvironmentPlan, SecretPlan, Source

REGISTRY_KEYS = ("password", "username")  # what ECS repositoryCredentials reads


def plan_secrets(ctx: MapContext, env_plan: EnvironmentPlan) -> tuple[EnvironmentPlan, list[Finding]]:
    """ENVIRONMENT_MAPPER: every Secrets Manager secret the environment's containers read."""
    read: dict[str, tuple[set[str], Source]] = {}
    registry: dict[str, Source] = {}
    for item in (*env_plan.services, *env_plan.scheduled_tasks, *env_plan.jobs):
        for container in item.containers:
            _collect(container, item.source, read, registry)
    plans = [_secret_plan(ctx, name, keys, source) for name, (keys, source) in read.items()]
    plans += [SecretPlan(name=name, keys=REGISTRY_KEYS, source=source,
                         description=f"registry credentials for ECS repositoryCredentials, from imagePullSecret "
                                     f"{_kubernetes_name(name)}: set JSON keys username and password")
              for name, source in registry.items() if name not in read]
    return dataclasses.replace(env_plan, secrets=tuple(sorted(plans, key=lambda p: p.name))), []


def _collect(container: ContainerPlan, source: Source, read: dict, registry: dict) -> None:
    for ref in container.secrets:
        parsed = split_value_from(ref.value_from)
        if parsed is None:
            continue
        name, key = parsed
        keys, _ = read.setdefault(name, (set(), source))
        if key:
            keys.add(key)
    if container.repository_credentials:
        parsed = split_value_from(container.repository_credentials)
        if parsed is not None:
            registry.setdefault(parsed[0], source)


def _kubernetes_name(name: str) -> str:
    """`<env>/<namespace>/<secret>` -> `<namespace>/<secret>`."""
    return "/".join(name.rsplit("/", 2)[-2:])


def _secret_plan(ctx: MapContext, name: str, keys: set[str], source: Source) -> SecretPlan:
    namespace, secret_name = name.rsplit("/", 2)[-2:]
    secret = ctx.estate.secret(namespace, secret_name)
    if secret is None:
        return SecretPlan(name=name, keys=tuple(sorted(keys)), source=source,
                          description=f"Secret {namespace}/{secret_name} is not in the inputs; the keys are the "
                                      "ones containers read. Load the values before the first deploy")
    return SecretPlan(name=name, keys=tuple(sorted(set(secret.keys) | keys)), source=plan_source(secret.source),
                      description=f"from Secret {namespace}/{secret_name} ({secret.type}); migrator never copies "
                                  "values: load them before the first deploy")
