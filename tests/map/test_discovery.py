"""Service Connect names from Kubernetes Services, DNS rewrites to the aliases, and the findings
for Services ECS cannot serve the same way."""

import pytest
import yaml

from tests.routing.estates import FILE, codes, config_map, deployment, http_route, ingress, plan, service, yaml_line


def entries(env, name):
    svc = next(s for s in env.services if s.name == name)
    return [(e.port_name, e.discovery_name, e.dns_name, e.port) for e in svc.service_connect]


def env_of(env, name, key):
    svc = next(s for s in env.services if s.name == name)
    return svc.containers[-1].environment[key]


@pytest.mark.parametrize("docs, name, expected", [
    # the alias is the Service name and port (not targetPort); the port name is the container's
    ([deployment("cart", ports=(("grpc", 7070),)), service("cart", ports=((7070, "grpc"),))],
     "cart", [("grpc", "cart", "cart", 7070)]),
    ([deployment("web", ports=(("http", 8080),)), service("web", ports=((80, 8080),))],
     "web", [("http", "web", "web", 80)]),
    # an unnamed container port gets a derived name
    ([deployment("web", ports=(("", 8080),)), service("web", ports=((80, 8080),))],
     "web", [("web-8080", "web", "web", 80)]),
    # several ports: one entry each, discovery names made unique with the port name
    ([deployment("db", ports=(("sql", 5432), ("metrics", 9187))), service("db", ports=((5432, "sql"), (9187, 9187)))],
     "db", [("sql", "db-p5432", "db", 5432), ("metrics", "db-p9187", "db", 9187)]),
    # targetPort by name reaches a sidecar's port
    ([deployment("api", sidecar_ports=(("mesh", 15001),)), service("api", ports=((80, "mesh"),))],
     "api", [("mesh", "api", "api", 80)]),
])
def test_entries(docs, name, expected):
    assert entries(plan(*docs), name) == expected


def test_same_name_in_two_namespaces():
    docs = [deployment("api"), service("api", ports=((80, "http"),)),
            deployment("api", ns="shop", env={"SELF_URL": "http://api:80"}), service("api", ns="shop", ports=((80, "http"),))]
    env = plan(*docs)
    assert entries(env, "api") == [("http", "api", "api", 80)]
    assert entries(env, "api-shop") == [("http", "api-shop", "api.shop", 80)]
    assert env_of(env, "api-shop", "SELF_URL") == "http://api.shop:80"  # short name in its namespace
    assert ("discovery.name-collision", "warning") in codes(env, "discovery")


FORMS = {
    "URL_SVC_NS": ("http://orders.shop:8080/v1", "http://orders:8080/v1"),
    "ADDR_SVC": ("orders.shop.svc:8080", "orders:8080"),
    "URL_FQDN": ("https://orders.shop.svc.cluster.local:8080", "https://orders:8080"),
    "DSN": ("postgres://app:pw@orders.shop.svc.cluster.local:8080/db?x=1", "postgres://app:pw@orders:8080/db?x=1"),
    "SHORT": ("orders:8080", "orders:8080"),
    "EXTERNAL": ("https://api.stripe.com", "https://api.stripe.com"),
}


def test_cluster_dns_forms_are_rewritten_to_the_alias_with_their_location():
    docs = (deployment("orders", ns="shop"), service("orders", ns="shop", ports=((8080, "http"),)),
            deployment("web", ns="shop", env={k: v for k, (v, _) in FORMS.items()}),
            service("web", ns="shop", ports=((80, "http"),)))
    env = plan(*docs)
    assert {k: env_of(env, "web", k) for k in FORMS} == {k: want for k, (_, want) in FORMS.items()}
    rewrites = sorted((f.source.line, f.message) for f in env.findings if f.code == "discovery.rewrite")
    assert rewrites == sorted([
        (yaml_line(docs, "name: URL_SVC_NS"), "web env URL_SVC_NS: orders.shop -> orders (Service Connect alias)"),
        (yaml_line(docs, "name: ADDR_SVC"), "web env ADDR_SVC: orders.shop.svc -> orders (Service Connect alias)"),
        (yaml_line(docs, "name: URL_FQDN"),
         "web env URL_FQDN: orders.shop.svc.cluster.local -> orders (Service Connect alias)"),
        (yaml_line(docs, "name: DSN"), "web env DSN: orders.shop.svc.cluster.local -> orders (Service Connect alias)"),
    ])
    assert all(f.source.file == FILE for f in env.findings if f.code == "discovery.rewrite")


def test_config_map_values_are_rewritten_and_located_at_the_key():
    web = deployment("web")
    web["spec"]["template"]["spec"]["containers"][0]["envFrom"] = [{"configMapRef": {"name": "web-config"}}]
    docs = (deployment("pay"), service("pay", ports=((9000, "http"),)), web, service("web", ports=((80, "http"),)),
            config_map("web-config", {"PAY_ADDR": "pay.default.svc:9000"}))
    env = plan(*docs)
    assert env_of(env, "web", "PAY_ADDR") == "pay:9000"
    [rewrite] = [f for f in env.findings if f.code == "discovery.rewrite"]
    assert rewrite.source.line == yaml_line(docs, "PAY_ADDR:")


@pytest.mark.parametrize("value, code", [
    ("http://billing.finance.svc.cluster.local:80", "discovery.unknown-reference"),  # not in the estate
    ("orders:9999", "discovery.port-not-exposed"),
])
def test_references_the_plan_cannot_serve(value, code):
    docs = [deployment("orders"), service("orders", ports=((8080, "http"),)),
            deployment("web", env={"TARGET_URL": value}), service("web", ports=((80, "http"),))]
    env = plan(*docs)
    assert (code, "warning") in codes(env, "discovery")
    assert env_of(env, "web", "TARGET_URL") == value


def test_one_service_selecting_several_deployments():
    labels = {"app": "reviews"}
    docs = [deployment("reviews-v1", labels={**labels, "version": "v1"}),
            deployment("reviews-v2", labels={**labels, "version": "v2"}),
            service("reviews", ports=((9080, "http"),), selector=labels)]
    env = plan(*docs)
    assert entries(env, "reviews-v1") == [("http", "reviews", "reviews", 9080)]
    assert entries(env, "reviews-v2") == []
    [finding] = [f for f in env.findings if f.code == "discovery.multiple-workloads"]
    assert "reviews-v1, reviews-v2" in finding.message and "internal ALB with weighted" in finding.message


@pytest.mark.parametrize("svc, expected_codes, expected_entries", [
    (service("dns", ports=((53, 5353),), protocol="UDP"), [("discovery.udp-port", "warning")], []),
    (service("dns", ports=((53, "http"),), headless=True), [("discovery.headless", "info")], [("http", "dns", "dns", 53)]),
    (service("dns", ports=((53, "http"),), type_="NodePort"), [("discovery.exposed-service", "warning")],
     [("http", "dns", "dns", 53)]),
    (service("dns", ports=((53, "http"),), type_="LoadBalancer"), [("discovery.exposed-service", "warning")],
     [("http", "dns", "dns", 53)]),
    (service("dns", ports=((53, "http"),), selector={}), [("discovery.no-selector", "warning")], []),
])
def test_service_shapes(svc, expected_codes, expected_entries):
    env = plan(deployment("dns"), svc)
    assert codes(env, "discovery") == expected_codes
    assert entries(env, "dns") == expected_entries


def test_per_pod_statefulset_names_are_reported():
    docs = [deployment("db", kind="StatefulSet", service_name="db"), service("db", ports=((5432, "http"),), headless=True),
            deployment("app", env={"PRIMARY_HOST": "db-0.db:5432"}), service("app", ports=((80, "http"),))]
    env = plan(*docs)
    assert ("discovery.per-pod-dns", "warning") in codes(env, "discovery")


def exposed(key: str, kind: str, ports: str, also: str = "", it: str = "it") -> tuple[str, str, str]:
    return ("discovery.exposed-service", "warning",
            f"Service {key} is type {kind} (reachable from outside the cluster); on ECS no ALB rule reaches {ports}, "
            f"so only callers inside the environment reach {it}{also}. Expose {it} through the ALB with an "
            "Ingress/HTTPRoute (HTTP) or a Network Load Balancer (TCP/UDP)")


def via_alb(key: str, kind: str) -> tuple[str, str, str]:
    return ("discovery.exposed-via-alb", "info",
            f"Service {key} is type {kind}; on ECS it is reached through the ALB that its Ingress/HTTPRoute rules "
            "plan, not through a load balancer of its own: clients that used the Service's own address must move "
            "to the ALB's DNS name")


WEB_PORTS = (("http", 8080), ("admin", 9090))
ROUTE_WEB = {"matches": [{"path": {"type": "PathPrefix", "value": "/"}}], "backendRefs": [{"name": "web", "port": 80}]}
EXPOSURE_CASES = {
    # extra objects beside Deployment web (ports 8080 http, 9090 admin) -> exposure findings
    "LoadBalancer, no route": ([service("web", type_="LoadBalancer", ports=((80, "http"),))],
                               [exposed("default/web", "LoadBalancer", "port 80")]),
    "NodePort, no route": ([service("web", type_="NodePort", ports=((80, "http"),))],
                           [exposed("default/web", "NodePort", "port 80")]),
    "LoadBalancer behind an Ingress": ([service("web", type_="LoadBalancer", ports=((80, "http"),)),
                                        ingress("web", [("shop.example.com", [("/", "Prefix", "web", 80)])])],
                                       [via_alb("default/web", "LoadBalancer")]),
    "NodePort behind an HTTPRoute": ([service("web", type_="NodePort", ports=((80, "http"),)),
                                      http_route("web", ["shop.example.com"], [ROUTE_WEB])],
                                     [via_alb("default/web", "NodePort")]),
    "one of two ports routed": ([service("web", type_="LoadBalancer", ports=((80, "http"), (9090, "admin"))),
                                 ingress("web", [("shop.example.com", [("/", "Prefix", "web", 80)])])],
                                [exposed("default/web", "LoadBalancer", "port 9090", " (port 80 is reached through the "
                                         "ALB its Ingress/HTTPRoute plans)")]),
    "an Ingress to another Service reaching the same container port": (
        [service("web", type_="LoadBalancer", ports=((80, "http"),)), service("web-internal", selector={"app": "web"},
                                                                              ports=((8080, "http"),)),
         ingress("web", [("shop.example.com", [("/", "Prefix", "web-internal", 8080)])])],
        [via_alb("default/web", "LoadBalancer")]),
    "an Ingress to another port": ([service("web", type_="LoadBalancer", ports=((80, "http"),)),
                                    service("admin", selector={"app": "web"}, ports=((9090, "admin"),)),
                                    ingress("admin", [("admin.example.com", [("/", "Prefix", "admin", 9090)])])],
                                   [exposed("default/web", "LoadBalancer", "port 80")]),
    "two ports, none routed": ([service("web", type_="NodePort", ports=((80, "http"), (9090, "admin")))],
                               [exposed("default/web", "NodePort", "ports 80, 9090", it="them")]),
    "a UDP port is never behind the ALB": ([service("web", type_="LoadBalancer", ports=((53, 5353),), protocol="UDP")],
                                           [exposed("default/web", "LoadBalancer", "port 53")]),
    "ClusterIP behind an Ingress": ([service("web", ports=((80, "http"),)),
                                     ingress("web", [("shop.example.com", [("/", "Prefix", "web", 80)])])], []),
}


@pytest.mark.parametrize("extra, expected", EXPOSURE_CASES.values(), ids=EXPOSURE_CASES)
def test_exposed_services_say_whether_the_alb_reaches_them(extra, expected):
    docs = (deployment("web", ports=WEB_PORTS), *extra)
    env = plan(*docs)
    found = [(f.code, str(f.severity), f.message, f.source.file, f.source.line) for f in env.findings
             if f.code.startswith("discovery.exposed")]
    assert found == [(*e, FILE, _start_line(docs, 1)) for e in expected]  # the Service web's first line


def annotated(doc: dict, **annotations: str) -> dict:
    return {**doc, "metadata": {**doc["metadata"], "annotations": annotations}}


def lost_public(key: str, ports: str, it: str = "it") -> tuple[str, str, str]:
    return ("discovery.exposed-service", "warning",
            f"Service {key} is type LoadBalancer with an internet-facing load balancer; on ECS only an internal ALB "
            f"(alb.ingress.kubernetes.io/scheme: internal) reaches {ports}, so only callers inside the VPC reach {it}. "
            "Route it through an internet-facing ALB with an Ingress/HTTPRoute without the internal scheme, or a "
            "Network Load Balancer, if its clients are outside the VPC")


def made_public(key: str, why: str, ports: str, becomes: str = "it becomes") -> tuple[str, str, str]:
    return ("discovery.exposed-publicly", "warning",
            f"Service {key} is type LoadBalancer with an internal load balancer ({why}); on ECS an internet-facing "
            f"ALB reaches {ports}, so {becomes} reachable from the internet. To keep it private, set "
            "alb.ingress.kubernetes.io/scheme: internal on the Ingress (or route it through an internal ALB); if it "
            "is meant to be public, check its authentication and the ALB's security group")


INTERNAL_ALB = {"alb.ingress.kubernetes.io/scheme": "internal"}
SCHEME = "service.beta.kubernetes.io/aws-load-balancer-scheme"
LEGACY = "service.beta.kubernetes.io/aws-load-balancer-internal"
LB_WEB = service("web", type_="LoadBalancer", ports=((80, "http"),))
PUBLIC_ING = ingress("web", [("shop.example.com", [("/", "Prefix", "web", 80)])])
INTERNAL_ING = ingress("web-int", [("shop.internal", [("/", "Prefix", "web", 80)])], annotations=INTERNAL_ALB)
SCHEME_CASES = {
    # Service web (LoadBalancer, port 80) with annotations, the Ingresses reaching it -> exposure findings
    "public Service, internal ALB only": ({}, [INTERNAL_ING], [lost_public("default/web", "port 80")]),
    "public Service, public and internal ALB": ({}, [PUBLIC_ING, INTERNAL_ING], [via_alb("default/web", "LoadBalancer")]),
    "scheme internet-facing, public ALB": ({SCHEME: "internet-facing"}, [PUBLIC_ING],
                                           [via_alb("default/web", "LoadBalancer")]),
    "scheme internal, internal ALB": ({SCHEME: "internal"}, [INTERNAL_ING], [via_alb("default/web", "LoadBalancer")]),
    "scheme internal, public ALB": ({SCHEME: "internal"}, [PUBLIC_ING],
                                    [made_public("default/web", f"{SCHEME}: internal", "port 80")]),
    "scheme internal, both ALBs": ({SCHEME: "internal"}, [PUBLIC_ING, INTERNAL_ING],
                                   [made_public("default/web", f"{SCHEME}: internal", "port 80")]),
    "legacy internal true, public ALB": ({LEGACY: "true"}, [PUBLIC_ING],
                                         [made_public("default/web", f"{LEGACY}: true", "port 80")]),
    "legacy internal CIDR, public ALB": ({LEGACY: "0.0.0.0/0"}, [PUBLIC_ING],
                                         [made_public("default/web", f"{LEGACY}: 0.0.0.0/0", "port 80")]),
    "legacy internal false, public ALB": ({LEGACY: "false"}, [PUBLIC_ING], [via_alb("default/web", "LoadBalancer")]),
    "controller Service without scheme, public ALB": (
        {"service.beta.kubernetes.io/aws-load-balancer-type": "external"}, [PUBLIC_ING],
        [made_public("default/web", "service.beta.kubernetes.io/aws-load-balancer-type: external without "
                     f"{SCHEME}, which the AWS Load Balancer Controller reads as internal", "port 80")]),
    "GKE internal, internal ALB": ({"networking.gke.io/load-balancer-type": "Internal"}, [INTERNAL_ING],
                                   [via_alb("default/web", "LoadBalancer")]),
}


@pytest.mark.parametrize("annotations, extra, expected", SCHEME_CASES.values(), ids=SCHEME_CASES)
def test_an_alb_keeps_the_exposure_only_with_the_services_scheme(annotations, extra, expected):
    docs = (deployment("web", ports=WEB_PORTS), annotated(LB_WEB, **annotations), *extra)
    env = plan(*docs)
    found = [(f.code, str(f.severity), f.message, f.source.file, f.source.line) for f in env.findings
             if f.code.startswith("discovery.exposed")]
    assert found == [(*e, FILE, _start_line(docs, 1)) for e in expected]


def test_an_internal_service_with_an_unrouted_port_gets_both_warnings():
    svc = annotated(service("web", type_="LoadBalancer", ports=((80, "http"), (9090, "admin"))), **{SCHEME: "internal"})
    docs = (deployment("web", ports=WEB_PORTS), svc, PUBLIC_ING)
    env = plan(*docs)
    found = [(f.code, f.message) for f in env.findings if f.code.startswith("discovery.exposed")]
    assert found == [
        made_public("default/web", f"{SCHEME}: internal", "port 80")[::2],
        exposed("default/web", "LoadBalancer", "port 9090", " (port 80 is reached through the ALB its "
                "Ingress/HTTPRoute plans)")[::2]]


def _start_line(docs: tuple, index: int) -> int:
    """First line of docs[index] in the YAML the builders write (documents joined by `---`)."""
    return len(yaml.safe_dump_all(docs[:index], sort_keys=False).splitlines()) + 2 if index else 1


def test_command_and_args_are_rewritten_like_env():
    # user trial: `command: [/app, --backend-url=http://backend:9898]` kept the short name, which in
    # one Service Connect namespace means the other namespace's backend
    web = deployment("frontend", ns="b")
    web["spec"]["template"]["spec"]["containers"][0]["command"] = ["/app", "--backend-url=http://backend:9898/echo"]
    web["spec"]["template"]["spec"]["containers"][0]["args"] = ["--cache=redis.a.svc.cluster.local:6379"]
    docs = (deployment("backend", ns="a"), service("backend", ns="a", ports=((9898, "http"),)),
            deployment("backend", ns="b"), service("backend", ns="b", ports=((9898, "http"),)),
            deployment("redis", ns="a"), service("redis", ns="a", ports=((6379, "http"),)),
            web, service("frontend", ns="b", ports=((80, "http"),)))
    env = plan(*docs)
    container = next(s for s in env.services if s.name == "frontend").containers[-1]
    assert container.command == ("/app", "--backend-url=http://backend.b:9898/echo")
    assert container.args == ("--cache=redis:6379",)
    assert sorted(f.message for f in env.findings if f.code == "discovery.rewrite" and "frontend" in f.message) == [
        "frontend args: redis.a.svc.cluster.local -> redis (Service Connect alias)",
        "frontend command: backend -> backend.b (Service Connect alias)"]
