"""User trial: `migrate plan . && migrate plan . --fail-on needs-decision` read the first run's plan
(and ledger) as Kubernetes input and failed on its own output."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli

APP = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{containerPort: 80}]
          resources:
            requests: {cpu: 250m, memory: 256Mi}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
"""
LEDGER_LINE = "default: ledger: 17 fields, 17 mapped, 0 approximated, 0 dropped, 0 needs-decision"


@pytest.mark.parametrize("outputs, plan", [((), "migration-plan.yaml"),
                                           (("--out", "plans/prod.yaml"), "plans/prod.yaml")])
def test_replanning_a_folder_ignores_the_last_runs_output(tmp_path, outputs, plan):
    (tmp_path / "app.yaml").write_text(APP)
    first = run_cli("plan", ".", "--ledger", "L/", *outputs, "--fail-on", "needs-decision", cwd=tmp_path)
    written = (tmp_path / plan).read_bytes()
    second = run_cli("-v", "plan", ".", "--ledger", "L/", *outputs, "--fail-on", "needs-decision", cwd=tmp_path)
    assert (first.code, second.code) == (0, 0), second.stdout + second.stderr
    assert LEDGER_LINE in first.stdout and LEDGER_LINE in second.stdout
    assert "default: 1 services, 0 errors, 0 warnings, 0 info" in second.stdout
    assert (tmp_path / plan).read_bytes() == written  # the same plan, byte for byte
    assert "MigrationPlan" not in second.stdout
