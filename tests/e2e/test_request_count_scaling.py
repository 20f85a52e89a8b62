"""User trial: an HPA on requests per second, for a service no ALB target group reaches, passed
`emit --check` but failed `terraform plan` (the request-count policy indexed an empty
var.load_balancers). The plan now leaves the policy out with a located warning, and the emitted
environment plans offline with a mocked provider."""

from __future__ import annotations

import json
import shutil

import pytest

from migrator.plan.serialize import read_plan
from tests.conftest import run_cli
from tests.harness import mirror

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: ghcr.io/example/api:1
          ports: [{name: http, containerPort: 8080}]
          resources: {requests: {cpu: 250m, memory: 256Mi}}
"""
SERVICE = """\
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{name: web, port: 80, targetPort: TARGET}]
"""
INGRESS = """\
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api, namespace: shop}
spec:
  ingressClassName: alb
  rules:
    - host: api.example.com
      http:
        paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]
"""
HPA = """\
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 6
  metrics:
    - type: Pods
      pods:
        metric: {name: http_requests_per_second}
        target: {type: AverageValue, averageValue: "10"}
"""
ESTATES = {
    "named targetPort no container declares": DEPLOYMENT + SERVICE.replace("TARGET", "web") + INGRESS + HPA,
    "no Ingress": DEPLOYMENT + SERVICE.replace("TARGET", "http") + HPA,
}


def planned(tmp_path, text: str):
    (tmp_path / "app.yaml").write_text(text)
    result = run_cli("plan", "app.yaml", "-o", "plan.yaml", "-f", "json", cwd=tmp_path)
    assert result.code in (0, 1), result.stderr
    return result, read_plan(str(tmp_path / "plan.yaml"))


@pytest.mark.parametrize("text", ESTATES.values(), ids=ESTATES)
def test_request_rate_hpa_without_a_target_group_plans_no_request_count_policy(tmp_path, text):
    result, plan = planned(tmp_path, text)
    env = plan.environments[0]
    assert [p.metric for p in env.services[0].autoscaling.policies] == []
    metric_line = text.splitlines().index("    - type: Pods") + 1
    found = [(f["code"], f["severity"], f["file"], f["line"]) for f in json.loads(result.stdout)
             ["environments"][0]["findings"] if f["code"].startswith("scale.request-count")]
    assert found == [("scale.request-count", "info", "app.yaml", metric_line),
                     ("scale.request-count-no-alb", "warning", "app.yaml", metric_line)]


@pytest.mark.slow
def test_emitted_environment_plans_offline(tmp_path):
    """`terraform validate` passed before too: the failure was in `terraform plan`."""
    reason = mirror.skip_reason()
    if reason:
        pytest.skip(reason)
    tf_env = mirror.terraform_env(mirror.write_cli_config(tmp_path / "cli"))
    planned(tmp_path, ESTATES["named targetPort no container declares"])
    emit = run_cli("emit", "--plan", "plan.yaml", "-o", "tf", cwd=tmp_path)
    assert emit.code == 0, emit.stderr
    folder = tmp_path / "tf" / "envs" / "default"
    shutil.rmtree(folder / ".terraform", ignore_errors=True)
    mirror.prepare_offline_plan(folder)
    init = mirror.terraform(["init", "-input=false"], folder, tf_env)
    assert init.returncode == 0, init.stderr
    test = mirror.terraform(["test"], folder, tf_env)
    assert test.returncode == 0, test.stdout[-4000:] + test.stderr[-4000:]
