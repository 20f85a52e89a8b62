import pytest

from migrator.routing import Probe, answer_for, probes_for
from migrator.routing.probes import UNMATCHED_HOST, path_variants, probe_path
from tests.routing.estates import context, http_route, ingress


def test_probes_cover_each_path_variant_host_and_the_unmatched_host():
    estate = context(ingress("i", [("a.example.com", [("/foo", "Prefix", "svc", 80)]),
                                   ("*.example.org", [("/", "Prefix", "svc", 80)])])).estate
    probes = probes_for(estate.ingresses, estate.routes)
    paths_a = sorted(p.path for p in probes if p.host == "a.example.com")
    assert paths_a == ["/", "/FOO", "/foo", "/foo/", "/foo/x", "/foox"]
    assert Probe("wildcard.example.org", "/") in probes
    assert Probe("A.EXAMPLE.COM", "/") in probes
    assert {p.path for p in probes if p.host == UNMATCHED_HOST} >= {"/", "/foo", "/foo/", "/foox", "/FOO"}
    assert probes == sorted(set(probes))


def test_route_matches_add_method_and_header_probes():
    estate = context(http_route("r", ["a.example.com"], [{"matches": [
        {"path": {"type": "PathPrefix", "value": "/api"}, "method": "POST",
         "headers": [{"name": "X-Env", "value": "blue"}]}], "backendRefs": [{"name": "svc", "port": 80}]}])).estate
    probes = probes_for(estate.ingresses, estate.routes)
    assert Probe("a.example.com", "/api", "POST", (("X-Env", "blue"),)) in probes
    assert Probe("a.example.com", "/api", "PATCH", (("X-Env", "blue"),)) in probes


@pytest.mark.parametrize("path, expected", [
    ("/api(/|$)(.*)", "/api"), ("^/v[0-9]+/users", "/"), ("/foo/*", "/foo/"), ("api", "/api"), ("/a.b", "/a.b"),
])
def test_probe_path_is_the_literal_part(path, expected):
    assert probe_path(path) == expected


def test_path_variants():
    assert path_variants("/Api/") == ["/Api/", "/Api/x", "/", "/Apix", "/API/"]
    assert path_variants("/") == ["/", "/x"]


@pytest.mark.parametrize("pairs, expected", [
    ([], None), ([("a", 0)], None), ([("a", 3)], "a"), ([("b", 90), ("a", 10)], "a:1,b:9"),
    ([("a", 2), ("b", 2), ("a", 2)], "a:2,b:1"),
])
def test_answer_is_canonical(pairs, expected):
    assert answer_for(pairs) == expected


@pytest.mark.parametrize("annotations, expected", [
    ({"nginx.ingress.kubernetes.io/use-regex": "true"}, ["/", "/STATIC", "/STATIC/x", "/static", "/static/",
                                                          "/static/x", "/staticx", "/x"]),
    (None, ["/", "/STATIC", "/static", "/static/", "/static/x", "/staticx", "/x"]),  # case variants only for regex
])
def test_regex_hosts_get_probes_in_another_case_below_each_path(annotations, expected):
    estate = context(ingress("i", [("app.example.com", [("/static", "Prefix", "a", 80), ("/", "Prefix", "b", 80)])],
                             annotations=annotations)).estate
    assert sorted(p.path for p in probes_for(estate.ingresses, estate.routes) if p.host == "app.example.com") == expected


@pytest.mark.parametrize("paths, class_name", [
    ([("/x", "Exact")], "traefik"),
    ([("/", "Exact")], "traefik"),
    ([("/", "Exact"), ("/x", "Prefix")], "traefik"),
    ([("/", "Exact"), ("/x", "ImplementationSpecific")], "nginx"),  # a character prefix: /xx is under it
    ([("/", "Exact"), ("/x", "Prefix"), ("/xx", "Prefix")], "traefik"),
    ([("/api", "Prefix"), ("/api/v1", "Exact")], "traefik"),
    ([("/img/*", "ImplementationSpecific")], "alb"),
])
def test_each_host_gets_a_probe_no_rule_matches(paths, class_name):
    """So the self-check sees what a host's unmatched requests get (its controller's default
    answer, a catch-all rule on the merged ALB)."""
    from migrator.routing import kubernetes_backend, kubernetes_index

    estate = context(ingress("i", [(host, [(p, kind, "svc", 80) for p, kind in paths])
                                   for host in ("a.example.com", "*.example.org")], class_name=class_name)).estate
    index = kubernetes_index(estate.ingresses, estate.routes, lambda *_: (("svc", 1),))
    probes = probes_for(estate.ingresses, estate.routes)
    for host in ("a.example.com", "wildcard.example.org"):
        assert [p for p in probes if p.host == host and kubernetes_backend(index, p) is None], host
