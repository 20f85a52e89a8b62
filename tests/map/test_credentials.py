"""Literal env values that look like credentials: which names count, which values, the exact
finding at the env entry, the value kept (behaviour preserved) but never printed."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import given, strategies as st

from migrator.map import config, map_environment
from migrator.map.credentials import looks_like_credential

from tests.conftest import run_cli

from .workloads import container, context, dump, line_of, run, workload


@pytest.mark.parametrize("name, expected", [
    ("PASSWORD", True), ("DB_PASSWORD", True), ("ORDER_DB_PASSWORD", True), ("REDIS_PASSWD", True),
    ("API_TOKEN", True), ("GITHUB_TOKEN", True), ("CLIENT_SECRET", True), ("SECRET", True), ("SECRET_KEY", True),
    ("STRIPE_API_KEY", True), ("OPENAI_APIKEY", True), ("AWS_SECRET_ACCESS_KEY", True), ("SSH_PRIVATE_KEY", True),
    ("DB_CREDENTIAL", True), ("GPG_PASSPHRASE", True), ("DB_PASS", True), ("SECRET_KEY_BASE", True),
    ("DATA_ENCRYPTION_KEY", True), ("JWT_SIGNING_KEY", True),
    ("db_password", True), ("dbPassword", True), ("apiKey", True), ("db-password", True), ("db.password", True),
    # settings *about* a credential: where it is, what it is called, how it behaves
    ("TOKEN_URL", False), ("SECRET_NAME", False), ("PASSWORD_FILE", False), ("DB_PASSWORD_FILE", False),
    ("PRIVATE_KEY_PATH", False), ("AWS_ACCESS_KEY_ID", False), ("TOKEN_TTL", False), ("PASSWORD_MIN_LENGTH", False),
    ("GOOGLE_APPLICATION_CREDENTIALS", False),
    # words, not substrings
    ("TOKENIZER", False), ("SECRETARY", False), ("MYPASSWORD", False), ("PASSWORDS", False), ("KEY", False),
    ("API", False), ("ACCESS", False), ("PWD", False), ("", False),
    ("BYPASS", False), ("PASS_THROUGH", False), ("ENCRYPTION_KEY_ID", False),
])
def test_which_names_look_like_credentials(name, expected):
    assert looks_like_credential(name) is expected


def message(var: str) -> str:
    return (f"Deployment api container api: env {var} holds a literal value that looks like a credential; it is "
            "carried as plain text into the ECS task definition and the Terraform (as it was in the manifest), "
            "where anyone who can read them sees it. Move it to a Kubernetes Secret (the plan then reads it from "
            "Secrets Manager) or to a Secrets Manager secret, and reference it with valueFrom.secretKeyRef; until "
            "then the plan keeps the value so the app behaves the same")


SECRET = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "app", "namespace": "shop"},
          "data": {"token": "dDBrZW4="}}
FROM_SECRET = {"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "app", "key": "token"}}}
CASES = {
    # env entries -> names that get a finding (located at their `- name:` line)
    "literal token": ([{"name": "API_TOKEN", "value": "sk-live-abc"}], ["API_TOKEN"]),
    "literal password": ([{"name": "ORDER_DB_PASSWORD", "value": "password"}], ["ORDER_DB_PASSWORD"]),
    "two credentials": ([{"name": "DB_PASSWORD", "value": "p"}, {"name": "JWT_SECRET", "value": "s"}],
                        ["DB_PASSWORD", "JWT_SECRET"]),
    "empty value": ([{"name": "API_TOKEN", "value": ""}], []),
    "blank value": ([{"name": "API_TOKEN", "value": "  "}], []),
    "no value": ([{"name": "API_TOKEN"}], []),
    "from a Secret": ([FROM_SECRET], []),
    "not a credential name": ([{"name": "TOKEN_URL", "value": "https://auth/token"},
                               {"name": "PASSWORD_FILE", "value": "/run/secrets/db"}], []),
    "only $(VAR) references": ([{"name": "SRC", "value": "x"}, {"name": "DB_PASSWORD", "value": "$(SRC)"}], []),
    "switches about a credential": ([{"name": "ALLOW_EMPTY_PASSWORD", "value": "yes"},
                                     {"name": "REQUIRE_PASSWORD", "value": "true"}, {"name": "TOKEN", "value": "0"}], []),
    "short name, real value": ([{"name": "DB_PASS", "value": "hunter2"}], ["DB_PASS"]),
    "reference with literal text": ([{"name": "USER", "value": "app"}, {"name": "DB_PASSWORD", "value": "$(USER)-pw"}],
                                    ["DB_PASSWORD"]),
    "a Secret replaces the literal": ([{"name": "API_TOKEN", "value": "sk-live-abc"}, FROM_SECRET], []),
    "a literal replaces the Secret": ([FROM_SECRET, {"name": "API_TOKEN", "value": "sk-live-abc"}], ["API_TOKEN"]),
}


@pytest.mark.parametrize("env, flagged", CASES.values(), ids=CASES)
def test_literal_credentials_are_reported_at_the_env_entry(env, flagged):
    doc = workload(containers=[container(env=env)])
    text = dump(doc, SECRET)
    _, findings = run(config.apply_config, doc, SECRET)
    found = [(f.code, str(f.severity), f.message, f.source.file, f.source.line) for f in findings
             if f.code == "config.plaintext-credential"]
    assert found == [("config.plaintext-credential", "warning", message(name), "app.yaml", last_line(text, name))
                     for name in flagged]


def last_line(text: str, name: str) -> int:
    """The line of the last `- name: <name>` entry: the definition the container gets."""
    return [i for i, line in enumerate(text.splitlines(), 1) if line.strip() == f"- name: {name}"][-1]


def test_init_containers_are_checked_too():
    init = container(name="migrate", ports=[], env=[{"name": "DB_PASSWORD", "value": "pw"}])
    doc = workload(pod={"initContainers": [init]})
    _, findings = run(config.apply_config, doc)
    assert [f.message.split(":")[0] for f in findings if f.code == "config.plaintext-credential"] == [
        "Deployment api container migrate"]


@given(st.text(min_size=1, max_size=40).filter(lambda v: v.strip() and "$" not in v))
def test_the_value_reaches_the_container_but_never_a_finding(value):
    sentinel = f"<<{value}>>"  # cannot occur in any message template
    ctx = context(workload(containers=[container(env=[{"name": "API_TOKEN", "value": sentinel}])]))
    env = map_environment(ctx)
    assert env.services[0].containers[0].environment["API_TOKEN"] == sentinel  # behaviour preserved
    assert [f.code for f in env.findings if f.code == "config.plaintext-credential"] == ["config.plaintext-credential"]
    assert not any(sentinel in str(f) or sentinel in f.source.yaml_path for f in env.findings)


def test_cli_reports_literal_credentials_without_their_values(tmp_path):
    doc = workload(containers=[container(env=[{"name": "API_TOKEN", "value": "sk-live-4242abcd"},
                                              {"name": "ORDER_DB_PASSWORD", "value": "password"},
                                              {"name": "TOKEN_URL", "value": "https://auth.example/token"}])])
    text = yaml.safe_dump(doc, sort_keys=False)
    (tmp_path / "app.yaml").write_text(text)
    result = run_cli("plan", "app.yaml", "--out", "plan.yaml", "--fail-on", "never", cwd=tmp_path)
    assert result.code == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "config.plaintext-credential" in line]
    assert lines == [
        f"warning app.yaml:{line_of(text, 'name: API_TOKEN')}: config.plaintext-credential {message('API_TOKEN')}",
        f"warning app.yaml:{line_of(text, 'name: ORDER_DB_PASSWORD')}: config.plaintext-credential "
        f"{message('ORDER_DB_PASSWORD')}",
    ]
    assert "sk-live-4242abcd" not in result.stdout + result.stderr
    plan = yaml.safe_load((tmp_path / "plan.yaml").read_text())
    findings = [f for f in plan["environments"][0]["findings"] if f["code"] == "config.plaintext-credential"]
    assert [f["message"] for f in findings] == [message("API_TOKEN"), message("ORDER_DB_PASSWORD")]
    assert "sk-live-4242abcd" not in str(findings)


def test_cli_on_the_aks_store_corpus(corpus, tmp_path):
    manifest = corpus / "aks-store-raw" / "src" / "aks-store-all-in-one.yaml"
    result = run_cli("plan", str(manifest), "--dry-run", "--fail-on", "never", cwd=tmp_path)
    assert result.code == 0, result.stderr
    found = re.findall(r"^warning (\S+):(\d+): config\.plaintext-credential Deployment (\S+) container \S+: "
                       r"env (\w+) ", result.stdout, re.MULTILINE)
    text = manifest.read_text()
    assert found == [(str(manifest), str(last_line(text, name)), "makeline-service", name)
                     for name in ("ORDER_QUEUE_PASSWORD", "ORDER_DB_PASSWORD")]
    assert "value: \"password\"" in text  # the corpus still holds the literal this test is about
