"""On every corpus app and the bundled sample, every environment: the route self-check passes or
the constructs ALB cannot express are located findings, and every DNS reference to a Service of
the estate is reachable through a Service Connect alias."""

from __future__ import annotations

import pytest

from migrator.api import PlanOptions, plan_estate
from migrator.map.references import find_references
from migrator.model.build import build_estate
from migrator.load.sources import load_documents
from tests.conftest import SAMPLES

APPS = ["aks-store-helm", "aks-store-raw", "bookinfo-raw", "online-boutique-helm", "online-boutique-kustomize",
        "online-boutique-raw", "podinfo-helm", "podinfo-kustomize"]
INEXPRESSIBLE = {"route.path-not-expressible", "route.host-not-expressible", "route.regex-closest",
                 "route.rewrite-target", "route.too-many-targets", "route.header-regex", "route.query-match"}


def check_environment(result, env, paths: tuple[str, ...]) -> int:
    """Asserts the acceptance rules for one environment; returns how many references it checked."""
    assert not [f for f in env.findings if f.code == "map.failed"], "a traffic mapper failed"
    if env.route_check is not None and env.route_check.mismatches:
        located = [f for f in env.findings if f.code in INEXPRESSIBLE and f.source.line > 0]
        assert located, f"{env.name}: {env.route_check.mismatches} mismatched probes and no located finding"
    aliases = {(e.dns_name, e.port) for s in env.services for e in s.service_connect}
    env_config = result.config.environment(env.name)
    documents, _ = load_documents(list(paths), result.config, env_config)
    estate, _ = build_estate(documents)
    checked = 0
    for service in env.services:
        for container in service.containers:
            for key, value in (*container.environment.items(), *(("", a) for a in container.args)):
                for ref in find_references(value, key, service.namespace, estate):
                    if ref.in_estate and not ref.pod and ref.port is not None:
                        checked += 1
                        assert (ref.host, ref.port) in aliases or _explained(env, ref), \
                            f"{service.name} {key}={value!r}: {ref.host}:{ref.port} has no alias"
    return checked


def _explained(env, ref) -> bool:
    """References the plan cannot serve are located findings (wrong port, selects nothing...)."""
    return any(f.code.startswith("discovery.") and ref.host in f.message and f.source.line > 0
               for f in env.findings)


REFERENCES = {"online-boutique-raw": 10, "online-boutique-helm": 10, "online-boutique-kustomize": 10,
              "aks-store-raw": 3, "aks-store-helm": 3}


@pytest.mark.parametrize("app", APPS)
def test_corpus_app(corpus, app):
    paths = (str(corpus / app / "src"),)
    result = plan_estate(PlanOptions(paths=paths))
    checked = sum(check_environment(result, env, paths) for env in result.plan.environments)
    assert checked >= REFERENCES.get(app, 0)


def test_podinfo_with_every_feature(corpus, tmp_path):
    chart = corpus / "podinfo-helm" / "src" / "charts" / "podinfo"
    config = tmp_path / "migrate.yaml"
    config.write_text(f"project: podinfo\nenvironments:\n  features:\n    helm:\n      {chart}:\n        values: "
                      f"[{corpus / 'podinfo-helm' / 'values-features' / 'all-features.yaml'}]\n"
                      "        set: [httpRoute.enabled=true]\n")
    result = plan_estate(PlanOptions(paths=(str(chart),), config=str(config)))
    [env] = result.plan.environments
    check_environment(result, env, (str(chart),))
    codes = {f.code for f in env.findings}
    assert {"route.rewrite-target", "route.regex-closest", "route.certificate-needed"} <= codes
    assert len(env.load_balancers[0].rules) == 4


@pytest.mark.parametrize("env_name", ["staging", "prod"])
def test_bundled_sample(env_name):
    result = plan_estate(PlanOptions(paths=(str(SAMPLES),), environments=(env_name,)))
    [env] = result.plan.environments
    assert check_environment(result, env, (str(SAMPLES),)) >= 30
    assert env.route_check.mismatches == 0
    rewrites = sorted(f.message for f in env.findings if f.code == "discovery.rewrite")
    assert rewrites == [
        "billing-service env PAYOUT_SERVICE_ADDR: payout-service.default.svc -> payout-service (Service Connect alias)",
        "payout-service env BILLING_SERVICE_URL: billing-service.default.svc.cluster.local -> billing-service "
        "(Service Connect alias)"]
