"""Golden test: the ALB rules and priorities planned for the bundled sample, per environment.

Regenerate only on purpose, then review the diff:  MIGRATOR_REGEN_GOLDEN=1 .venv/bin/python -m pytest
tests/golden/test_sample_routing.py"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from migrator.api import PlanOptions, plan_estate
from migrator.plan.model import EnvironmentPlan
from migrator.routing.alb import default_answer, rule_answer
from tests.conftest import SAMPLES

GOLDEN = Path(__file__).parent / "sample-routing"


def routing_view(env: EnvironmentPlan) -> dict:
    """What a reviewer checks: listeners, rules in priority order, where each one sends traffic."""
    return {
        "environment": env.name,
        "route_check": {"probes": env.route_check.probes, "mismatches": env.route_check.mismatches},
        "load_balancers": [{
            "name": lb.name, "internal": lb.internal, "hosts": list(lb.hosts), "https": lb.https,
            "redirect_http_to_https": lb.redirect_http_to_https, "tls_hosts": list(lb.tls_hosts),
            "default": default_answer(lb) or "404",
            "rules": [{
                "priority": r.priority,
                "hosts": list(r.conditions.host_headers), "paths": list(r.conditions.path_patterns),
                **({"methods": list(r.conditions.http_methods)} if r.conditions.http_methods else {}),
                "forward": [f"{t.target_group}:{t.weight}" for t in r.targets] or f"fixed {r.fixed_response}",
                "answer": rule_answer(r), "from": r.origin,
            } for r in lb.rules],
        } for lb in env.load_balancers],
        "target_groups": {s.name: [f"{t.target_group} -> {t.container}:{t.container_port}"
                                   for t in s.load_balancers] for s in env.services if s.load_balancers},
    }


@pytest.mark.parametrize("env_name", ["staging", "prod"])
def test_sample_routing_matches_the_golden_file(env_name):
    result = plan_estate(PlanOptions(paths=(str(SAMPLES),), environments=(env_name,)))
    [env] = result.plan.environments
    text = yaml.safe_dump(routing_view(env), sort_keys=False, width=120)
    golden = GOLDEN / f"{env_name}.yaml"
    if os.environ.get("MIGRATOR_REGEN_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing; run with MIGRATOR_REGEN_GOLDEN=1 and review it"
    assert text == golden.read_text(encoding="utf-8"), "planned routing changed; review, then regenerate"
    assert env.route_check.mismatches == 0
