"""The bundled sample's prod environment, applied to moto, as tests and the demo drive it:
settle it the way ECS would, and inject drifts with boto3 (each injection returns its undo)."""

from __future__ import annotations

SERVICE = "user-service"  # wave 1: autoscaled, Service Connect, a target group, two secrets
SCHEDULED_TASK = "nightly-report"  # the prod values' CronJob (analytics-service image, America/New_York)


class Live:
    """The applied environment, settled, with the handles the injections need."""

    def __init__(self, applied):
        self.applied = applied
        self.env = applied.plan.environment(applied.env_name)
        self.cluster = f"{applied.plan.project}-{applied.env_name}"
        self.ecs, self.elbv2 = applied.client("ecs"), applied.client("elbv2")
        self.scaling, self.logs = applied.client("application-autoscaling"), applied.client("logs")

    def service(self, name: str = SERVICE) -> dict:
        return self.ecs.describe_services(cluster=self.cluster, services=[name])["services"][0]

    def planned(self, name: str = SERVICE):
        return next(s for s in self.env.services if s.name == name)

    def rules(self, protocol: str = "HTTPS") -> dict[int, dict]:
        """The rules of the HTTPS listener, or with "HTTP" the plain-HTTP copies port 80 serves."""
        lb = next(lb for lb in self.elbv2.describe_load_balancers()["LoadBalancers"]
                  if lb["LoadBalancerName"].startswith(self.cluster))
        listener = next(x for x in self.elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
                        if x["Protocol"] == protocol)
        return {int(r["Priority"]): r for r in self.elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
                if not r["IsDefault"]}

    def settle(self) -> None:
        """What ECS does and moto does not: the desired count runs, each task a healthy target."""
        for planned in self.env.services:
            service = self.service(planned.name)
            self.ecs.update_service(cluster=self.cluster, service=planned.name, desiredCount=service["desiredCount"])
            for attached in service.get("loadBalancers", []):
                self.elbv2.register_targets(TargetGroupArn=attached["targetGroupArn"], Targets=[
                    {"Id": f"10.0.{n}.10", "Port": attached["containerPort"]} for n in range(2)])


def _task_revision(live: Live, change) -> callable:
    original = live.service()["taskDefinition"]
    definition = live.ecs.describe_task_definition(taskDefinition=original)["taskDefinition"]
    keep = ("family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions", "volumes",
            "requiresCompatibilities", "cpu", "memory", "runtimePlatform")
    changed = change({k: definition[k] for k in keep if k in definition})
    arn = live.ecs.register_task_definition(**changed)["taskDefinition"]["taskDefinitionArn"]
    live.ecs.update_service(cluster=live.cluster, service=SERVICE, taskDefinition=arn)

    def restore():
        live.ecs.update_service(cluster=live.cluster, service=SERVICE, taskDefinition=original)
        live.ecs.deregister_task_definition(taskDefinition=arn)
    return restore


def task_cpu(live):
    return _task_revision(live, lambda d: {**d, "cpu": "2048"})


def image_tag(live):
    return _task_revision(live, lambda d: {**d, "containerDefinitions": [
        {**c, "image": c["image"].rsplit(":", 1)[0] + ":9.9.9"} for c in d["containerDefinitions"]]})


def secret_removed(live):
    return _task_revision(live, lambda d: {**d, "containerDefinitions": [
        {**c, "secrets": [s for s in c.get("secrets", []) if s["name"] != "JWT_SECRET"]}
        for c in d["containerDefinitions"]]})


def planned_rule(live, service: str):
    return next(r for lb in live.env.load_balancers for r in lb.rules if r.service == service)


def rule_deleted(live):
    rule = live.rules()[planned_rule(live, "analytics-service").priority]
    live.elbv2.delete_rule(RuleArn=rule["RuleArn"])
    listener = rule["RuleArn"].replace(":listener-rule/", ":listener/").rsplit("/", 1)[0]

    def restore():
        live.elbv2.create_rule(ListenerArn=listener, Priority=int(rule["Priority"]), Conditions=rule["Conditions"],
                               Actions=rule["Actions"])
    return restore


def overlapping_rules(live):
    """Two rules of one host where the later one's path covers the earlier one's."""
    rules = next(lb for lb in live.env.load_balancers if lb.name == "public").rules
    return next((a, b) for a in rules for b in rules
                if a.priority < b.priority and a.service != b.service and a.conditions.path_patterns
                and b.conditions.path_patterns and a.conditions.host_headers == b.conditions.host_headers
                and a.conditions.path_patterns[0].startswith(b.conditions.path_patterns[0].rstrip("*")))


def _set_priorities(live, moves):
    for arn, priority in moves:
        live.elbv2.set_rule_priorities(RulePriorities=[{"RuleArn": arn, "Priority": priority}])


def priorities_swapped(live):
    a, b = overlapping_rules(live)
    rules = live.rules()
    first, second = rules[a.priority]["RuleArn"], rules[b.priority]["RuleArn"]
    spare = 49000
    _set_priorities(live, [(first, spare), (second, a.priority), (first, b.priority)])
    return lambda: _set_priorities(live, [(first, spare), (second, b.priority), (first, a.priority)])


def host_changed(live):
    planned = planned_rule(live, "orders-api")
    rule = live.rules()[planned.priority]
    changed = [{**c, "HostHeaderConfig": {"Values": ["orders.example.net"]}, "Values": ["orders.example.net"]}
               if c["Field"] == "host-header" else c for c in rule["Conditions"]]
    live.elbv2.modify_rule(RuleArn=rule["RuleArn"], Conditions=[_condition(c) for c in changed])
    return lambda: live.elbv2.modify_rule(RuleArn=rule["RuleArn"],
                                          Conditions=[_condition(c) for c in rule["Conditions"]])


def port_80_rule(live):
    """The planned rule port 80 serves itself for a host without TLS (hello.example.com)."""
    from migrator.routing.listeners import http_listener_rules

    lb = next(lb for lb in live.env.load_balancers if lb.name == "public")
    return next(r for r in http_listener_rules(lb) if r.service == "hello")


def port_80_path_changed(live):
    rule = live.rules("HTTP")[port_80_rule(live).priority]
    changed = [{**c, "PathPatternConfig": {"Values": ["/hello/*"]}, "Values": ["/hello/*"]}
               if c["Field"] == "path-pattern" else c for c in rule["Conditions"]]
    live.elbv2.modify_rule(RuleArn=rule["RuleArn"], Conditions=[_condition(c) for c in changed])
    return lambda: live.elbv2.modify_rule(RuleArn=rule["RuleArn"],
                                          Conditions=[_condition(c) for c in rule["Conditions"]])


def _condition(condition: dict) -> dict:
    return {k: v for k, v in condition.items() if k != "Values"}


def _scalable_target(live) -> dict:
    return live.scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[
        f"service/{live.cluster}/{SERVICE}"])["ScalableTargets"][0]


def scaling_max(live):
    target = _scalable_target(live)

    def register(maximum):
        live.scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId=target["ResourceId"],
                                              ScalableDimension=target["ScalableDimension"],
                                              MinCapacity=target["MinCapacity"], MaxCapacity=maximum)
    register(target["MaxCapacity"] + 4)
    return lambda: register(target["MaxCapacity"])


def policy_target(live):
    policy = next(p for p in live.scaling.describe_scaling_policies(
        ServiceNamespace="ecs", ResourceId=f"service/{live.cluster}/{SERVICE}")["ScalingPolicies"]
        if p["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]["PredefinedMetricType"]
        == "ECSServiceAverageCPUUtilization")

    def put(value):
        config = {**policy["TargetTrackingScalingPolicyConfiguration"], "TargetValue": value}
        live.scaling.put_scaling_policy(PolicyName=policy["PolicyName"], ServiceNamespace="ecs",
                                        ResourceId=policy["ResourceId"], ScalableDimension=policy["ScalableDimension"],
                                        PolicyType="TargetTrackingScaling",
                                        TargetTrackingScalingPolicyConfiguration=config)
    put(55.0)
    return lambda: put(policy["TargetTrackingScalingPolicyConfiguration"]["TargetValue"])


def alias_missing(live):
    service = live.service()
    config = next(d["serviceConnectConfiguration"] for d in service["deployments"] if d["status"] == "PRIMARY")
    live.ecs.update_service(cluster=live.cluster, service=SERVICE,
                            serviceConnectConfiguration={**config, "services": []})
    return lambda: live.ecs.update_service(cluster=live.cluster, service=SERVICE, serviceConnectConfiguration=config)


def health_path(live):
    group = live.service()["loadBalancers"][0]["targetGroupArn"]
    path = live.elbv2.describe_target_groups(TargetGroupArns=[group])["TargetGroups"][0]["HealthCheckPath"]
    live.elbv2.modify_target_group(TargetGroupArn=group, HealthCheckPath="/")
    return lambda: live.elbv2.modify_target_group(TargetGroupArn=group, HealthCheckPath=path)


def log_group(live) -> str:
    definition = live.ecs.describe_task_definition(taskDefinition=live.service()["taskDefinition"])["taskDefinition"]
    return definition["containerDefinitions"][0]["logConfiguration"]["options"]["awslogs-group"]


def log_retention(live):
    group = log_group(live)
    days = live.logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["retentionInDays"]
    live.logs.put_retention_policy(logGroupName=group, retentionInDays=7)
    return lambda: live.logs.put_retention_policy(logGroupName=group, retentionInDays=days)


def desired_below_min(live):
    count = live.service()["desiredCount"]
    live.ecs.update_service(cluster=live.cluster, service=SERVICE, desiredCount=1)
    return lambda: live.ecs.update_service(cluster=live.cluster, service=SERVICE, desiredCount=count)


def schedule(live) -> dict:
    """The GetSchedule answer for the sample's CronJob, found by the name emit gave it."""
    from migrator.verify.names import schedule_name

    name = schedule_name(live.applied.plan.project, live.applied.env_name, SCHEDULED_TASK)
    return live.applied.client("scheduler").get_schedule(Name=name)


UPDATABLE = ("Name", "GroupName", "Description", "ScheduleExpression", "ScheduleExpressionTimezone", "State",
             "FlexibleTimeWindow", "Target", "KmsKeyArn", "StartDate", "EndDate", "ActionAfterCompletion")


def schedule_expression(live):
    """The CronJob's schedule moved an hour later behind Terraform's back (UpdateSchedule replaces
    every field, so the restore sends the whole schedule back as it was)."""
    original = {k: v for k, v in schedule(live).items() if k in UPDATABLE and v is not None}
    scheduler = live.applied.client("scheduler")
    scheduler.update_schedule(**{**original, "ScheduleExpression": "cron(30 3 * * ? *)"})
    return lambda: scheduler.update_schedule(**original)
