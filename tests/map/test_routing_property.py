"""Property: for any set of Ingresses, the planned ALB rules send every probe where Kubernetes
does (the two evaluators are independent code)."""

from hypothesis import HealthCheck, example, given, settings, strategies as st

from migrator.routing import kubernetes_backend, kubernetes_index, load_balancer_backend, probes_for
from migrator.map.routes.backends import Endpoints
from tests.routing.estates import context, deployment, ingress, service
from migrator.map import map_environment

SERVICES = ["web", "api", "auth"]
HOSTS = ["", "a.example.com", "b.example.com", "*.example.com", "x.a.example.com"]
SEGMENTS = ["a", "b", "ab", "A", "v1"]

paths = st.lists(st.sampled_from(SEGMENTS), min_size=0, max_size=3).map(lambda parts: "/" + "/".join(parts))
ingress_paths = st.lists(st.tuples(paths.flatmap(lambda p: st.sampled_from([p, p + "/"]) if p != "/" else st.just(p)),
                                   st.sampled_from(["Prefix", "Exact", "ImplementationSpecific"]),
                                   st.sampled_from(SERVICES)),
                         min_size=1, max_size=4)
rules = st.lists(st.tuples(st.sampled_from(HOSTS), ingress_paths), min_size=1, max_size=3)
ingresses = st.lists(st.tuples(rules, st.one_of(st.none(), st.sampled_from(SERVICES))), min_size=1, max_size=3)

BASE = [doc for name in SERVICES for doc in (deployment(name), service(name, ports=((80, "http"),)))]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ingresses)
@example([([("*.example.com", [("/", "Prefix", "web")]), ("x.a.example.com", [("/a", "Prefix", "web")])], None)])
def test_planned_rules_agree_with_kubernetes_on_every_probe(generated):
    docs = [ingress(f"ing{i}", [(host, [(p, kind, svc, 80) for p, kind, svc in ps]) for host, ps in spec],
                    default=(default, 80) if default else None)
            for i, (spec, default) in enumerate(generated)]
    ctx = context(*BASE, *docs)
    env = map_environment(ctx)
    index = kubernetes_index(ctx.estate.ingresses, ctx.estate.routes, Endpoints(ctx, env).weights)
    for probe in probes_for(ctx.estate.ingresses, ctx.estate.routes):
        assert kubernetes_backend(index, probe) == load_balancer_backend(env.load_balancers, probe), str(probe)
    assert env.route_check.mismatches == 0


route_matches = st.lists(st.tuples(paths, st.sampled_from(["PathPrefix", "Exact"]),
                                   st.sampled_from(["", "GET", "POST"]),
                                   st.sampled_from([(), (("X-Env", "blue"),)])), min_size=0, max_size=2)
route_rules = st.lists(st.tuples(route_matches, st.lists(st.tuples(st.sampled_from(SERVICES), st.integers(0, 3)),
                                                         min_size=1, max_size=2)), min_size=1, max_size=3)
routes = st.lists(st.tuples(st.lists(st.sampled_from([h for h in HOSTS if h]), max_size=2, unique=True), route_rules),
                  min_size=1, max_size=2)


def http_route_doc(i, hostnames, spec):
    from tests.routing.estates import http_route

    rules = [{"matches": [{"path": {"type": kind, "value": p}, **({"method": m} if m else {}),
                           **({"headers": [{"name": n, "value": v} for n, v in hs]} if hs else {})}
                          for p, kind, m, hs in matches],
              "backendRefs": [{"name": svc, "port": 80, "weight": w} for svc, w in refs]} for matches, refs in spec]
    return http_route(f"route{i}", hostnames, rules)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(routes, st.lists(st.tuples(rules, st.none()), max_size=1))
@example([(["*.example.com"], [([], [("web", 0)])])],
         [([("", [("/", "Prefix", "web")]), ("*.example.com", [("/", "Prefix", "web")]),
            ("x.a.example.com", [("/a", "Prefix", "web")])], None)])
def test_http_routes_and_ingresses_together(generated_routes, generated_ingresses):
    docs = [http_route_doc(i, hosts, spec) for i, (hosts, spec) in enumerate(generated_routes)]
    docs += [ingress(f"ing{i}", [(host, [(p, kind, svc, 80) for p, kind, svc in ps]) for host, ps in spec])
             for i, (spec, _) in enumerate(generated_ingresses)]
    ctx = context(*BASE, *docs)
    env = map_environment(ctx)
    index = kubernetes_index(ctx.estate.ingresses, ctx.estate.routes, Endpoints(ctx, env).weights)
    for probe in probes_for(ctx.estate.ingresses, ctx.estate.routes):
        assert kubernetes_backend(index, probe) == load_balancer_backend(env.load_balancers, probe), str(probe)
    assert env.route_check.mismatches == 0


lower_paths = st.lists(st.sampled_from(["a", "b", "ab", "v1"]), max_size=3).map(lambda parts: "/" + "/".join(parts))
# a `.*` suffix makes a regex one character longer than its literal part, so that it can rank
# ahead of the `<path>/` copy of a Prefix as long as itself (copies rank by their Ingress path)
regex_paths = lower_paths.flatmap(lambda p: st.sampled_from([p, p + "/", p + ".*"]) if p != "/" else
                                  st.sampled_from([p, p + ".*"]))
regex_ingresses = st.lists(st.tuples(
    st.lists(st.tuples(st.sampled_from(HOSTS), st.lists(st.tuples(
        regex_paths, st.sampled_from(["Prefix", "Exact", "ImplementationSpecific"]), st.sampled_from(SERVICES)),
        min_size=1, max_size=4)), min_size=1, max_size=2), st.booleans()), min_size=1, max_size=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(regex_ingresses)
@example([([("a.example.com", [("/ab", "Prefix", "web")])], False),  # ^/a.* ranks before ^/ab/ (tests/routing)
          ([("a.example.com", [("/a.*", "ImplementationSpecific", "api")])], True)])
@example([([("", [("/", "Prefix", "web")])], True),  # Prefix /.* -> ^/.*/: reported, not expressible
          ([("", [("/.*", "Prefix", "web"), ("/.*", "Exact", "api")])], False)])
def test_ingress_nginx_regex_hosts_differ_only_in_case(generated):
    """On regex hosts ALB reproduces every lower-case request; only other spellings may differ,
    or requests to a location the plan reports it cannot express (a Prefix like `/.*` on a
    regex host becomes `^/.*/`, which no ALB pattern is) -- and then the self-check reports the
    difference, never silently. Both sides rank locations with nginx_regex.location_order, so an
    ordering bug there would hide in both: tests/routing/test_kubernetes.py pins the controller's
    orders by hand."""
    docs = [ingress(f"ing{i}", [(host, [(p, kind, svc, 80) for p, kind, svc in ps]) for host, ps in spec],
                    annotations={"nginx.ingress.kubernetes.io/use-regex": "true"} if regex else None)
            for i, (spec, regex) in enumerate(generated)]
    ctx = context(*BASE, *docs)
    env = map_environment(ctx)
    index = kubernetes_index(ctx.estate.ingresses, ctx.estate.routes, Endpoints(ctx, env).weights)
    inexpressible = any(f.code == "route.path-not-expressible" for f in env.findings)
    for probe in probes_for(ctx.estate.ingresses, ctx.estate.routes):
        if probe.path == probe.path.lower():
            same = kubernetes_backend(index, probe) == load_balancer_backend(env.load_balancers, probe)
            assert same or (inexpressible and env.route_check.mismatches > 0), str(probe)


# Ingresses of several classes merged onto one ALB: each controller's default backend answers
# only its own hosts, the others their controller's 404 (catch-all rules, map.routes.defaults).
classed_ingresses = st.lists(st.tuples(rules, st.one_of(st.none(), st.sampled_from(SERVICES)),
                                       st.sampled_from(["alb", "traefik", "nginx", ""])), min_size=1, max_size=3)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(classed_ingresses)
@example([([("", [("/a", "Exact", "web")])], "web", "alb"),
          ([("*.example.com", [("/a", "Exact", "api")]), ("x.a.example.com", [("/b", "Exact", "api")])], None,
           "traefik"),
          ([("a.example.com", [("/b", "Exact", "api")])], "auth", "nginx")])
def test_ingress_classes_each_with_their_own_default_backend(generated):
    docs = [ingress(f"ing{i}", [(host, [(p, kind, svc, 80) for p, kind, svc in ps]) for host, ps in spec],
                    default=(default, 80) if default else None, class_name=class_name)
            for i, (spec, default, class_name) in enumerate(generated)]
    ctx = context(*BASE, *docs)
    env = map_environment(ctx)
    index = kubernetes_index(ctx.estate.ingresses, ctx.estate.routes, Endpoints(ctx, env).weights)
    for probe in probes_for(ctx.estate.ingresses, ctx.estate.routes):
        assert kubernetes_backend(index, probe) == load_balancer_backend(env.load_balancers, probe), str(probe)
    assert env.route_check.mismatches == 0
