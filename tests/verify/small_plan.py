"""A small plan for verify tests: three services (autoscaled with Service Connect and a load
balancer; fixed count with both; a worker of wave 2) behind one ALB with four rules."""

from __future__ import annotations

from migrator.plan import model as p

PROJECT, ENV, REGION = "shop", "prod", "us-east-1"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:{name}"  # placeholder account, as plans hold


def secret(name: str, key: str) -> str:
    return SECRET_ARN.format(name=name) + f":{key}::"


ORDERS = p.ServicePlan(
    name="orders-api", namespace="default", workload_kind="Deployment", source=p.Source("k8s/orders.yaml", 3),
    task=p.TaskSize(512, 1024, requested_cpu=300, requested_memory=600),
    containers=(p.ContainerPlan(
        name="orders-api", image="ghcr.io/shop/orders-api:1.4.2",
        port_mappings=(p.PortMapping("http", 8080, app_protocol="http"),),
        environment={"LOG_LEVEL": "info", "PORT": "8080"},
        secrets=(p.SecretRef("DB_PASSWORD", secret("prod/default/orders-db", "password")),
                 p.SecretRef("API_KEY", secret("prod/default/orders-keys", "api-key"))),
        cpu=512, memory=1024, memory_reservation=600,
        health_check=p.ContainerHealthCheck(("CMD-SHELL", "curl -f http://localhost:8080/live || exit 1"))),),
    desired_count=2, count_owner="autoscaling",
    autoscaling=p.Autoscaling(2, 6, (p.ScalingPolicy("cpu", "ECSServiceAverageCPUUtilization", 70.0,
                                                     kubernetes_target="cpu 70%"),)),
    service_connect=(p.ServiceConnectEntry("http", "orders-api", "orders-api", 80, "default/orders-api"),),
    load_balancers=(p.LoadBalancerTarget("orders-api-http", "orders-api", 8080,
                                         health_check=p.TargetHealthCheck(path="/healthz")),),
    deployment=p.DeploymentSettings(health_check_grace_period=30),
    wave=1, monthly_cost_usd=36.0,
)

CATALOG = p.ServicePlan(
    name="catalog", namespace="default", workload_kind="Deployment", source=p.Source("k8s/catalog.yaml", 1),
    task=p.TaskSize(256, 512),
    containers=(p.ContainerPlan(name="catalog", image="ghcr.io/shop/catalog:2.0.0",
                                port_mappings=(p.PortMapping("http", 3000, app_protocol="http"),),
                                environment={"PORT": "3000"}),),
    desired_count=2,
    service_connect=(p.ServiceConnectEntry("http", "catalog", "catalog", 80, "default/catalog"),),
    load_balancers=(p.LoadBalancerTarget("catalog-http", "catalog", 3000,
                                         health_check=p.TargetHealthCheck(path="/ready")),),
    wave=1,
)

WORKER = p.ServicePlan(
    name="billing-worker", namespace="default", workload_kind="Deployment", source=p.Source("k8s/billing.yaml", 1),
    task=p.TaskSize(256, 512),
    containers=(p.ContainerPlan(name="billing-worker", image="ghcr.io/shop/billing-worker:0.9.1",
                                args=("--queue", "billing")),),
    desired_count=1, wave=2,
)


def _rule(priority: int, service: str, hosts: tuple[str, ...], paths: tuple[str, ...] = ()) -> p.ListenerRule:
    group = f"{service}-http"
    return p.ListenerRule(priority, p.RuleCondition(host_headers=hosts, path_patterns=paths),
                          (p.WeightedTarget(group, 1, service),), service)


PUBLIC = p.LoadBalancerPlan(
    name="public", hosts=("shop.example.com", "api.shop.example.com"),
    rules=(
        _rule(10, "orders-api", ("api.shop.example.com",), ("/orders", "/orders/*")),
        _rule(20, "catalog", ("api.shop.example.com",)),
        _rule(30, "catalog", ("shop.example.com",), ("/catalog/*",)),
        _rule(40, "orders-api", ("shop.example.com",), ("/orders/*",)),
    ),
)

ENVIRONMENT = p.EnvironmentPlan(
    name=ENV, settings=p.EnvironmentSettings(profile="prod", log_retention_days=30, region=REGION),
    service_connect_namespace="prod.shop.internal",
    services=(WORKER, CATALOG, ORDERS), load_balancers=(PUBLIC,),
    secrets=(p.SecretPlan("prod/default/orders-db", ("password",), p.Source("k8s/orders.yaml", 40)),
             p.SecretPlan("prod/default/orders-keys", ("api-key",), p.Source("k8s/orders.yaml", 50))),
    waves=(("catalog", "orders-api"), ("billing-worker",)),
)

PLAN = p.MigrationPlan(project=PROJECT, environments=(ENVIRONMENT,), generator="tests")
