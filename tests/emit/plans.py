"""Plans built by hand for emit tests: one that sets every field the emitter reads, and small
variants of it. Built here rather than planned from manifests so emit is tested against the
plan contract alone."""

from __future__ import annotations

import dataclasses

from migrator.findings import SourceRef, warning
from migrator.plan import model as p

SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/shop/db-AbCdEf"
SRC = p.Source("k8s/shop.yaml", 12)


def web_service() -> p.ServicePlan:
    return p.ServicePlan(
        name="web", namespace="shop", workload_kind="Deployment", source=SRC,
        task=p.TaskSize(cpu=512, memory=1024, cpu_architecture="ARM64", requested_cpu=300, requested_memory=600,
                        ephemeral_storage_gib=40),
        containers=(
            p.ContainerPlan(
                name="web", image="123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:1.2.3",
                command=("/bin/server",), args=("--port", "8080"),
                port_mappings=(p.PortMapping("http", 8080, app_protocol="http"),
                               p.PortMapping("metrics", 9090)),
                environment={"LOG_LEVEL": "info", "TEMPLATE": "${HOME}/x", "A_FIRST": "1"},
                secrets=(p.SecretRef("DB_PASSWORD", "prod/shop/db:password"),
                         p.SecretRef("API_TOKEN", SECRET_ARN + ":token::"),
                         p.SecretRef("LEGACY", "arn:aws:ssm:us-east-1:123456789012:parameter/shop/legacy")),
                cpu=256, memory=1024, memory_reservation=512,
                health_check=p.ContainerHealthCheck(("CMD-SHELL", "curl -f http://localhost:8080/healthz"),
                                                    interval=10, start_period=20),
                user="1000", readonly_root_filesystem=True, working_directory="/app",
                mount_points=(p.MountPoint("scratch", "/tmp"),),
                depends_on=(("migrate", "SUCCESS"),), stop_timeout=30, capabilities_add=("SYS_PTRACE",),
            ),
            p.ContainerPlan(name="migrate", image="ghcr.io/shop/web:1.2.3", essential=False,
                            args=("migrate",), repository_credentials=SECRET_ARN.replace("db-AbCdEf", "ghcr-XyZ123")),
        ),
        desired_count=3, count_owner="autoscaling",
        autoscaling=p.Autoscaling(2, 10, (
            p.ScalingPolicy("cpu", "ECSServiceAverageCPUUtilization", 70.0, kubernetes_target="cpu 70%"),
            p.ScalingPolicy("requests", "ALBRequestCountPerTarget", 500.0, scale_in_cooldown=120),
            p.ScalingPolicy("queue", "custom:Shop/Orders/QueueDepth", 5.5),
        )),
        service_connect=(p.ServiceConnectEntry("http", "web", "web", 80),),
        load_balancers=(p.LoadBalancerTarget("web-http", "web", 8080, health_check=p.TargetHealthCheck(
            path="/healthz", matcher="200", interval=15, healthy_threshold=2)),),
        deployment=p.DeploymentSettings(minimum_healthy_percent=50, health_check_grace_period=60),
        capacity_provider_strategy=(p.CapacityProviderItem("FARGATE", base=1),
                                    p.CapacityProviderItem("FARGATE_SPOT", weight=3)),
        task_role_arn="arn:aws:iam::123456789012:role/shop-web",
        volumes=(p.VolumePlan("scratch", "task"),
                 p.VolumePlan("shared", "efs", "web-shared", efs_root_directory="/web/shared", efs_uid=1000,
                              efs_gid=1000, size_gib=10, claim="shop/web-shared")),
        wave=2, group="critical",
    )


def api_service() -> p.ServicePlan:
    return p.ServicePlan(
        name="api", namespace="shop", workload_kind="Deployment", source=p.Source("k8s/api.yaml", 3),
        task=p.TaskSize(cpu=256, memory=512),
        containers=(p.ContainerPlan(name="api", image="ghcr.io/shop/api:2",
                                    port_mappings=(p.PortMapping("grpc", 50051, app_protocol="grpc"),)),),
        service_connect=(p.ServiceConnectEntry("grpc", "api", "api", 50051),),
        load_balancers=(p.LoadBalancerTarget("api-grpc", "api", 50051, health_check=p.TargetHealthCheck(
                            path="/healthz", port="8081", protocol="HTTP")),
                        p.LoadBalancerTarget("api-admin", "api", 50051),
                        p.LoadBalancerTarget("api-canary", "api", 50051)),
        health_check=p.TargetHealthCheck(path="/ready", matcher="200"), health_check_container="api",
    )


def full_environment(name: str = "prod") -> p.EnvironmentPlan:
    settings = p.EnvironmentSettings(profile="prod", az_count=3, nat_gateways=3, log_retention_days=30,
                                     min_tasks=2, use_spot=False, deletion_protection=True)
    rules = (
        p.ListenerRule(10, p.RuleCondition(host_headers=("shop.example.com",), path_patterns=("/api/*",),
                                           http_methods=("GET", "POST"),
                                           http_headers=(("X-Canary", ("1",)),)),
                       (p.WeightedTarget("api-grpc", 80), p.WeightedTarget("api-canary", 10),
                        p.WeightedTarget("web-http", 10)), "api", SRC),
        p.ListenerRule(20, p.RuleCondition(host_headers=("shop.example.com",)), (p.WeightedTarget("web-http"),),
                       "web", origin="Ingress shop/web shop.example.com/ (Prefix)"),
        p.ListenerRule(30, p.RuleCondition(host_headers=("legacy.example.com",)), (p.WeightedTarget("web-http"),),
                       "web"),
    )
    return p.EnvironmentPlan(
        name=name, settings=settings, service_connect_namespace=f"{name}.shop.internal",
        services=(web_service(), api_service()),
        scheduled_tasks=(p.ScheduledTaskPlan(
            name="nightly-report", namespace="shop", source=p.Source("k8s/cron.yaml", 1),
            schedule="cron(0 3 * * ? *)", timezone="Europe/Berlin", task=p.TaskSize(256, 512),
            containers=(p.ContainerPlan(name="report", image="ghcr.io/shop/report:1",
                                        secrets=(p.SecretRef("DB_PASSWORD", "prod/shop/db:password"),)),),
            enabled=False, volumes=(p.VolumePlan("shared", "efs", "web-shared"),),
            task_role_arn="arn:aws:iam::123456789012:role/shop-report",
            capacity_provider_strategy=(p.CapacityProviderItem("FARGATE_SPOT"),)),),
        jobs=(p.JobPlan(name="db-migrate", namespace="shop", source=p.Source("k8s/job.yaml", 1),
                        task=p.TaskSize(512, 1024),
                        containers=(p.ContainerPlan(name="migrate", image="ghcr.io/shop/web:1.2.3", args=("migrate",),
                                                    secrets=(p.SecretRef("DB_PASSWORD", "prod/shop/db:password"),)),),
                        volumes=(p.VolumePlan("data", "efs", "db-data", efs_uid=999),)),),
        load_balancers=(
            p.LoadBalancerPlan(
                name="main", hosts=("shop.example.com", "legacy.example.com"), rules=rules,
                default_target="web-http", https=True, redirect_http_to_https=True, tls_hosts=("shop.example.com",),
                certificate_arn="arn:aws:acm:us-east-1:123456789012:certificate/abc"),
            p.LoadBalancerPlan(
                name="internal", internal=True, rules=(p.ListenerRule(
                    5, p.RuleCondition(path_patterns=("/maintenance",)), (), "", fixed_response=503,
                    origin="Ingress shop/maintenance /maintenance (Exact)"),),
                default_targets=(p.WeightedTarget("api-admin", 1, "api"),), default_fixed_response=0),
        ),
        secrets=(p.SecretPlan("prod/shop/db", ("password", "user"), SRC, "Kubernetes Secret shop/db"),
                 p.SecretPlan("prod/shop/ghcr", (".dockerconfigjson",), SRC)),
        waves=(("api",), ("web",)),
        findings=(warning("route.regex-path", "regex path cannot be expressed; review rule 10",
                          SourceRef("k8s/ingress.yaml", 7)),),
    )


def staging_environment() -> p.EnvironmentPlan:
    env = full_environment("staging")
    settings = dataclasses.replace(env.settings, profile="staging", az_count=2, nat_gateways=1,
                                   log_retention_days=10, fixed_count=1, use_spot=True,
                                   deletion_protection=False, container_insights=False)
    lbs = tuple(dataclasses.replace(lb, certificate_arn="") for lb in env.load_balancers)
    return dataclasses.replace(env, settings=settings, load_balancers=lbs, findings=())


def full_plan() -> p.MigrationPlan:
    return p.MigrationPlan(project="shop", environments=(staging_environment(), full_environment("prod")),
                           generator="migrator test")


def minimal_plan() -> p.MigrationPlan:
    """One service, no load balancer, no secrets: the smallest plan emit must handle."""
    env = p.EnvironmentPlan(name="default", settings=p.EnvironmentSettings(),
                            service_connect_namespace="default.internal",
                            services=(dataclasses.replace(api_service(), load_balancers=()),))
    return p.MigrationPlan(project="tiny", environments=(env,))
