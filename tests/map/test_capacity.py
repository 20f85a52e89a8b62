"""Capacity provider strategies by service group (mappings/capacity.yaml + migrate.yaml)."""

from __future__ import annotations

import pytest

from migrator.config import ServiceOverride, load_config
from migrator.findings import InputError
from migrator.map import capacity
from migrator.plan.model import CapacityProviderItem as Item

from .workloads import codes, run, workload

FARGATE, SPOT = Item("FARGATE"), Item("FARGATE_SPOT")
MIXED = (Item("FARGATE", 1, 1), Item("FARGATE_SPOT", 3))

CASES = {
    "no group": ({}, {}, None, ("default", (FARGATE,)), []),
    "use_spot environment": ({}, {"use_spot": True}, None, ("mixed", MIXED), []),
    "workers group": (ServiceOverride(group="workers"), {}, None, ("workers", (SPOT,)), []),
    "critical group": (ServiceOverride(group="critical"), {"use_spot": True}, None, ("critical", (FARGATE,)), []),
    "capacity_provider overrides the group": (ServiceOverride(group="critical", capacity_provider="FARGATE_SPOT"), {},
                                              None, ("critical", (SPOT,)), []),
    "capacity_provider names a group": (ServiceOverride(capacity_provider="mixed"), {}, None, ("mixed", MIXED), []),
    "group from migrate.yaml": (ServiceOverride(group="batch"), {}, {"batch": (Item("FARGATE_SPOT", 2, 1),)},
                                ("batch", (Item("FARGATE_SPOT", 2, 1),)), []),
    "migrate.yaml redefines a default group": (ServiceOverride(group="workers"), {}, {"workers": (FARGATE,)},
                                               ("workers", (FARGATE,)), []),
    "unknown group": (ServiceOverride(group="gpu"), {}, None, ("default", (FARGATE,)),
                      [("capacity.unknown-group", "warning")]),
    "unknown provider": (ServiceOverride(capacity_provider="EC2"), {}, None, ("default", (FARGATE,)),
                         [("capacity.unknown-provider", "warning")]),
}


@pytest.mark.parametrize("override, settings, groups, expected, found", CASES.values(), ids=CASES)
def test_capacity_provider_strategy(override, settings, groups, expected, found):
    overrides = {"api": override} if override else {}
    service, findings = run(capacity.apply_capacity_providers, workload(), overrides=overrides, settings=settings,
                            capacity_groups=groups)
    assert (service.group, service.capacity_provider_strategy) == expected
    assert codes(findings) == found


def _project(tmp_path, text: str):
    (tmp_path / "migrate.yaml").write_text(text)
    return load_config([str(tmp_path)])


def test_capacity_groups_from_migrate_yaml(tmp_path):
    config = _project(tmp_path, """\
project: shop
capacity_groups:
  workers: [{capacity_provider: FARGATE_SPOT, weight: 1}]
  batch: [{capacity_provider: FARGATE, base: 1}, {capacity_provider: FARGATE_SPOT, weight: 4}]
environments:
  staging: {}
  prod:
    capacity_groups:
      workers: [{capacity_provider: FARGATE, weight: 1}]
""")
    staging, prod = config.environments
    assert staging.capacity_groups == {"workers": (SPOT,), "batch": (Item("FARGATE", 1, 1), Item("FARGATE_SPOT", 4))}
    assert prod.capacity_groups["workers"] == (FARGATE,)  # the environment's own definition wins


@pytest.mark.parametrize("groups, line", [
    ("capacity_groups: [workers]", 2),
    ("capacity_groups:\n  workers: [{capacity_provider: EC2}]", 3),
    ("capacity_groups:\n  workers: [{provider: FARGATE}]", 3),
    ("capacity_groups:\n  workers: [{capacity_provider: FARGATE, weight: -1}]", 3),
])
def test_bad_capacity_groups_are_located_input_errors(tmp_path, groups, line):
    with pytest.raises(InputError) as caught:
        _project(tmp_path, f"project: shop\n{groups}\nenvironments:\n  prod: {{}}\n")
    assert (caught.value.code, caught.value.source.line) == ("config.invalid", line)
