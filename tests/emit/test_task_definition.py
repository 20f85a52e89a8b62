"""The container definitions the task-definition module builds with `jsonencode`, checked by
`terraform test` (plan only, real AWS provider with no credentials: every value here is known
before apply), from the containers the emitter writes for the hand-built plan's `web` service."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrator.emit import hcl
from migrator.emit.environment import service_inputs
from migrator.emit.inputs import Notes
from migrator.emit.tree import terraform_files
from tests.emit import plans
from tests.emit.conftest import write_files
from tests.harness import mirror

pytestmark = pytest.mark.slow

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/shop/db-AbCdEf"

HEADER = """provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

override_data {
  target = data.aws_caller_identity.current
  values = { account_id = "123456789012" }
}

override_data {
  target = data.aws_partition.current
  values = { partition = "aws" }
}
"""

# (expression over `local.c`, the container definitions by name, expected value as JSON)
WEB, JOB = 'local.c["web"]', 'local.c["migrate"]'
EXPECTED = [
    (f"{WEB}.entryPoint", ["/bin/server"]),
    (f"{WEB}.command", ["--port", "8080"]),
    (f"{WEB}.portMappings", [
        {"name": "http", "containerPort": 8080, "hostPort": 8080, "protocol": "tcp", "appProtocol": "http"},
        {"name": "metrics", "containerPort": 9090, "hostPort": 9090, "protocol": "tcp"}]),
    (f"{WEB}.environment", [{"name": "A_FIRST", "value": "1"}, {"name": "LOG_LEVEL", "value": "info"},
                            {"name": "TEMPLATE", "value": "${HOME}/x"}]),
    # The AWS provider sorts environment and secrets by name in its normalised JSON.
    (f"{WEB}.secrets", [{"name": "API_TOKEN", "valueFrom": SECRET + ":token::"},
                        {"name": "DB_PASSWORD", "valueFrom": SECRET + ":password::"},
                        {"name": "LEGACY", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/shop/legacy"}]),
    (f"{WEB}.healthCheck", {"command": ["CMD-SHELL", "curl -f http://localhost:8080/healthz"], "interval": 10,
                            "timeout": 5, "retries": 3, "startPeriod": 20}),
    (f"{WEB}.linuxParameters", {"initProcessEnabled": True, "capabilities": {"add": ["SYS_PTRACE"]}}),
    (f"{WEB}.dependsOn", [{"containerName": "migrate", "condition": "SUCCESS"}]),
    (f"{WEB}.mountPoints", [{"sourceVolume": "scratch", "containerPath": "/tmp", "readOnly": False}]),
    (f"[{WEB}.cpu, {WEB}.memory, {WEB}.memoryReservation, {WEB}.user, {WEB}.stopTimeout]", [256, 1024, 512, "1000", 30]),
    (f"[{WEB}.readonlyRootFilesystem, {WEB}.workingDirectory, {WEB}.essential]", [True, "/app", True]),
    (f"{WEB}.logConfiguration", {"logDriver": "awslogs", "options": {
        "awslogs-group": "/ecs/shop-prod-web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}}),
    (f"{JOB}.linuxParameters", {"initProcessEnabled": True}),
    (f'[{JOB}.essential, lookup({JOB}, "entryPoint", null), lookup({JOB}, "healthCheck", null)]', [False, None, None]),
    (f"{JOB}.repositoryCredentials", {"credentialsParameter": SECRET.replace("db-AbCdEf", "ghcr-XyZ123")}),
]


def test_container_definitions_match_the_plan(tmp_path, tf_env):
    files, _ = terraform_files(plans.full_plan(), ("prod",))
    module = write_files(tmp_path, files) / "modules" / "task-definition"
    web = service_inputs(plans.full_environment(), plans.web_service(), Notes())
    variables = hcl.tfvars({
        "name": "shop-prod-web", "region": "us-east-1", "log_group_name": "/ecs/shop-prod-web",
        "task": web["task"], "containers": web["containers"], "volumes": web["volumes"],
        "efs": {"file_system_id": "fs-1", "access_point_ids": hcl.Map({"web-shared": "fsap-1"})},
        "secret_arns": hcl.Map({"prod/shop/db": SECRET}),
    })
    asserts = "\n".join(
        f"  assert {{\n    condition     = jsonencode({expr}) == jsonencode(jsondecode({hcl.string(json.dumps(value))}))\n"
        f"    error_message = jsonencode({expr})\n  }}\n" for expr, value in EXPECTED)
    (module / "tests").mkdir()
    (module / "tests" / "containers.tftest.hcl").write_text(
        HEADER + "\nvariables {\n" + "\n".join("  " + line for line in variables.splitlines()) + "\n}\n\n"
        "run \"containers\" {\n  command = plan\n\n" + asserts + "}\n")
    (module / "test_locals.tf").write_text(
        "locals {\n  c = { for c in jsondecode(aws_ecs_task_definition.this.container_definitions) : c.name => c }\n}\n")
    init = mirror.terraform(["init", "-input=false"], module, tf_env)
    assert init.returncode == 0, init.stderr
    test = mirror.terraform(["test"], module, tf_env)
    assert test.returncode == 0, test.stdout[-6000:] + test.stderr[-3000:]
