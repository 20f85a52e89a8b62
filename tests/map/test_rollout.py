"""Strategy, PodDisruptionBudgets and termination grace -> ECS deployment settings."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, strategies as st

from migrator.map import rollout
from migrator.map.context import MapOptions
from migrator.map.rollout import percents_for, rolling_counts

from .workloads import codes, dump, line_of, run, workload


def strategy(surge=None, unavailable=None, kind: str = "RollingUpdate") -> dict:
    rolling = {k: v for k, v in (("maxSurge", surge), ("maxUnavailable", unavailable)) if v is not None}
    body = {"type": kind, **({"rollingUpdate": rolling} if rolling else {})}
    return {"strategy": body}


def pdb(**spec) -> dict:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "api", "namespace": "shop"},
            "spec": {**spec, "selector": {"matchLabels": {"app": "api"}}}}


CASES = {
    # replicas, strategy, extra objects -> (minimum healthy %, maximum %), findings
    "defaults 25%/25% on 2": (2, strategy(), (), (100, 150), []),
    "surge 1, unavailable 0 on 3": (3, strategy(1, 0), (), (100, 134), []),
    "surge 0, unavailable 1 on 4": (4, strategy(0, 1), (), (75, 100), []),
    "percentages on 4": (4, strategy("50%", "50%"), (), (50, 150), []),
    "both zero: the controller allows one unavailable": (2, strategy("0%", "0%"), (), (50, 100), []),
    "recreate": (3, strategy(kind="Recreate"), (), (0, 100), []),
    "PDB keeps every task: one surge task added": (
        2, strategy(0, 1), (pdb(minAvailable=2),), (100, 150),
        [("rollout.pdb-tightened", "info"), ("rollout.surge-added", "info")]),
    "PDB maxUnavailable percentage": (4, strategy(0, 2), (pdb(maxUnavailable="25%"),), (75, 100),
                                      [("rollout.pdb-tightened", "info")]),
    "PDB looser than the strategy": (4, strategy(1, 1), (pdb(minAvailable="50%"),), (75, 125), []),
}


@pytest.mark.parametrize("replicas, spec, extra, expected, found", CASES.values(), ids=CASES)
def test_strategy_becomes_deployment_percentages(replicas, spec, extra, expected, found):
    service, findings = run(rollout.apply_rollout, workload(spec={"replicas": replicas, **spec}), *extra)
    deployment = service.deployment
    assert (deployment.minimum_healthy_percent, deployment.maximum_percent) == expected
    assert deployment.circuit_breaker and deployment.rollback
    assert codes(findings) == found


def test_on_delete_is_reported():
    doc = workload(kind="StatefulSet", spec={"updateStrategy": {"type": "OnDelete"}})
    service, findings = run(rollout.apply_rollout, doc, options=MapOptions(stateful_as_service=True))
    assert (service.deployment.minimum_healthy_percent, service.deployment.maximum_percent) == (50, 100)
    assert codes(findings) == [("rollout.on-delete", "warning"), ("rollout.stateful-no-surge", "info")]


STATEFUL = {
    # replicas, updateStrategy, extra objects -> (minimum healthy %, maximum %), findings
    "one pod at a time": (3, {}, (), (66, 100), [("rollout.stateful-no-surge", "info")]),
    "one replica (the profile's minimum of 2 tasks)": (1, {}, (), (50, 100), [("rollout.stateful-no-surge", "info")]),
    "maxUnavailable 2": (3, {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 2}}},
                         (), (33, 100), [("rollout.stateful-no-surge", "info")]),
    "a PDB never makes it surge": (3, {}, (pdb(minAvailable=3),), (66, 100), [
        ("rollout.pdb-tightened", "info"), ("rollout.stateful-no-surge", "info"), ("rollout.stateful-pdb", "warning")]),
}


@pytest.mark.parametrize("replicas, spec, extra, expected, found", STATEFUL.values(), ids=STATEFUL)
def test_stateful_sets_never_surge(replicas, spec, extra, expected, found):
    # user trial: --stateful-as-service ran two redis tasks on one EFS folder during a deployment
    doc = workload(kind="StatefulSet", spec={"replicas": replicas, **spec})
    service, findings = run(rollout.apply_rollout, doc, *extra, options=MapOptions(stateful_as_service=True))
    assert (service.deployment.minimum_healthy_percent, service.deployment.maximum_percent) == expected
    assert codes(findings) == found


@pytest.mark.parametrize("grace, expected, found", [
    (None, None, []),
    (45, 45, []),
    (120, 120, []),
    (600, 120, [("rollout.stop-timeout-capped", "error")]),
])
def test_termination_grace_becomes_stop_timeout(grace, expected, found):
    pod = None if grace is None else {"terminationGracePeriodSeconds": grace}
    doc = workload(pod=pod)
    service, findings = run(rollout.apply_rollout, doc)
    assert service.containers[0].stop_timeout == expected
    assert codes(findings) == found
    if found:
        assert (findings[0].source.file, findings[0].source.line) == \
            ("app.yaml", line_of(dump(doc), "terminationGracePeriodSeconds"))


@pytest.mark.parametrize("surge, unavailable, replicas, expected", [
    (None, None, 4, (1, 1)),
    ("25%", "25%", 1, (1, 0)),
    ("10%", "10%", 10, (1, 1)),
    ("34%", "34%", 3, (2, 1)),  # surge rounds up, unavailable rounds down
    (0, 0, 5, (0, 1)),
])
def test_rolling_counts_round_like_the_deployment_controller(surge, unavailable, replicas, expected):
    assert rolling_counts(surge, unavailable, replicas) == expected


@given(st.integers(1, 200), st.integers(0, 50), st.integers(0, 200))
def test_ecs_rounding_arrives_at_the_same_task_counts(replicas, surge, unavailable):
    unavailable = min(unavailable, replicas)
    minimum, maximum = percents_for(surge, unavailable, replicas)
    running = math.floor(replicas * maximum / 100)  # ECS rounds maximumPercent down
    healthy = math.ceil(replicas * minimum / 100)  # and minimumHealthyPercent up
    assert 0 <= minimum <= 100 <= maximum
    if replicas <= 100:  # a 1 % step is at most one task: exactly the Deployment controller's counts
        assert (running, healthy) == (replicas + surge, replicas - unavailable)
    else:  # never fewer healthy tasks, never less surge
        assert healthy >= replicas - unavailable and running >= replicas + surge
