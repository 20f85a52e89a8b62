"""Cutover waves: callees first, cycles broken deterministically, entry points last, overrides."""

import pytest

from migrator.config import ServiceOverride
from tests.routing.estates import codes, deployment, ingress, plan, service


def svc(name, calls=(), replicas=1):
    env = {f"{c.upper().replace('-', '_')}_URL": f"http://{c}:80" for c in calls}
    return [deployment(name, env=env, replicas=replicas), service(name, ports=((80, "http"),))]


def waves_of(*docs, **options):
    env = plan(*docs, **options)
    return [list(w) for w in env.waves], {s.name: s.wave for s in env.services}, env


def test_callees_move_first():
    waves, by_name, _ = waves_of(*svc("a", ["b"]), *svc("b", ["c"]), *svc("c"), *svc("d"))
    assert waves == [["c", "d"], ["b"], ["a"]]
    assert by_name == {"a": 3, "b": 2, "c": 1, "d": 1}


def test_public_entry_points_move_after_internal_services():
    docs = [*svc("web", ["api"]), *svc("api"), *svc("worker"), *svc("cache"), *svc("batch", ["cache"]),
            ingress("i", [("shop.example.com", [("/", "Prefix", "web", 80), ("/api", "Prefix", "api", 80)])])]
    waves, _, _ = waves_of(*docs)
    assert waves == [["cache", "worker"], ["batch"], ["api"], ["web"]]


def test_a_cycle_is_broken_at_the_edge_a_name_ordered_walk_closes():
    waves, _, env = waves_of(*svc("billing", ["payout"]), *svc("payout", ["billing"]))
    assert waves == [["payout"], ["billing"]]
    [cycle] = [f for f in env.findings if f.code == "wave.cycle"]
    assert cycle.message.startswith("payout and billing call each other")


def test_cluster_dns_forms_count_as_calls():
    docs = [deployment("a", env={"B_ADDR": "b.default.svc.cluster.local:80"}), service("a", ports=((80, "http"),)),
            *svc("b")]
    waves, _, _ = waves_of(*docs)
    assert waves == [["b"], ["a"]]


@pytest.mark.parametrize("wave, expected, conflict", [
    (5, [["b"], [], [], [], ["a"]], False),
    (1, [["a", "b"]], True),
])
def test_migrate_yaml_overrides_the_wave(wave, expected, conflict):
    waves, _, env = waves_of(*svc("a", ["b"]), *svc("b"), overrides={"a": ServiceOverride(wave=wave)})
    assert waves == expected
    assert (("wave.override-conflict", "warning") in codes(env, "wave")) == conflict
