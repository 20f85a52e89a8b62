"""Read an applied environment back with boto3 and put live state and plan side by side, as
plain comparable values (no ARNs, names resolved). Deliberately independent of
migrator.verify: the acceptance test must not trust the code that issue #6 is building."""

from __future__ import annotations

from tests.harness.applied import AppliedEnvironment
from migrator.plan import model as p


def services(applied: AppliedEnvironment) -> dict[str, dict]:
    """DescribeServices of every planned service, by name (batches of 10, as AWS requires)."""
    ecs, names = applied.client("ecs"), [s.name for s in applied.plan.environment(applied.env_name).services]
    found = {}
    for start in range(0, len(names), 10):
        answer = ecs.describe_services(cluster=applied.outputs["cluster_name"],
                                       services=names[start:start + 10])
        found.update({s["serviceName"]: s for s in answer["services"] if s["status"] == "ACTIVE"})
    return found


def primary_deployment(service: dict) -> dict:
    return next(d for d in service.get("deployments", []) if d["status"] == "PRIMARY")


def task_size(task_definition: dict) -> tuple:
    containers = tuple((c["name"], c["image"], c.get("cpu", 0), c.get("memory"), c.get("memoryReservation"))
                       for c in task_definition["containerDefinitions"])
    return (int(task_definition["cpu"]), int(task_definition["memory"]),
            task_definition.get("runtimePlatform", {}).get("cpuArchitecture", "X86_64"), containers)


def planned_task_size(service: p.ServicePlan) -> tuple:
    containers = tuple((c.name, c.image, c.cpu, c.memory, c.memory_reservation) for c in service.containers)
    return (service.task.cpu, service.task.memory, service.task.cpu_architecture, containers)


def service_connect(service: dict, namespace_names: dict[str, str]) -> tuple:
    config = primary_deployment(service).get("serviceConnectConfiguration") or {}
    entries = tuple(sorted(
        (s["portName"], s.get("discoveryName", s["portName"]), alias["dnsName"], alias["port"])
        for s in config.get("services", []) for alias in s.get("clientAliases", [])))
    return (config.get("enabled", False), namespace_names.get(config.get("namespace", ""), ""), entries)


def planned_service_connect(service: p.ServicePlan, namespace: str) -> tuple:
    entries = tuple(sorted((e.port_name, e.discovery_name, e.dns_name, e.port)
                           for e in service.service_connect))
    return (True, namespace, entries)


def scaling(applied: AppliedEnvironment) -> dict[str, tuple]:
    """(min, max, {(metric, target, scale-in, scale-out)}) per service with a scalable target."""
    client, cluster = applied.client("application-autoscaling"), applied.outputs["cluster_name"]
    prefix = f"service/{cluster}/"
    policies: dict[str, set] = {}
    for page in client.get_paginator("describe_scaling_policies").paginate(ServiceNamespace="ecs"):
        for policy in page["ScalingPolicies"]:
            config = policy["TargetTrackingScalingPolicyConfiguration"]
            policies.setdefault(policy["ResourceId"], set()).add((
                _metric(config), float(config["TargetValue"]), config.get("ScaleInCooldown"),
                config.get("ScaleOutCooldown")))
    live = {}
    for page in client.get_paginator("describe_scalable_targets").paginate(ServiceNamespace="ecs"):
        for target in page["ScalableTargets"]:
            if target["ResourceId"].startswith(prefix):
                live[target["ResourceId"][len(prefix):]] = (
                    target["MinCapacity"], target["MaxCapacity"],
                    frozenset(policies.get(target["ResourceId"], ())))
    return live


def _metric(config: dict) -> str:
    if "PredefinedMetricSpecification" in config:
        return config["PredefinedMetricSpecification"]["PredefinedMetricType"]
    custom = config["CustomizedMetricSpecification"]
    return f"custom:{custom['Namespace']}/{custom['MetricName']}"


def planned_scaling(environment: p.EnvironmentPlan) -> dict[str, tuple]:
    return {s.name: (s.autoscaling.min_capacity, s.autoscaling.max_capacity, frozenset(
        (pol.metric, float(pol.target_value), pol.scale_in_cooldown, pol.scale_out_cooldown)
        for pol in s.autoscaling.policies))
        for s in environment.services if s.autoscaling}


def target_group_keys(environment: p.EnvironmentPlan, live_services: dict[str, dict]) -> dict[str, str]:
    """Target group ARN -> the plan's target group key, through the ECS service it serves."""
    keys = {}
    for service in environment.services:
        attached = {(lb["containerName"], lb["containerPort"]): lb["targetGroupArn"]
                    for lb in live_services.get(service.name, {}).get("loadBalancers", [])}
        for target in service.load_balancers:
            arn = attached.get((target.container, target.container_port))
            if arn:
                keys[arn] = target.target_group
    return keys


def listener_rules(applied: AppliedEnvironment, balancer: p.LoadBalancerPlan,
                   tg_keys: dict[str, str]) -> dict[int, tuple]:
    """Priority -> (conditions, action) on the listener that serves the planned rules."""
    elbv2, arn = applied.client("elbv2"), _balancer_arn(applied, balancer)
    port = 443 if balancer.https or balancer.certificate_arn else 80
    listener = next(item for item in elbv2.describe_listeners(LoadBalancerArn=arn)["Listeners"]
                    if item["Port"] == port)
    rules = _all_rules(elbv2, listener["ListenerArn"])
    return {int(rule["Priority"]): (_conditions(rule["Conditions"]), _action(rule["Actions"], tg_keys))
            for rule in rules if not rule["IsDefault"]}


def _all_rules(elbv2, listener_arn: str) -> list[dict]:
    rules, marker = [], None
    while True:
        page = elbv2.describe_rules(ListenerArn=listener_arn, **({"Marker": marker} if marker else {}))
        rules += page["Rules"]
        marker = page.get("NextMarker")
        if not marker:
            return rules


def _conditions(conditions: list[dict]) -> tuple:
    found = {"host-header": (), "path-pattern": (), "http-request-method": (), "http-header": ()}
    headers = []
    for condition in conditions:
        field = condition["Field"]
        config_key = {"host-header": "HostHeaderConfig", "path-pattern": "PathPatternConfig",
                      "http-request-method": "HttpRequestMethodConfig"}.get(field)
        if field == "http-header":
            config = condition["HttpHeaderConfig"]
            headers.append((config["HttpHeaderName"], tuple(sorted(config["Values"]))))
        elif config_key:
            found[field] = tuple(sorted(condition.get(config_key, {}).get("Values") or condition["Values"]))
        else:
            found[field] = ("unexpected", condition)
    return (found["host-header"], found["path-pattern"], found["http-request-method"],
            tuple(sorted(headers)))


def _action(actions: list[dict], tg_keys: dict[str, str]) -> tuple:
    action = min(actions, key=lambda a: a.get("Order", 1))
    if action["Type"] == "fixed-response":
        return ("fixed-response", int(action["FixedResponseConfig"]["StatusCode"]))
    groups = action.get("ForwardConfig", {}).get("TargetGroups") or [
        {"TargetGroupArn": action["TargetGroupArn"], "Weight": 1}]
    return (action["Type"], tuple(sorted((tg_keys.get(g["TargetGroupArn"], g["TargetGroupArn"]),
                                          g.get("Weight", 1)) for g in groups)))


def planned_rules(balancer: p.LoadBalancerPlan) -> dict[int, tuple]:
    out = {}
    for rule in balancer.rules:
        c = rule.conditions
        conditions = (tuple(sorted(c.host_headers)), tuple(sorted(c.path_patterns)),
                      tuple(sorted(c.http_methods)),
                      tuple(sorted((name, tuple(sorted(values))) for name, values in c.http_headers)))
        action = (("fixed-response", rule.fixed_response) if rule.fixed_response else
                  ("forward", tuple(sorted((t.target_group, t.weight) for t in rule.targets))))
        out[rule.priority] = (conditions, action)
    return out


def target_group_health(applied: AppliedEnvironment, tg_keys: dict[str, str]) -> dict[str, tuple]:
    elbv2 = applied.client("elbv2")
    groups = elbv2.describe_target_groups(TargetGroupArns=list(tg_keys))["TargetGroups"] if tg_keys else []
    return {tg_keys[g["TargetGroupArn"]]: (
        g["Port"], g["Protocol"], g.get("HealthCheckPath"), g["Matcher"]["HttpCode"],
        g["HealthCheckIntervalSeconds"], g["HealthCheckTimeoutSeconds"],
        g["HealthyThresholdCount"], g["UnhealthyThresholdCount"]) for g in groups}


def planned_target_group_health(environment: p.EnvironmentPlan) -> dict[str, tuple]:
    return {t.target_group: (
        t.container_port, t.protocol, t.health_check.path, t.health_check.matcher,
        t.health_check.interval, t.health_check.timeout, t.health_check.healthy_threshold,
        t.health_check.unhealthy_threshold)
        for s in environment.services for t in s.load_balancers}


def deployment(service: dict) -> tuple:
    config = service.get("deploymentConfiguration", {})
    breaker = config.get("deploymentCircuitBreaker", {})
    strategy = tuple((i["capacityProvider"], i.get("weight", 0), i.get("base", 0))
                     for i in service.get("capacityProviderStrategy", []))
    grace = service.get("healthCheckGracePeriodSeconds", 0) if service.get("loadBalancers") else None
    return (config.get("minimumHealthyPercent"), config.get("maximumPercent"),
            breaker.get("enable", False), breaker.get("rollback", False), grace, strategy)


def planned_deployment(service: p.ServicePlan) -> tuple:
    """As `deployment()`; an empty planned strategy means the environment's default, which
    is only required to be there (None)."""
    d = service.deployment
    strategy = tuple((i.capacity_provider, i.weight, i.base)
                     for i in service.capacity_provider_strategy) or None
    grace = d.health_check_grace_period if service.load_balancers else None
    return (d.minimum_healthy_percent, d.maximum_percent, d.circuit_breaker, d.rollback, grace, strategy)


def listeners(applied: AppliedEnvironment, balancer: p.LoadBalancerPlan) -> dict[int, tuple]:
    """Port -> (protocol, certificate ARNs, default action kind and detail)."""
    elbv2 = applied.client("elbv2")
    arn = _balancer_arn(applied, balancer)
    out = {}
    for item in elbv2.describe_listeners(LoadBalancerArn=arn)["Listeners"]:
        action = min(item["DefaultActions"], key=lambda a: a.get("Order", 1))
        detail = {"redirect": lambda a: a["RedirectConfig"]["Protocol"],
                  "fixed-response": lambda a: int(a["FixedResponseConfig"]["StatusCode"]),
                  }.get(action["Type"], lambda a: "")(action)
        certificates = tuple(sorted(c["CertificateArn"] for c in item.get("Certificates", [])))
        out[item["Port"]] = (item["Protocol"], certificates, action["Type"], detail)
    return out


def _balancer_arn(applied: AppliedEnvironment, balancer: p.LoadBalancerPlan) -> str:
    dns_name = applied.outputs["load_balancers"][balancer.name]["dns_name"]
    return next(lb["LoadBalancerArn"] for lb in applied.client("elbv2").describe_load_balancers()[
        "LoadBalancers"] if lb["DNSName"] == dns_name)


def planned_listeners(balancer: p.LoadBalancerPlan) -> dict[int, tuple]:
    if balancer.default_target or balancer.default_targets:
        default = ("forward", "")
    else:
        default = ("fixed-response", balancer.default_fixed_response or 404)
    if not (balancer.https or balancer.certificate_arn):
        return {80: ("HTTP", (), *default)}
    http = ("redirect", "HTTPS") if balancer.redirect_http_to_https else default
    return {443: ("HTTPS", (balancer.certificate_arn,), *default), 80: ("HTTP", (), *http)}
