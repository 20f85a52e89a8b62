"""The benchmark's synthetic estate is a valid estate: the floor loader reads it, `migrate plan`
plans every service without an error. Not timed: `make bench` does the timing."""

from __future__ import annotations

import collections
import json

import yaml

from benchmarks.estate import service_name, write_estate
from tests.conftest import run_cli


def _kinds(files: list[str]) -> collections.Counter:
    kinds: collections.Counter = collections.Counter()
    for path in files:
        with open(path, encoding="utf-8") as fh:
            kinds.update(doc["kind"] for doc in yaml.load_all(fh, Loader=yaml.CSafeLoader) if doc)
    return kinds


def test_generator_writes_every_object_of_every_service(tmp_path):
    files = write_estate(str(tmp_path), 3)
    assert _kinds(files) == {"Deployment": 3, "Service": 3, "ConfigMap": 3, "Secret": 3,
                             "HorizontalPodAutoscaler": 3, "Ingress": 1}
    assert len(files) == 3  # services 1 + 2 share files, plus the namespace's ingress.yaml


def test_generator_is_deterministic(tmp_path):
    first = [open(p, encoding="utf-8").read() for p in write_estate(str(tmp_path / "a"), 3)]
    second = [open(p, encoding="utf-8").read() for p in write_estate(str(tmp_path / "b"), 3)]
    assert first == second


def test_migrate_plan_accepts_the_generated_estate(tmp_path):
    write_estate(str(tmp_path / "estate"), 3)
    out = tmp_path / "plan.yaml"
    result = run_cli("plan", str(tmp_path / "estate"), "--out", str(out), "--format", "json")
    assert result.code == 0, result.stdout + result.stderr
    plan = yaml.safe_load(out.read_text())
    (env,) = plan["environments"]
    assert sorted(s["name"] for s in env["services"]) == sorted(service_name(i) for i in range(3))
    assert [f for f in env.get("findings", []) if f["severity"] == "error"] == []
    assert json.loads(result.stdout)  # the summary is machine-readable too
