"""Service results: drift beyond the plan fields (logs, Service Connect namespace, cluster
default capacity), health, and the naming contract with emit."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from migrator.plan import model as p
from migrator.verify import names
from migrator.verify.checks import service_result
from migrator.verify.normalise import LiveService
from tests.verify.small_plan import CATALOG, ENVIRONMENT
from tests.verify.test_compare import as_live

R = dataclasses.replace
GROUP = "/ecs/shop-prod/catalog"
FARGATE = (p.CapacityProviderItem("FARGATE", 1, 0),)


def live(**changes) -> LiveService:
    base = LiveService(plan=as_live(CATALOG), ecs_name="catalog", running_count=2, desired_count=2,
                       healthy_targets={"catalog-http": 2}, log_retention={GROUP: 30},
                       service_connect_namespace="prod.shop.internal", cluster_default_strategy=FARGATE)
    return R(base, **changes)


def env(**settings) -> p.EnvironmentPlan:
    return R(ENVIRONMENT, settings=R(ENVIRONMENT.settings, **settings))


@pytest.mark.parametrize("service, environment, status, lines", [
    (live(), env(), "PASS", []),
    (live(running_count=1), env(), "UNHEALTHY", ["running 1 of 2 desired tasks"]),
    (live(healthy_targets={"catalog-http": 0}), env(), "UNHEALTHY", ["no healthy targets in target group catalog-http"]),
    (live(log_retention={GROUP: 14}), env(log_retention_days=10), "PASS", []),  # emit rounds 10 up to 14
    (live(log_retention={GROUP: None}), env(), "DRIFT",
     [f'log_retention_days[{GROUP}]: expected 30, actual "never expire"']),
    (live(log_retention={}, missing_log_groups=(GROUP,)), env(), "DRIFT",
     [f'log_group[{GROUP}]: expected "exists", actual (absent)']),
    (live(service_connect_namespace="staging.shop.internal"), env(), "DRIFT",
     ['service_connect.namespace: expected "prod.shop.internal", actual "staging.shop.internal"']),
    # the cluster's default strategy is what a service planned without one runs on
    (live(plan=R(as_live(CATALOG), capacity_provider_strategy=FARGATE)), env(), "PASS", []),
    (live(plan=R(as_live(CATALOG), capacity_provider_strategy=(p.CapacityProviderItem("FARGATE_SPOT", 1, 0),))),
     env(), "DRIFT", ['capacity_provider_strategy[FARGATE_SPOT]: expected (absent), actual {"capacity_provider": '
                      '"FARGATE_SPOT", "weight": 1, "base": 0}']),
    (live(running_count=0, plan=R(as_live(CATALOG), task=R(CATALOG.task, cpu=512))), env(), "DRIFT",
     ["task.cpu: expected 256, actual 512", "running 0 of 2 desired tasks"]),
])
def test_service_result(service, environment, status, lines):
    result = service_result(CATALOG, service, environment)
    assert (result.status, result.lines()) == (status, lines)


def test_missing_and_not_migrated():
    assert service_result(CATALOG, None, ENVIRONMENT).status == "MISSING"
    assert service_result(CATALOG, None, ENVIRONMENT, migrated=False).status == "NOT MIGRATED"


SM = "arn:aws:secretsmanager:us-east-1:{account}:secret:{name}"


@pytest.mark.parametrize("planned, live_value, same", [
    (SM.format(account="000000000000", name="prod/db") + ":pw::", SM.format(account="1", name="prod/db-Ab12Cd") + ":pw::",
     True),
    (SM.format(account="0", name="prod/db"), SM.format(account="1", name="prod/db-Ab12Cd") + ":::", True),  # whole
    (SM.format(account="0", name="prod/db") + ":pw::", SM.format(account="1", name="prod/db-Ab12Cd") + ":user::",
     False),
    (SM.format(account="0", name="prod/db") + ":pw::", SM.format(account="1", name="prod/db-extra-Ab12Cd") + ":pw::",
     False),
    (SM.format(account="0", name="prod/db-secret") + ":pw::", SM.format(account="1", name="prod/db-secret-Ab12Cd")
     + ":pw::", True),  # a name ending like a suffix is not cut
    ("arn:aws:ssm:us-east-1:1:parameter/x", "arn:aws:ssm:us-east-1:1:parameter/x", True),
    ("arn:aws:ssm:us-east-1:1:parameter/x", "arn:aws:ssm:us-east-1:1:parameter/y", False),
])
def test_same_secret(planned, live_value, same):
    assert names.same_secret(planned, live_value) is same


@pytest.mark.parametrize("project, env_name, name, long_name", [
    ("shop", "prod", "public", "shop-prod-public"),
    ("Creator Platform", "Prod_EU", "public", "creator-platform-prod-eu-public"),
    ("creator-platform", "production", "internal", "creator-platform-production-internal"),
])
def test_load_balancer_names_follow_emit(project, env_name, name, long_name):
    assert names.load_balancer_long_name(project, env_name, name) == long_name
    # modules/alb: length(name) <= 32 ? name : "${substr(name, 0, 23)}-${substr(sha1(name), 0, 8)}"
    short = long_name if len(long_name) <= 32 else f"{long_name[:23]}-{hashlib.sha1(long_name.encode()).hexdigest()[:8]}"
    assert names.aws_name(long_name) == short and len(short) <= 32


def test_cluster_is_found_by_emit_name_and_tags():
    assert names.cluster_names("Creator Platform", "prod")[0] == "creator-platform-prod"
    assert names.tagged_for({"Environment": "prod", "Project": "creator-platform"}, "Creator Platform", "prod")
    assert not names.tagged_for({"Environment": "prod", "Project": "other"}, "creator-platform", "prod")
    assert names.tagged_for({"migrator:env": "prod"}, "creator-platform", "prod")
