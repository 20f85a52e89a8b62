"""MapContext lookups: the indexed selector lookup answers exactly what a scan would."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings, strategies as st

from migrator.map.context import MapContext
from migrator.model.objects import Estate, Meta, PodSpec, Workload, selects
from tests.map.workloads import context, workload


@functools.cache
def _ctx() -> MapContext:
    other = workload(name="api-other", labels={"app": "api", "tier": "web"})
    other["metadata"]["namespace"] = "other"
    return context(workload(name="api", labels={"app": "api", "tier": "web"}),
                   workload(name="api-canary", labels={"app": "api", "tier": "web", "track": "canary"}),
                   workload(name="worker", labels={"app": "worker"}), other)


@pytest.mark.parametrize("namespace, selector, expected", [
    ("shop", {"app": "api"}, ["api", "api-canary"]),
    ("shop", {"app": "api", "track": "canary"}, ["api-canary"]),
    ("shop", {"tier": "web", "app": "api"}, ["api", "api-canary"]),
    ("shop", {"app": "worker"}, ["worker"]),
    ("shop", {"app": "api", "tier": "db"}, []),
    ("shop", {"app": "missing"}, []),
    ("shop", {}, []),  # an empty selector selects nothing (Kubernetes: manual endpoints)
    ("other", {"app": "api"}, ["api-other"]),
    ("nowhere", {"app": "api"}, []),
])
def test_workloads_selected_by(namespace, selector, expected):
    assert [w.name for w in _ctx().workloads_selected_by(namespace, selector)] == expected


_labels = st.dictionaries(st.sampled_from(["app", "tier", "track"]), st.sampled_from(["a", "b", ""]), max_size=3)


def _workload(i: int, namespace: str, labels: dict) -> Workload:
    return Workload("Deployment", Meta(f"w{i}", namespace), PodSpec((), labels=labels))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b"]), _labels), max_size=12), st.sampled_from(["a", "b"]), _labels)
def test_index_answers_like_a_scan(pods, namespace, selector):
    workloads = tuple(_workload(i, ns, labels) for i, (ns, labels) in enumerate(pods))
    ctx = MapContext(estate=Estate(workloads=workloads), env=_ctx().env, project="p")
    scan = [w for w in workloads if w.namespace == namespace and selects(selector, w.pod.labels)]
    assert ctx.workloads_selected_by(namespace, selector) == scan
