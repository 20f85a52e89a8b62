"""Config and secrets: env, envFrom, $(VAR), downward API, Secrets Manager references.

Every case is one variant of the same base estate (a ConfigMap, a Secret and a Deployment in
namespace `shop`), read through the real loader and model builder."""

from __future__ import annotations


import pytest
import yaml
from hypothesis import given, strategies as st

from migrator.config import EnvironmentConfig
from migrator.load.documents import parse_yaml
from migrator.map import ENVIRONMENT_MAPPERS, TASK_MAPPERS, WORKLOAD_MAPPERS, map_environment
from migrator.map.config import (SECRET_ACCOUNT, apply_config, configure_containers, secret_value_from,
                                 split_value_from)
from migrator.map.containers import container_plan
from migrator.map.context import MapContext
from migrator.map.expansion import expand
from migrator.map.secrets import plan_secrets
from migrator.model.build import build_estate
from migrator.plan.model import EnvironmentSettings, SecretPlan, SecretRef, Source, TaskSize

ARN = f"arn:aws:secretsmanager:eu-west-1:{SECRET_ACCOUNT}:secret:prod/shop/app-secrets"
CONFIG_MAP = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app-config", "namespace": "shop"},
              "data": {"LOG_LEVEL": "info", "PORT": "8080", "bad key": "x"}, "binaryData": {"blob": "AAAA"}}
SECRET = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "app-secrets", "namespace": "shop"},
          "data": {"DB_PASSWORD": "Y2hhbmdlLW1l"}, "stringData": {"API_TOKEN": "t0ken"}}


def deployment(container: dict, pod: dict | None = None, kind: str = "Deployment") -> dict:
    base = {"name": "api", "image": "ghcr.io/example/api:1",
            "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}}
    spec = {"serviceAccountName": "api-sa", "containers": [{**base, **container}], **(pod or {})}
    template = {"metadata": {"labels": {"app": "api", "tier": "web"}, "annotations": {"team": "payments"}},
                "spec": spec}
    return {"apiVersion": "batch/v1" if kind in ("Job", "CronJob") else "apps/v1", "kind": kind,
            "metadata": {"name": "api", "namespace": "shop"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "api"}}, "template": template}}


def context(*objects: dict) -> MapContext:
    text = yaml.safe_dump_all(objects, sort_keys=False)
    estate, findings = build_estate(parse_yaml(text, "app.yaml"))
    assert not findings
    env = EnvironmentConfig(name="prod", settings=EnvironmentSettings(region="eu-west-1"),
                            service_connect_namespace="prod.internal")
    return MapContext(estate=estate, env=env, project="shop")


def configure(container: dict, pod: dict | None = None):
    ctx = context(CONFIG_MAP, SECRET, deployment(container, pod))
    workload = ctx.estate.workloads[0]
    plans = tuple(container_plan(c)[0] for c in workload.pod.containers)
    containers, findings = configure_containers(ctx, workload, plans, TaskSize(256, 512))
    return containers[0], sorted((f.code, str(f.severity)) for f in findings)


def ref(name: str, key: str) -> SecretRef:
    return SecretRef(name, f"{ARN}:{key}::")


def cm_key(name: str, key: str, **extra) -> dict:
    return {"name": name, "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": key, **extra}}}


def secret_key(name: str, key: str, secret: str = "app-secrets", **extra) -> dict:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key, **extra}}}


def field(name: str, path: str) -> dict:
    return {"name": name, "valueFrom": {"fieldRef": {"fieldPath": path}}}


def resource(name: str, res: str, divisor: str | None = None, container: str | None = None) -> dict:
    body = {"resource": res, **({"divisor": divisor} if divisor else {}),
            **({"containerName": container} if container else {})}
    return {"name": name, "valueFrom": {"resourceFieldRef": body}}


CASES = {
    "literal": ({"env": [{"name": "A", "value": "1"}, {"name": "EMPTY"}]}, {"A": "1", "EMPTY": ""}, (), []),
    "configMapKeyRef": ({"env": [cm_key("LEVEL", "LOG_LEVEL")]}, {"LEVEL": "info"}, (), []),
    "envFrom configMap with prefix skips invalid names": (
        {"envFrom": [{"configMapRef": {"name": "app-config"}, "prefix": "CFG_"}]},
        {"CFG_LOG_LEVEL": "info", "CFG_PORT": "8080"}, (), [("config.invalid-env-name", "info")]),
    "envFrom secret": ({"envFrom": [{"secretRef": {"name": "app-secrets"}}]}, {},
                       (ref("API_TOKEN", "API_TOKEN"), ref("DB_PASSWORD", "DB_PASSWORD")), []),
    "envFrom secret with prefix": ({"envFrom": [{"secretRef": {"name": "app-secrets"}, "prefix": "S_"}]}, {},
                                   (ref("S_API_TOKEN", "API_TOKEN"), ref("S_DB_PASSWORD", "DB_PASSWORD")), []),
    "secretKeyRef": ({"env": [secret_key("PASS", "DB_PASSWORD")]}, {}, (ref("PASS", "DB_PASSWORD"),), []),
    "env wins over envFrom": ({"envFrom": [{"configMapRef": {"name": "app-config"}}],
                               "env": [{"name": "LOG_LEVEL", "value": "debug"}]},
                              {"LOG_LEVEL": "debug", "PORT": "8080"}, (), [("config.invalid-env-name", "info")]),
    "literal replaces an envFrom secret": (
        {"envFrom": [{"secretRef": {"name": "app-secrets"}}], "env": [{"name": "DB_PASSWORD", "value": "x"}]},
        {"DB_PASSWORD": "x"}, (ref("API_TOKEN", "API_TOKEN"),), [("config.plaintext-credential", "warning")]),
    "secret replaces an earlier literal": ({"env": [{"name": "A", "value": "1"}, secret_key("A", "API_TOKEN")]},
                                           {}, (ref("A", "API_TOKEN"),), []),
    "$(VAR) from envFrom and earlier env": (
        {"envFrom": [{"configMapRef": {"name": "app-config"}}],
         "env": [{"name": "HOST", "value": "db"}, {"name": "URL", "value": "pg://$(HOST):$(PORT)/x"}]},
        {"HOST": "db", "LOG_LEVEL": "info", "PORT": "8080", "URL": "pg://db:8080/x"}, (),
        [("config.invalid-env-name", "info")]),
    "$(VAR) defined later stays verbatim": (
        {"env": [{"name": "URL", "value": "$(HOST)/x"}, {"name": "HOST", "value": "db"}]},
        {"HOST": "db", "URL": "$(HOST)/x"}, (), []),
    "$$ escapes": ({"env": [{"name": "HOST", "value": "db"}, {"name": "A", "value": "$$(HOST) $$$(HOST) $5"}]},
                   {"A": "$(HOST) $db $5", "HOST": "db"}, (), []),
    "self reference reads the earlier value": (
        {"env": [{"name": "P", "value": "/bin"}, {"name": "P", "value": "$(P):/opt"}]}, {"P": "/bin:/opt"}, (), []),
    "a secret cannot be spliced into a value": (
        {"env": [secret_key("PASS", "DB_PASSWORD"), {"name": "DSN", "value": "app:$(PASS)@db"}]},
        {"DSN": "app:$(PASS)@db"}, (ref("PASS", "DB_PASSWORD"),), [("config.unresolved-reference", "error")]),
    "static fieldRefs": (
        {"env": [field("NS", "metadata.namespace"), field("SA", "spec.serviceAccountName"),
                 field("TIER", "metadata.labels['tier']"), field("TEAM", "metadata.annotations['team']"),
                 field("NONE", "metadata.labels['absent']")]},
        {"NONE": "", "NS": "shop", "SA": "api-sa", "TEAM": "payments", "TIER": "web"}, (), []),
    "runtime fieldRefs are left out": (
        {"env": [field("POD", "metadata.name"), field("IP", "status.podIP"), field("NODE", "spec.nodeName"),
                 field("HASH", "metadata.labels['pod-template-hash']"), field("X", "spec.bogus")]},
        {}, (), [("config.runtime-field", "warning")] * 4 + [("config.unknown-field-ref", "warning")]),
    "a runtime value cannot be interpolated": (
        {"env": [field("IP", "status.podIP"), {"name": "ADDR", "value": "$(IP):80"}]}, {"ADDR": "$(IP):80"}, (),
        [("config.runtime-field", "warning"), ("config.unresolved-reference", "error")]),
    "resourceFieldRef": (
        {"env": [resource("CPU_M", "requests.cpu", "1m"), resource("CPU", "requests.cpu"),
                 resource("MEM_MI", "limits.memory", "1Mi"), resource("MEM", "requests.memory"),
                 resource("OWN", "limits.memory", "1Mi", container="api")]},
        {"CPU": "1", "CPU_M": "250", "MEM": "268435456", "MEM_MI": "512", "OWN": "512"}, (), []),
    "an unset limit reads the task size": (
        {"env": [resource("CPU", "limits.cpu", "1m")]}, {"CPU": "250"}, (), [("config.limit-from-task-size", "info")]),
    "resourceFieldRef problems": (
        {"env": [resource("DISK", "requests.ephemeral-storage"), resource("X", "limits.cpu", container="nope"),
                 resource("Y", "limits.cpu", divisor="lots")]}, {}, (),
        [("config.bad-resource-field", "error"), ("config.bad-resource-field", "warning"),
         ("config.runtime-field", "warning")]),
    "missing ConfigMap": ({"env": [{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "nope", "key": "k"}}}]},
                          {}, (), [("config.missing-configmap", "error")]),
    "optional missing ConfigMap": ({"envFrom": [{"configMapRef": {"name": "nope", "optional": True}}]}, {}, (),
                                   [("config.optional-missing", "info")]),
    "missing ConfigMap key": ({"env": [cm_key("A", "NOPE")]}, {}, (), [("config.missing-key", "error")]),
    "optional missing key": ({"env": [cm_key("A", "NOPE", optional=True)]}, {}, (),
                             [("config.optional-missing", "info")]),
    "binaryData key": ({"env": [cm_key("A", "blob")]}, {}, (), [("config.binary-key", "error")]),
    "missing Secret keeps the reference": (
        {"env": [secret_key("T", "token", secret="ext")]}, {},
        (SecretRef("T", f"arn:aws:secretsmanager:eu-west-1:{SECRET_ACCOUNT}:secret:prod/shop/ext:token::"),),
        [("config.missing-secret", "error")]),
    "optional missing Secret": ({"env": [secret_key("T", "token", secret="ext", optional=True)]}, {}, (),
                                [("config.optional-missing", "info")]),
    "missing Secret key": ({"env": [secret_key("T", "NOPE")]}, {}, (), [("config.missing-key", "error")]),
    "missing envFrom Secret": ({"envFrom": [{"secretRef": {"name": "ext"}}]}, {}, (),
                               [("config.missing-secret", "error")]),
}


@pytest.mark.parametrize("container, environment, secrets, findings", CASES.values(), ids=CASES.keys())
def test_environment(container, environment, secrets, findings):
    plan, found = configure(container)
    assert plan.environment == environment
    assert plan.secrets == secrets
    assert found == sorted(findings)


@pytest.mark.parametrize("command, args, expected_command, expected_args, findings", [
    (["run", "--port=$(PORT)"], ["$$(HOME)", "$(UNSET)"], ("run", "--port=8080"), ("$(HOME)", "$(UNSET)"), []),
    (["sh", "-c", "echo $(PASS)"], [], ("sh", "-c", "echo $(PASS)"), (), [("config.unresolved-reference", "error")]),
    ([], ["--late=$(LATE)"], (), ("--late=set",), []),  # command and args see the whole environment
])
def test_command_and_args_are_expanded(command, args, expected_command, expected_args, findings):
    env = [{"name": "PORT", "value": "8080"}, secret_key("PASS", "DB_PASSWORD"), {"name": "LATE", "value": "set"}]
    plan, found = configure({"command": command, "args": args, "env": env})
    assert (plan.command, plan.args) == (expected_command, expected_args)
    assert found == findings


@pytest.mark.parametrize("image, pull, expected, findings", [
    ("ghcr.io/example/api:1", ["regcred"],
     f"arn:aws:secretsmanager:eu-west-1:{SECRET_ACCOUNT}:secret:prod/shop/regcred",
     [("config.image-pull-secret", "warning")]),
    ("ghcr.io/example/api:1", ["one", "two"],
     f"arn:aws:secretsmanager:eu-west-1:{SECRET_ACCOUNT}:secret:prod/shop/one",
     [("config.image-pull-secret", "warning")]),
    ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1", ["regcred"], "", []),
    ("ghcr.io/example/api:1", [], "", []),
])
def test_image_pull_secrets_become_repository_credentials(image, pull, expected, findings):
    pod = {"imagePullSecrets": [{"name": n} for n in pull]}
    plan, found = configure({"image": image}, pod)
    assert plan.repository_credentials == expected
    assert found == findings


def test_pull_secret_finding_names_the_field():
    ctx = context(deployment({}, {"imagePullSecrets": [{"name": "a"}, {"name": "b"}]}))
    workload = ctx.estate.workloads[0]
    _, findings = configure_containers(ctx, workload, (container_plan(workload.pod.containers[0])[0],),
                                       TaskSize(256, 512))
    assert findings[0].source.yaml_path == "spec.template.spec.imagePullSecrets"
    assert "b is not used" in findings[0].message


def test_registered_and_secrets_listed_once_per_environment():
    assert apply_config in WORKLOAD_MAPPERS and apply_config in TASK_MAPPERS
    assert ENVIRONMENT_MAPPERS[-1] == plan_secrets
    worker = deployment({"env": [secret_key("PASS", "DB_PASSWORD"), secret_key("X", "x", secret="ext")]},
                        {"imagePullSecrets": [{"name": "regcred"}]})
    worker["metadata"]["name"] = "worker"
    ctx = context(CONFIG_MAP, SECRET, deployment({"envFrom": [{"secretRef": {"name": "app-secrets"}}]}), worker)
    env = map_environment(ctx)
    secret_line, worker_line = ctx.estate.secrets[0].source.line, ctx.estate.workloads[1].source.line
    assert [(s.name, s.keys, s.source) for s in env.secrets] == [
        ("prod/shop/app-secrets", ("API_TOKEN", "DB_PASSWORD"), Source("app.yaml", secret_line)),
        ("prod/shop/ext", ("x",), Source("app.yaml", worker_line)),
        ("prod/shop/regcred", ("password", "username"), Source("app.yaml", worker_line)),
    ]
    assert all("never copies" in s.description or "not in the inputs" in s.description or
               "registry" in s.description for s in env.secrets)


def test_configuring_twice_changes_nothing():
    ctx = context(CONFIG_MAP, SECRET, deployment({"env": [secret_key("PASS", "DB_PASSWORD"),
                                                          {"name": "A", "value": "$$(B)"}],
                                                  "command": ["x", "$$(Y)"]}))
    env = map_environment(ctx)
    service = env.services[0]
    again, _ = apply_config(ctx, ctx.estate.workloads[0], service)
    assert again == service


@pytest.mark.parametrize("kind", ["Job", "CronJob"])
def test_scheduled_tasks_and_jobs_are_configured(kind):
    job = deployment({"env": [cm_key("LEVEL", "LOG_LEVEL"), secret_key("PASS", "DB_PASSWORD")]},
                     {"restartPolicy": "OnFailure"}, kind="Job")
    if kind == "CronJob":
        job = {**job, "kind": "CronJob",
               "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": job["spec"]["template"]}}}}
    env = map_environment(context(CONFIG_MAP, SECRET, job))
    batch = env.jobs if kind == "Job" else env.scheduled_tasks
    assert [c.environment for c in batch[0].containers] == [{"LEVEL": "info"}]
    assert [c.secrets for c in batch[0].containers] == [(ref("PASS", "DB_PASSWORD"),)]
    assert [s.name for s in env.secrets] == ["prod/shop/app-secrets"]


@pytest.mark.parametrize("value_from, expected", [
    (secret_value_from("us-east-1", "prod/shop/app", "KEY"), ("prod/shop/app", "KEY")),
    (f"arn:aws:secretsmanager:us-east-1:{SECRET_ACCOUNT}:secret:prod/shop/app", ("prod/shop/app", "")),
    ("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-AbCdEf:password::", ("prod/app-AbCdEf",
                                                                                          "password")),
    ("arn:aws:ssm:us-east-1:123456789012:parameter/x", None),
])
def test_split_value_from(value_from, expected):
    assert split_value_from(value_from) == expected


@pytest.mark.parametrize("text, expected", [
    ("$(A)", "1"), ("$(A)$(A)", "11"), ("$$(A)", "$(A)"), ("$$$(A)", "$1"), ("$(B)", "$(B)"),
    ("a$b", "a$b"), ("$(", "$("), ("$(A", "$(A"), ("$$", "$"), ("x$", "x$"), ("$", "$"), ("$()", "$()"),
    ("$(A)$", "1$"), ("$$$", "$$"),
])
def test_expand_follows_kubernetes(text, expected):
    assert expand(text, {"A": "1"}.get) == expected


@given(st.text(alphabet="$()AB x", max_size=30))
def test_escaped_text_expands_to_itself(text):
    assert expand(text.replace("$", "$$"), lambda name: "VALUE") == text


@given(st.text(alphabet="()AB x", max_size=30))
def test_text_without_dollar_is_unchanged(text):
    assert expand(text, lambda name: "VALUE") == text


def test_secret_plan_never_holds_values():
    ctx = context(CONFIG_MAP, SECRET, deployment({"envFrom": [{"secretRef": {"name": "app-secrets"}}]}))
    env = map_environment(ctx)
    line = ctx.estate.secrets[0].source.line
    assert env.secrets == (SecretPlan("prod/shop/app-secrets", ("API_TOKEN", "DB_PASSWORD"), Source("app.yaml", line),
                                      env.secrets[0].description),)
    text = repr(env)
    assert "t0ken" not in text and "Y2hhbmdlLW1l" not in text and "change-me" not in text
