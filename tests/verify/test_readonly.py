"""Verify makes no mutating API call: the guard refuses one before it is sent, and the moto
server's own recording of a real verify run holds only Describe/List/Get operations, all of
them in the printed IAM policy."""

from __future__ import annotations

import base64
import json
import re
import socket
import urllib.request
from urllib.parse import parse_qs, urlparse

import boto3
import botocore.config
import botocore.session
import pytest

from migrator.verify.aws import CallLog, ReadOnlyViolation, install_read_only_guard, is_read_only
from migrator.verify.iam import READ_OPERATIONS, iam_actions, iam_policy
from tests.conftest import run_cli


def _guarded_client(service: str):
    with socket.socket() as sock:  # a port nothing listens on: any request that leaves fails to connect
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    session = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
    log = CallLog()
    install_read_only_guard(session, log)
    config = botocore.config.Config(retries={"mode": "standard", "max_attempts": 1}, connect_timeout=1)
    return session.client(service, endpoint_url=f"http://127.0.0.1:{port}", config=config), log


@pytest.mark.parametrize("service, operation, params", [
    ("ecs", "delete_service", {"cluster": "c", "service": "s"}),
    ("ecs", "update_service", {"cluster": "c", "service": "s", "desiredCount": 0}),
    ("elbv2", "set_rule_priorities", {"RulePriorities": []}),
    ("elbv2", "delete_rule", {"RuleArn": "arn"}),
    ("application-autoscaling", "register_scalable_target",
     {"ServiceNamespace": "ecs", "ResourceId": "service/c/s", "ScalableDimension": "ecs:service:DesiredCount"}),
    ("logs", "put_retention_policy", {"logGroupName": "g", "retentionInDays": 1}),
    ("servicediscovery", "delete_namespace", {"Id": "ns"}),
])
def test_guard_refuses_mutating_operations_before_sending(service, operation, params):
    client, log = _guarded_client(service)
    with pytest.raises(ReadOnlyViolation, match="verify is read-only: refused"):
        getattr(client, operation)(**params)
    assert log.total == 0


def test_guard_lets_reads_through():
    client, log = _guarded_client("ecs")
    with pytest.raises(Exception) as caught:  # it is sent, and nothing answers
        client.list_clusters()
    assert not isinstance(caught.value, ReadOnlyViolation)
    assert dict(log.calls) == {("ecs", "ListClusters"): 1}


@pytest.mark.parametrize("operation, allowed", [
    ("DescribeServices", True), ("ListServices", True), ("GetParameters", True), ("UpdateService", False),
    ("PutRetentionPolicy", False), ("SetRulePriorities", False), ("RegisterScalableTarget", False),
    ("Delete", False),
])
def test_read_only_names(operation, allowed):
    assert is_read_only(operation) is allowed


def test_policy_lists_only_read_actions():
    policy = iam_policy()
    assert [s["Effect"] for s in policy["Statement"]] == ["Allow"]
    assert all(is_read_only(action.split(":")[1]) for action in iam_actions())


def _moto(endpoint: str, action: str) -> bytes:
    request = urllib.request.Request(f"{endpoint}/moto-api/recorder/{action}", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def _rest_operation(service: str, method: str, path: str) -> str:
    model = botocore.session.get_session().get_service_model(service)
    for name in model.operation_names:
        http = model.operation_model(name).http
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", http["requestUri"].split("?")[0].rstrip("/"))
        if http["method"] == method and re.fullmatch(pattern, path.rstrip("/")):
            return name
    return f"{method} {path}"  # unknown: not a read the policy lists, so the test fails


def _operation(entry: dict) -> tuple[str, str]:
    """(service, operation) of one recorded request: JSON protocols name it in X-Amz-Target,
    the query protocol (ELBv2) in the Action parameter."""
    headers = {k.lower(): v for k, v in entry["headers"].items()}
    scope = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", headers.get("authorization", ""))
    if scope and scope.group(1) == "scheduler":  # a REST protocol: the method and path name the operation
        return "scheduler", _rest_operation("scheduler", entry["method"], urlparse(entry["url"]).path)
    if "x-amz-target" in headers:
        prefix, operation = headers["x-amz-target"].split(".", 1)
        return prefix, operation
    body = base64.b64decode(entry["body"]).decode() if entry.get("body_encoded") else (entry.get("body") or "")
    return "query", parse_qs(body)["Action"][0]


@pytest.mark.slow
def test_recording_of_a_real_verify_run_holds_only_reads(applied, moto_server, plan_file):
    _moto(moto_server.endpoint, "reset-recording")
    _moto(moto_server.endpoint, "start-recording")
    try:
        result = run_cli("verify", "--env", "prod", "--plan", str(plan_file), "--endpoint-url",
                         moto_server.endpoint, "--format", "json")
    finally:
        _moto(moto_server.endpoint, "stop-recording")
    entries = [json.loads(line) for line in _moto(moto_server.endpoint, "download-recording").decode().splitlines()
               if line.strip()]
    operations = [_operation(entry) for entry in entries]
    assert result.code == 0, result.stdout + result.stderr
    assert operations, "the recording is empty: is the moto recorder on?"
    assert [op for _, op in operations if not is_read_only(op)] == []
    assert {op for _, op in operations} <= {op for ops in READ_OPERATIONS.values() for op in ops}
    assert len(operations) == json.loads(result.stdout)["api_call_total"]
