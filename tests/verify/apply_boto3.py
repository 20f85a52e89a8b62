"""Create a plan environment's AWS resources with boto3, named and shaped the way
`migrate emit`'s Terraform creates them (cluster `<project>-<env>`, ALB `<project>-<env>-<lb>`,
log groups `/ecs/<project>-<env>/<service>`, default tags Environment/Project). A stand-in for
`terraform apply` that takes a second, so each drift test starts from a fresh environment.

Then `settle()` plays ECS: every service runs its desired count and each target group has a
healthy target per task, which moto does not do by itself.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import boto3

from migrator.plan import model as p
from migrator.verify import names


@dataclass
class Applied:
    clients: dict
    project: str
    env: p.EnvironmentPlan
    cluster: str
    vpc: str = ""
    subnets: list = field(default_factory=list)
    security_group: str = ""
    namespace_arn: str = ""
    secret_arns: dict = field(default_factory=dict)  # secret name -> ARN (with AWS's random suffix)
    target_groups: dict = field(default_factory=dict)  # key -> ARN
    listener: str = ""
    rules: dict = field(default_factory=dict)  # planned priority -> rule ARN
    task_definitions: dict = field(default_factory=dict)  # service -> ARN

    def client(self, name: str):
        return self.clients[name]

    def container_definitions(self, service: p.ServicePlan) -> list[dict]:
        return [container_definition(c, self, service) for c in service.containers]


def make_clients(endpoint: str, region: str = "us-east-1") -> dict:
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name=region)
    return {name: session.client(name, endpoint_url=endpoint) for name in (
        "ec2", "ecs", "elbv2", "application-autoscaling", "servicediscovery", "logs", "secretsmanager",
        "scheduler")}


def tags(project: str, env: str, key: str = "Key", value: str = "Value", **extra: str) -> list[dict]:
    return [{key: k, value: v} for k, v in {"Environment": env, "Project": project, **extra}.items()]


@dataclass(frozen=True)
class Network:
    vpc: str
    subnets: list
    security_group: str


def create_network(clients: dict) -> Network:
    """Once per server: moto's EC2 is slow to start, and environments can share a VPC."""
    ec2 = clients["ec2"]
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{i}.0/24",
                                 AvailabilityZone=f"us-east-1{'ab'[i]}")["Subnet"]["SubnetId"] for i in range(2)]
    group = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc)["GroupId"]
    return Network(vpc, subnets, group)


def apply_environment(clients: dict, plan: p.MigrationPlan, env_name: str, network: Network,
                      workers: int = 1) -> Applied:
    env = plan.environment(env_name)
    applied = Applied(clients, plan.project, env, cluster=f"{plan.project}-{env.name}", vpc=network.vpc,
                      subnets=network.subnets, security_group=network.security_group)
    ecs = clients["ecs"]
    ecs.create_cluster(clusterName=applied.cluster, tags=tags(plan.project, env.name, "key", "value"))
    clients["servicediscovery"].create_private_dns_namespace(Name=env.service_connect_namespace, Vpc=applied.vpc)
    applied.namespace_arn = next(n["Arn"] for n in clients["servicediscovery"].list_namespaces()["Namespaces"]
                                 if n["Name"] == env.service_connect_namespace)
    for planned in env.secrets:
        applied.secret_arns[planned.name] = clients["secretsmanager"].create_secret(Name=planned.name)["ARN"]
    for lb in env.load_balancers:
        _load_balancer(applied, lb)
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda service: _service(applied, service), env.services))
    return applied


def _load_balancer(applied: Applied, lb: p.LoadBalancerPlan) -> None:
    elbv2 = applied.client("elbv2")
    long_name = names.load_balancer_long_name(applied.project, applied.env.name, lb.name)
    lb_arn = elbv2.create_load_balancer(Name=names.aws_name(long_name), Subnets=applied.subnets,
                                        Tags=tags(applied.project, applied.env.name, Name=long_name),
                                        )["LoadBalancers"][0]["LoadBalancerArn"]
    first = lb.name == applied.env.load_balancers[0].name
    routed = {t.target_group for rule in lb.rules for t in rule.targets} | {lb.default_target}
    for service in applied.env.services:
        for target in service.load_balancers:
            if target.target_group not in routed and not (first and not _routed_anywhere(applied, target)):
                continue
            hc = target.health_check
            applied.target_groups[target.target_group] = elbv2.create_target_group(
                Name=names.aws_name(f"{long_name}-{target.target_group}"), Protocol=target.protocol,
                Port=target.container_port, VpcId=applied.vpc, TargetType="ip", HealthCheckEnabled=True,
                HealthCheckPath=hc.path, HealthCheckPort=hc.port, HealthCheckProtocol=hc.protocol,
                Matcher={"HttpCode": hc.matcher}, HealthCheckIntervalSeconds=hc.interval,
                HealthCheckTimeoutSeconds=hc.timeout, HealthyThresholdCount=hc.healthy_threshold,
                UnhealthyThresholdCount=hc.unhealthy_threshold)["TargetGroups"][0]["TargetGroupArn"]
    default = ([{"Type": "forward", "TargetGroupArn": applied.target_groups[lb.default_target]}] if lb.default_target
               else [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404",
                                                                        "ContentType": "text/plain"}}])
    applied.listener = elbv2.create_listener(LoadBalancerArn=lb_arn, Protocol="HTTP", Port=80,
                                             DefaultActions=default)["Listeners"][0]["ListenerArn"]
    for rule in lb.rules:
        applied.rules[rule.priority] = elbv2.create_rule(
            ListenerArn=applied.listener, Priority=rule.priority, Conditions=rule_conditions(rule.conditions),
            Actions=[{"Type": "forward", "ForwardConfig": {"TargetGroups": [
                {"TargetGroupArn": applied.target_groups[t.target_group], "Weight": t.weight}
                for t in rule.targets]}}])["Rules"][0]["RuleArn"]


def _routed_anywhere(applied: Applied, target: p.LoadBalancerTarget) -> bool:
    return any(target.target_group in {t.target_group for rule in lb.rules for t in rule.targets} | {lb.default_target}
               for lb in applied.env.load_balancers)


def rule_conditions(c: p.RuleCondition) -> list[dict]:
    out = []
    if c.host_headers:
        out.append({"Field": "host-header", "HostHeaderConfig": {"Values": list(c.host_headers)}})
    if c.path_patterns:
        out.append({"Field": "path-pattern", "PathPatternConfig": {"Values": list(c.path_patterns)}})
    return out


def log_group(applied: Applied, service: str) -> str:
    return f"/ecs/{applied.cluster}/{service}"


def container_definition(c: p.ContainerPlan, applied: Applied, service: p.ServicePlan) -> dict:
    definition = {
        "name": c.name, "image": c.image, "essential": c.essential, "cpu": c.cpu,
        "portMappings": [{"name": m.name, "containerPort": m.container_port, "hostPort": m.container_port,
                          "protocol": m.protocol, **({"appProtocol": m.app_protocol} if m.app_protocol else {})}
                         for m in c.port_mappings],
        "environment": [{"name": k, "value": v} for k, v in c.environment.items()],
        "secrets": [{"name": s.name, "valueFrom": _live_value_from(applied, s.value_from)} for s in c.secrets],
        "linuxParameters": {"initProcessEnabled": True},
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": log_group(applied, service.name), "awslogs-region": applied.env.settings.region,
            "awslogs-stream-prefix": c.name}},
    }
    optional = {"entryPoint": list(c.command), "command": list(c.args), "memory": c.memory,
                "memoryReservation": c.memory_reservation}
    definition.update({k: v for k, v in optional.items() if v})
    if c.health_check:
        h = c.health_check
        definition["healthCheck"] = {"command": list(h.command), "interval": h.interval, "timeout": h.timeout,
                                     "retries": h.retries, "startPeriod": h.start_period}
    return definition


def _live_value_from(applied: Applied, value_from: str) -> str:
    name, _, key = value_from.split(":secret:", 1)[1].partition(":")
    return f"{applied.secret_arns[name]}:{key}"


def register_task_definition(applied: Applied, service: p.ServicePlan, containers: list[dict],
                             cpu: int | None = None) -> str:
    arn = applied.client("ecs").register_task_definition(
        family=f"{applied.cluster}-{service.name}", requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
        cpu=str(cpu or service.task.cpu), memory=str(service.task.memory), containerDefinitions=containers,
        executionRoleArn=f"arn:aws:iam::123456789012:role/{applied.cluster}-{service.name}-execution",
        taskRoleArn=f"arn:aws:iam::123456789012:role/{applied.cluster}-{service.name}-task",
    )["taskDefinition"]["taskDefinitionArn"]
    applied.task_definitions[service.name] = arn
    return arn


def service_connect_configuration(applied: Applied, service: p.ServicePlan,
                                  entries: tuple[p.ServiceConnectEntry, ...] | None = None) -> dict:
    entries = service.service_connect if entries is None else entries
    return {"enabled": True, "namespace": applied.namespace_arn,
            "services": [{"portName": e.port_name, "discoveryName": e.discovery_name,
                          "clientAliases": [{"port": e.port, "dnsName": e.dns_name}]} for e in entries]}


def _service(applied: Applied, service: p.ServicePlan) -> None:
    logs = applied.client("logs")
    logs.create_log_group(logGroupName=log_group(applied, service.name))
    logs.put_retention_policy(logGroupName=log_group(applied, service.name),
                              retentionInDays=applied.env.settings.log_retention_days)
    arn = register_task_definition(applied, service, applied.container_definitions(service))
    d = service.deployment
    extra = {"healthCheckGracePeriodSeconds": d.health_check_grace_period} if service.load_balancers else {}
    applied.client("ecs").create_service(
        cluster=applied.cluster, serviceName=service.name, taskDefinition=arn, desiredCount=service.desired_count,
        launchType="FARGATE", propagateTags="SERVICE", tags=tags(applied.project, applied.env.name, "key", "value"),
        deploymentConfiguration={"minimumHealthyPercent": d.minimum_healthy_percent,
                                 "maximumPercent": d.maximum_percent,
                                 "deploymentCircuitBreaker": {"enable": d.circuit_breaker, "rollback": d.rollback}},
        networkConfiguration={"awsvpcConfiguration": {"subnets": applied.subnets,
                                                      "securityGroups": [applied.security_group]}},
        loadBalancers=[{"targetGroupArn": applied.target_groups[t.target_group], "containerName": t.container,
                        "containerPort": t.container_port} for t in service.load_balancers],
        serviceConnectConfiguration=service_connect_configuration(applied, service), **extra)
    if service.autoscaling:
        _autoscaling(applied, service)


def _autoscaling(applied: Applied, service: p.ServicePlan) -> None:
    scaling = applied.client("application-autoscaling")
    resource = names.autoscaling_resource_id(applied.cluster, service.name)
    scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId=resource,
                                     ScalableDimension="ecs:service:DesiredCount",
                                     MinCapacity=service.autoscaling.min_capacity,
                                     MaxCapacity=service.autoscaling.max_capacity)
    for policy in service.autoscaling.policies:
        put_policy(applied, service, policy)


def put_policy(applied: Applied, service: p.ServicePlan, policy: p.ScalingPolicy) -> None:
    applied.client("application-autoscaling").put_scaling_policy(
        PolicyName=f"{service.name}-{policy.name}", ServiceNamespace="ecs",
        ResourceId=names.autoscaling_resource_id(applied.cluster, service.name),
        ScalableDimension="ecs:service:DesiredCount", PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": policy.target_value, "ScaleInCooldown": policy.scale_in_cooldown,
            "ScaleOutCooldown": policy.scale_out_cooldown,
            "PredefinedMetricSpecification": {"PredefinedMetricType": policy.metric}})


def settle(applied: Applied, workers: int = 1) -> None:
    """What ECS does after a deployment: the desired count runs and each task is a healthy target."""
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda service: _settle(applied, service), applied.env.services))


def _settle(applied: Applied, service: p.ServicePlan) -> None:
    ecs, elbv2 = applied.client("ecs"), applied.client("elbv2")
    described = ecs.describe_services(cluster=applied.cluster, services=[service.name])["services"][0]
    count = described["desiredCount"]
    ecs.update_service(cluster=applied.cluster, service=service.name, desiredCount=count)
    for attached in described.get("loadBalancers", []):
        elbv2.register_targets(TargetGroupArn=attached["targetGroupArn"], Targets=[
            {"Id": f"10.30.0.{10 + n}", "Port": attached["containerPort"]} for n in range(count)])


def destroy(applied: Applied) -> None:
    """Delete what apply_environment created (the network stays), so the next test starts clean."""
    c = applied.clients
    scaling = c["application-autoscaling"]
    for policy in scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]:
        scaling.delete_scaling_policy(PolicyName=policy["PolicyName"], ServiceNamespace="ecs",
                                      ResourceId=policy["ResourceId"], ScalableDimension=policy["ScalableDimension"])
    for target in scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]:
        scaling.deregister_scalable_target(ServiceNamespace="ecs", ResourceId=target["ResourceId"],
                                           ScalableDimension=target["ScalableDimension"])
    for arn in c["ecs"].list_services(cluster=applied.cluster)["serviceArns"]:
        c["ecs"].delete_service(cluster=applied.cluster, service=arn, force=True)
    c["ecs"].delete_cluster(cluster=applied.cluster)
    for lb in c["elbv2"].describe_load_balancers()["LoadBalancers"]:
        c["elbv2"].delete_load_balancer(LoadBalancerArn=lb["LoadBalancerArn"])
    for group in c["elbv2"].describe_target_groups()["TargetGroups"]:
        c["elbv2"].delete_target_group(TargetGroupArn=group["TargetGroupArn"])
    for group in c["logs"].describe_log_groups()["logGroups"]:
        c["logs"].delete_log_group(logGroupName=group["logGroupName"])
    for arn in applied.secret_arns.values():
        c["secretsmanager"].delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
    for namespace in c["servicediscovery"].list_namespaces()["Namespaces"]:
        c["servicediscovery"].delete_namespace(Id=namespace["Id"])
