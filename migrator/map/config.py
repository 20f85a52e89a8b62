"""Configuration and secrets: what each container reads from its environment.

Kubernetes builds a container's environment from `envFrom` (ConfigMaps and Secrets, in order)
and then `env` (literals, `configMapKeyRef`, `secretKeyRef`, `fieldRef`, `resourceFieldRef`),
later entries winning. On ECS, ConfigMap data becomes plain `environment` values (resolved here,
from the model), and Secret data becomes container `secrets` read from Secrets Manager at task
start. Secret values never pass through migrator: the plan holds references and key names only.

A Secrets Manager reference in the plan (`SecretRef.value_from`) reads

    arn:aws:secretsmanager:<region>:${account_id}:secret:<env>/<namespace>/<secret>:<json key>::

The account is not known when planning, so it is the literal placeholder `${account_id}`
(SECRET_ACCOUNT). `split_value_from` returns (secret name, json key) so emit can point the
reference at the secret it creates (`aws_secretsmanager_secret.<x>.arn`, which carries the
random suffix Secrets Manager adds) and append `:<key>::`. `repository_credentials` holds the
same ARN without a key. Every secret to create is listed once in `EnvironmentPlan.secrets`.
"""

from __future__ import annotations

import dataclasses
import re

from migrator.findings import Finding, SourceRef, error, info, warning
from migrator.map.context import MapContext
from migrator.map.credentials import plaintext_credential_findings
from migrator.map.expansion import (field_ref_value, limit_from_task, parse_resource_field, references,
                                    resource_field_value, expand)
from migrator.model.objects import Container, EnvFrom, EnvVar, Workload
from migrator.plan.model import ContainerPlan, SecretRef, TaskSize

SECRET_ACCOUNT = "${account_id}"
_VALUE_FROM = re.compile(r"^arn:[\w-]+:secretsmanager:[^:]*:[^:]*:secret:(?P<name>[^:]+)"
                         r"(?::(?P<key>[^:]*):[^:]*:[^:]*)?$")
# Kubernetes skips envFrom keys that are not valid variable names (validation.IsEnvVarName).
_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")


def secret_name(env: str, namespace: str, secret: str) -> str:
    """The Secrets Manager name for a Kubernetes Secret in one environment."""
    return f"{env}/{namespace}/{secret}"


def secret_arn(region: str, name: str) -> str:
    return f"arn:aws:secretsmanager:{region}:{SECRET_ACCOUNT}:secret:{name}"


def secret_value_from(region: str, name: str, key: str) -> str:
    return f"{secret_arn(region, name)}:{key}::"


def split_value_from(value_from: str) -> tuple[str, str] | None:
    """(secret name, json key) of a plan secret reference; key is "" for a whole secret."""
    match = _VALUE_FROM.match(value_from)
    return (match["name"], match["key"] or "") if match else None


@dataclasses.dataclass(frozen=True)
class _Value:
    """One resolved variable: a literal, a secret reference, or known only at run time."""

    text: str | None = None  # literal
    secret: str = ""  # Kubernetes Secret name
    key: str = ""
    runtime: bool = False


class _Resolver:
    """Resolves the environment of one container, collecting findings as it goes."""

    def __init__(self, ctx: MapContext, workload: Workload, task: TaskSize):
        self.ctx = ctx
        self.workload = workload
        self.task = task
        self.findings: list[Finding] = []

    def environment(self, container: Container) -> dict[str, _Value]:
        values: dict[str, _Value] = {}
        entries: dict[str, EnvVar] = {}  # the env entry each variable finally comes from
        for source in container.env_from:
            values.update(self._env_from(container, source))
        for var in container.env:
            value = self._env_var(container, var, values)
            values.pop(var.name, None)  # a later definition replaces and reorders the earlier one
            entries.pop(var.name, None)
            if value is not None:
                values[var.name] = value
                entries[var.name] = var
        self.findings.extend(plaintext_credential_findings(self._where(container), entries.values()))
        return values

    def _where(self, container: Container) -> str:
        return f"{self.workload.kind} {self.workload.name} container {container.name}"

    def _env_from(self, container: Container, source: EnvFrom) -> dict[str, _Value]:
        ns = self.workload.namespace
        what = self._where(container)
        if source.config_map:
            cm = self.ctx.estate.config_map(ns, source.config_map)
            if cm is None:
                self._missing("ConfigMap", source.config_map, what, source.optional, source.source)
                return {}
            items = {k: _Value(text=v) for k, v in cm.data.items()}
        elif source.secret:
            secret = self.ctx.estate.secret(ns, source.secret)
            if secret is None:
                self._missing("Secret", source.secret, what, source.optional, source.source)
                return {}
            items = {k: _Value(secret=source.secret, key=k) for k in secret.keys}
        else:
            self.findings.append(warning("config.unknown-env-from", f"{what}: envFrom names neither a "
                                         "ConfigMap nor a Secret; it is left out", source.source))
            return {}
        out = {}
        for key, value in items.items():
            name = source.prefix + key
            if _ENV_NAME.match(name):
                out[name] = value
            else:
                self.findings.append(info("config.invalid-env-name", f"{what}: {name!r} is not a valid variable "
                                          "name; Kubernetes skips it and so does the plan", source.source))
        return out

    def _missing(self, kind: str, name: str, what: str, optional: bool, source: SourceRef, key: str = "") -> None:
        thing = f"key {key!r} of {kind} {name}" if key else f"{kind} {name}"
        if optional:
            self.findings.append(info("config.optional-missing", f"{what}: optional {thing} is not in the "
                                      "inputs; Kubernetes starts the pod without it and so does the plan", source))
            return
        code = "config.missing-key" if key else f"config.missing-{kind.lower()}"
        self.findings.append(error(code, f"{what}: {thing} is not in the inputs (namespace "
                                   f"{self.workload.namespace}); Kubernetes would not start this pod. Add the "
                                   f"{kind} manifest, or mark the reference optional", source))

    def _env_var(self, container: Container, var: EnvVar, values: dict[str, _Value]) -> _Value | None:
        if var.config_map:
            return self._config_map_key(container, var)
        if var.secret:
            return self._secret_key(container, var)
        if var.field_ref:
            return self._static(container, var, field_ref_value(self.workload, var.field_ref))
        if var.resource_field_ref:
            return self._resource_field(container, var)
        if var.value is None:
            self.findings.append(warning("config.unknown-value-from", f"{self._where(container)}: "
                                         f"env {var.name} uses a valueFrom source migrator does not know; it is "
                                         "left out", var.source))
            return None
        return _Value(text=self._interpolate(container, var, values))

    def _config_map_key(self, container: Container, var: EnvVar) -> _Value | None:
        what = f"{self._where(container)} env {var.name}"
        cm = self.ctx.estate.config_map(self.workload.namespace, var.config_map)
        if cm is None:
            self._missing("ConfigMap", var.config_map, what, var.optional, var.source)
            return None
        if var.config_map_key not in cm.data:
            if var.config_map_key in cm.binary_keys and not var.optional:
                self.findings.append(error("config.binary-key", f"{what}: key {var.config_map_key!r} of ConfigMap "
                                           f"{cm.meta.name} is binaryData, which Kubernetes does not put in env "
                                           "vars; this pod would not start", var.source))
                return None
            self._missing("ConfigMap", var.config_map, what, var.optional, var.source, var.config_map_key)
            return None
        return _Value(text=cm.data[var.config_map_key])

    def _secret_key(self, container: Container, var: EnvVar) -> _Value | None:
        what = f"{self._where(container)} env {var.name}"
        secret = self.ctx.estate.secret(self.workload.namespace, var.secret)
        if secret is None:
            if var.optional:
                self._missing("Secret", var.secret, what, True, var.source)
                return None
            name = secret_name(self.ctx.env.name, self.workload.namespace, var.secret)
            self.findings.append(error("config.missing-secret", f"{what}: Secret {var.secret} is not in the inputs "
                                       f"(namespace {self.workload.namespace}); the plan still reads key "
                                       f"{var.secret_key!r} from Secrets Manager secret {name}: create it, or add "
                                       "the Secret manifest", var.source))
            return _Value(secret=var.secret, key=var.secret_key)
        if var.secret_key not in secret.keys:
            self._missing("Secret", var.secret, what, var.optional, var.source, var.secret_key)
            return None
        return _Value(secret=var.secret, key=var.secret_key)

    def _static(self, container: Container, var: EnvVar, resolved) -> _Value:
        if resolved.value is not None:
            return _Value(text=resolved.value)
        self.findings.append(warning(resolved.code, f"{self._where(container)} env {var.name}: "
                                     f"{resolved.problem}; the variable is left out", var.source))
        return _Value(runtime=True)

    def _resource_field(self, container: Container, var: EnvVar) -> _Value:
        name, resource, divisor = parse_resource_field(var.resource_field_ref)
        target = container
        if name and name != container.name:
            pod = self.workload.pod
            target = next((c for c in (*pod.init_containers, *pod.containers) if c.name == name), None)
            if target is None:
                self.findings.append(error("config.bad-resource-field", f"{self._where(container)} env "
                                           f"{var.name}: resourceFieldRef names container {name!r}, which this pod "
                                           "does not have; the variable is left out", var.source))
                return _Value(runtime=True)
        value = self._static(container, var, resource_field_value(target, self.task, resource, divisor))
        if value.text is not None and limit_from_task(target, resource):
            self.findings.append(info("config.limit-from-task-size", f"{self._where(container)} env "
                                      f"{var.name}: {resource} is not set, so Kubernetes gave the node's capacity; "
                                      f"the plan uses the task size ({value.text})", var.source))
        return value

    def _interpolate(self, container: Container, var: EnvVar, values: dict[str, _Value]) -> str:
        assert var.value is not None
        if "$" not in var.value:  # most values: nothing to expand
            return var.value
        self._report_unexpandable(container, var.name, var.value, values, var.source)
        return expand(var.value, lambda name: values[name].text if name in values else None)

    def _report_unexpandable(self, container: Container, field: str, text: str, values: dict[str, _Value],
                             source: SourceRef) -> None:
        for name in dict.fromkeys(references(text)):
            value = values.get(name)
            if value is None or value.text is not None:
                continue  # undefined names stay `$(NAME)`, exactly as Kubernetes leaves them
            why = ("comes from Secret " + value.secret + "; ECS cannot splice a secret into another value, so "
                   "the app must build this value itself, or store the whole value as a secret") if value.secret \
                else "is known only at run time on ECS"
            self.findings.append(error("config.unresolved-reference", f"{self._where(container)}: {field} "
                                       f"refers to $({name}), which {why}; the text $({name}) is kept as is",
                                       source))

    def command(self, container: Container, words: tuple[str, ...], field: str,
                values: dict[str, _Value]) -> tuple[str, ...]:
        """Kubernetes expands $(VAR) in command and args from the final environment; ECS does not."""
        if not any("$" in word for word in words):
            return words
        for word in words:
            self._report_unexpandable(container, field, word, values, container.source)
        return tuple(expand(w, lambda name: values[name].text if name in values else None) for w in words)


def configure_containers(ctx: MapContext, workload: Workload, containers: tuple[ContainerPlan, ...],
                         task: TaskSize) -> tuple[tuple[ContainerPlan, ...], list[Finding]]:
    """Environment, secrets, $(VAR)-expanded command/args and registry credentials of every
    container plan that comes from one of the workload's containers. Idempotent: everything is
    derived from the model, so running it twice gives the same plan."""
    resolver = _Resolver(ctx, workload, task)
    by_name = {c.name: c for c in (*workload.pod.init_containers, *workload.pod.containers)}
    region = ctx.settings.region
    pull, findings = _pull_credentials(ctx, workload)
    out = []
    for plan in containers:
        container = by_name.get(plan.name)
        if container is None:  # a container another mapper added (a proxy, a log router)
            out.append(plan)
            continue
        values = resolver.environment(container)
        environment = {n: v.text for n, v in values.items() if v.text is not None}
        secrets = tuple(sorted(
            (SecretRef(n, secret_value_from(region, secret_name(ctx.env.name, workload.namespace, v.secret), v.key))
             for n, v in values.items() if v.secret), key=lambda s: s.name))
        out.append(dataclasses.replace(
            plan,
            environment=dict(sorted(environment.items())),
            secrets=secrets,
            command=resolver.command(container, container.command, "command", values),
            args=resolver.command(container, container.args, "args", values),
            repository_credentials="" if _is_ecr(plan.image) else pull,
        ))
    return tuple(out), findings + resolver.findings


_ECR = re.compile(r"^(\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?|public\.ecr\.aws)/")


def _is_ecr(image: str) -> bool:
    return bool(_ECR.match(image))


def _pull_credentials(ctx: MapContext, workload: Workload) -> tuple[str, list[Finding]]:
    pull = workload.pod.image_pull_secrets
    images = [c.image for c in (*workload.pod.init_containers, *workload.pod.containers) if not _is_ecr(c.image)]
    if not pull or not images:
        return "", []
    name = secret_name(ctx.env.name, workload.namespace, pull[0])
    where = workload.pod.ref("imagePullSecrets")
    others = f" ECS takes one credential per container, so {', '.join(pull[1:])} is not used." if pull[1:] else ""
    return secret_arn(ctx.settings.region, name), [warning(
        "config.image-pull-secret",
        f"{workload.kind} {workload.name}: imagePullSecrets {pull[0]} becomes ECS repository credentials read "
        f"from Secrets Manager secret {name}, which must hold JSON keys username and password (the "
        f"Kubernetes Secret holds a .dockerconfigjson: copy the registry login by hand), or push the images "
        f"to ECR and drop the credentials.{others}", where)]


def apply_config(ctx: MapContext, workload: Workload, service):
    """WORKLOAD_MAPPER: the service's containers read the configuration they read on Kubernetes."""
    containers, findings = configure_containers(ctx, workload, service.containers, service.task)
    return dataclasses.replace(service, containers=containers), findings
