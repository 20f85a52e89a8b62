"""Acceptance: `migrate plan samples/k8s --env prod` shows the workload mappings on the bundled
sample, with its planted quirks located at file:line (a real CLI run, rendering the real chart)."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import SAMPLES, run_cli

LOCATED = re.compile(r"^(?:(?:error|warning|info) +)?(?P<file>\S+\.ya?ml):(?P<line>\d+): (?P<code>[a-z0-9-]+\.[a-z0-9.-]+) ")


@pytest.fixture(scope="module")
def prod(tmp_path_factory):
    out = tmp_path_factory.mktemp("plan") / "plan.yaml"
    result = run_cli("plan", str(SAMPLES), "--env", "prod", "--out", str(out), "-v", "--fail-on", "never")
    assert result.code == 0, result.stderr
    plan = yaml.safe_load(out.read_text())
    return result.stdout, plan["environments"][0]


def _service(env: dict, name: str) -> dict:
    return next(s for s in env["services"] if s["name"] == name)


def test_hpa_targets_are_rebased_on_the_task_size(prod):
    _, env = prod
    auth = _service(env, "auth-service")  # requests 250m / 512Mi; task 512 units / 1024 MiB
    assert (auth["task"]["cpu"], auth["task"]["memory"], auth["count_owner"]) == (512, 1024, "autoscaling")
    assert [(p["metric"], p["target_value"], p["kubernetes_target"]) for p in auth["autoscaling"]["policies"]] == [
        ("ECSServiceAverageCPUUtilization", 35.0, "cpu 70% of 256 CPU units requested"),
        ("ECSServiceAverageMemoryUtilization", 40.0, "memory 80% of 512 MiB requested"),
    ]
    ai = _service(env, "ai-service")  # 2 vCPU requested, cpu target 75 %
    assert ai["autoscaling"]["policies"][0]["target_value"] == 37.5
    assert (ai["autoscaling"]["min_capacity"], ai["autoscaling"]["max_capacity"]) == (2, 6)


def test_planted_quirks_are_planned(prod):
    _, env = prod
    video = _service(env, "video-processor")
    assert video["task"]["ephemeral_storage_gib"] == 40  # 30Gi emptyDir + room for the image
    assert video["containers"][0]["stop_timeout"] == 120  # terminationGracePeriodSeconds 600, capped
    roles = {s["name"]: s.get("task_role_arn", "") for s in env["services"]}
    assert roles["asset-service"] == "arn:aws:iam::123456789012:role/creator-platform-asset-service"
    assert roles["ai-service"] == "arn:aws:iam::123456789012:role/creator-platform-ai-service"
    commerce = _service(env, "commerce-service")  # cpu "0.25" written as a decimal
    assert commerce["task"]["requested_cpu"] == 256
    assert env["monthly_cost_usd"] > 0 and all(s["cost"]["tasks"] == s["desired_count"] for s in env["services"])


@pytest.mark.parametrize("code, severity, service", [
    ("rollout.stop-timeout-capped", "error", "video-processor"),
    ("size.node-selector", "warning", "ai-service"),
    ("identity.irsa-trust-policy", "warning", "asset-service"),
    ("identity.irsa-trust-policy", "warning", "ai-service"),
    ("volume.ephemeral-storage", "info", "video-processor"),
    ("scale.target-rebased", "info", "auth-service"),
])
def test_findings_of_each_severity_are_located(prod, code, severity, service):
    stdout, env = prod
    found = [f for f in env["findings"] if f["code"] == code and service in f["message"]]
    assert found and all(f["severity"] == severity and f["line"] > 0 and f["file"].endswith(".yaml") for f in found)
    printed = [LOCATED.match(line) for line in stdout.splitlines() if f" {code} " in line and service in line]
    assert printed and all(m is not None for m in printed)  # printed as file:line: code message
    assert {(m["file"], int(m["line"])) for m in printed} <= {(f["file"], f["line"]) for f in env["findings"]}


def test_every_severity_is_present_with_a_line(prod):
    _, env = prod
    severities = {f["severity"] for f in env["findings"] if f["line"] > 0}
    assert severities >= {"info", "warning", "error"}
