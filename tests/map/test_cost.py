"""Monthly cost estimates from mappings/pricing.yaml."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, strategies as st

from migrator import data
from migrator.map.cost import apply_costs, estimate, hourly_price, tasks_per_provider
from migrator.plan.model import (CapacityProviderItem, CostEstimate, EnvironmentPlan, EnvironmentSettings,
                                 ServicePlan, Source, TaskSize)

RATES = data.table("pricing")["regions"]["us-east-1"]
ON_DEMAND = (CapacityProviderItem("FARGATE"),)
SPOT = (CapacityProviderItem("FARGATE_SPOT"),)
MIXED = (CapacityProviderItem("FARGATE", weight=1, base=1), CapacityProviderItem("FARGATE_SPOT", weight=3))


def test_pricing_table_names_its_source_and_date():
    table = data.table("pricing")
    assert table["source"] == "https://aws.amazon.com/fargate/pricing/" and table["checked"]
    assert RATES["X86_64"]["on_demand"] == {"vcpu_hour": 0.04048, "gb_hour": 0.004445}


@pytest.mark.parametrize("task, market, expected", [
    (TaskSize(512, 1024), "on_demand", 0.5 * 0.04048 + 1 * 0.004445),
    (TaskSize(4096, 8192, cpu_architecture="ARM64"), "on_demand", 4 * 0.03238 + 8 * 0.00356),
    (TaskSize(2048, 4096, ephemeral_storage_gib=40), "spot", 2 * 0.012144 + 4 * 0.0013335 + 20 * 0.000111),
])
def test_hourly_price(task, market, expected):
    assert hourly_price(task, RATES, market) == pytest.approx(expected)


@pytest.mark.parametrize("tasks, strategy, expected", [
    (3, (), {"FARGATE": 3}),
    (3, SPOT, {"FARGATE_SPOT": 3}),
    (5, MIXED, {"FARGATE": 2, "FARGATE_SPOT": 3}),  # the base first, then 1:3 by weight
    (1, MIXED, {"FARGATE": 1, "FARGATE_SPOT": 0}),
])
def test_tasks_per_provider(tasks, strategy, expected):
    assert tasks_per_provider(tasks, strategy) == expected


@pytest.mark.parametrize("task, tasks, strategy, expected", [
    (TaskSize(512, 1024), 1, ON_DEMAND, CostEstimate(1, 18.02, 5.41, 18.02)),
    (TaskSize(2048, 4096, ephemeral_storage_gib=40), 3, SPOT, CostEstimate(3, 221.1, 69.73, 69.73)),
    (TaskSize(1024, 2048), 5, MIXED, CostEstimate(5, 180.2, 54.06, 104.52)),
])
def test_estimate(task, tasks, strategy, expected):
    assert estimate(task, tasks, strategy, RATES) == expected


@given(st.sampled_from([(256, 512), (1024, 4096), (4096, 30720)]), st.integers(0, 40),
       st.sampled_from([ON_DEMAND, SPOT, MIXED]))
def test_planned_cost_lies_between_spot_and_on_demand(size, tasks, strategy):
    cost = estimate(TaskSize(*size), tasks, strategy, RATES)
    assert cost.spot_usd - 0.01 <= cost.planned_usd <= cost.on_demand_usd + 0.01


def _service(name: str, count: int) -> ServicePlan:
    return ServicePlan(name, "shop", "Deployment", Source("app.yaml", 1), TaskSize(512, 1024), (), desired_count=count)


@pytest.mark.parametrize("region, total, found", [
    ("us-east-1", 54.06, []),
    ("ap-south-2", 54.06, ["cost.region-unpriced"]),
])
def test_environment_total(region, total, found):
    env = EnvironmentPlan("prod", EnvironmentSettings(region=region), "prod.internal",
                          services=(_service("a", 1), _service("b", 2)))
    planned, findings = apply_costs(None, env)
    assert [s.monthly_cost_usd for s in planned.services] == [18.02, 36.04]
    assert planned.monthly_cost_usd == total
    assert [f.code for f in findings] == found
    assert dataclasses.replace(planned.services[1], cost=None, monthly_cost_usd=0.0) == env.services[1]
