"""Read one environment's live state from AWS, read-only, with as few calls as the APIs allow.

Every list is paginated at the largest page size the API accepts; calls that fan out (service
batches of 10, one task definition per service, one target-health call per target group) run on
a bounded thread pool; the independent chains (ECS, ELBv2, autoscaling, Cloud Map) run side by
side. The result is boto3's own dictionaries, untouched: normalise.py turns them into the plan.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable

from migrator.findings import InputError
from migrator.verify import names
from migrator.verify.aws import AwsClients
from migrator.verify.normalise_routes import plain_http_listener, routing_listener
from migrator.verify.schedules import read_schedules

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class LiveState:
    cluster: dict
    services: dict[str, dict] = field(default_factory=dict)  # plan service name -> DescribeServices entry
    task_definitions: dict[str, dict] = field(default_factory=dict)  # ARN -> taskDefinition
    load_balancers: dict[str, dict] = field(default_factory=dict)  # plan LB name -> LB (with "Tags")
    listeners: dict[str, list[dict]] = field(default_factory=dict)  # LB ARN -> listeners
    rules: dict[str, list[dict]] = field(default_factory=dict)  # listener ARN -> rules
    target_groups: dict[str, dict] = field(default_factory=dict)  # ARN -> target group
    target_health: dict[str, list[dict]] = field(default_factory=dict)  # TG ARN -> descriptions
    scalable_targets: dict[str, dict] = field(default_factory=dict)  # ResourceId -> target
    scaling_policies: dict[str, list[dict]] = field(default_factory=dict)  # ResourceId -> policies
    namespaces: dict[str, str] = field(default_factory=dict)  # namespace ARN, id and name -> name
    log_groups: dict[str, dict] = field(default_factory=dict)  # name -> log group
    schedules: dict[str, dict] = field(default_factory=dict)  # schedule name -> GetSchedule answer

    @property
    def cluster_name(self) -> str:
        return self.cluster["clusterName"]


@dataclass(frozen=True)
class Wanted:
    """What to look for: the plan's names for this environment."""

    project: str
    env: str
    services: tuple[str, ...]
    load_balancers: tuple[str, ...]
    https: frozenset[str] = frozenset()  # load balancers whose rules live on the HTTPS listener
    schedules: tuple[str, ...] = ()  # EventBridge Scheduler names of the planned scheduled tasks


def _batches(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _pages(client, operation: str, key: str, page_size: int | None = None, **params) -> list:
    config = {"PageSize": page_size} if page_size else {}
    out: list = []
    for page in client.get_paginator(operation).paginate(**params, PaginationConfig=config):
        out.extend(page.get(key, []))
    return out


def read_live_state(clients: AwsClients, wanted: Wanted, progress: Progress | None = None) -> LiveState:
    tick = progress or (lambda stage, done, total: None)
    with ThreadPoolExecutor(clients.target.workers) as pool, ThreadPoolExecutor(4) as chains:
        cluster = find_cluster(clients, wanted)
        state = LiveState(cluster=cluster)
        ecs = chains.submit(_read_ecs, clients, pool, state, wanted, tick)
        elb = chains.submit(_read_load_balancers, clients, pool, state, wanted)
        scaling = chains.submit(_read_autoscaling, clients, state, wanted)
        cloudmap = chains.submit(_read_namespaces, clients, state)
        # No scheduled task planned: no scheduler call, so a role made before verify read schedules still works.
        schedules = (chains.submit(read_schedules, clients, pool, cluster["clusterArn"], set(wanted.schedules))
                     if wanted.schedules else None)
        for future in (ecs, elb, scaling, cloudmap):
            future.result()
        _read_target_groups(clients, pool, state)
        logs = chains.submit(_read_log_groups, clients, state)
        _read_target_health(clients, pool, state, tick)
        logs.result()
        state.schedules = schedules.result() if schedules else {}
    return state


def find_cluster(clients: AwsClients, wanted: Wanted) -> dict:
    arns = _pages(clients.ecs, "list_clusters", "clusterArns", 100)
    clusters: list[dict] = []
    for batch in _batches(arns, 100):
        clusters += clients.ecs.describe_clusters(clusters=batch, include=["TAGS"])["clusters"]
    active = [c for c in clusters if c.get("status", "ACTIVE") == "ACTIVE"]
    tagged = [c for c in active if names.tagged_for(names.tag_map(c.get("tags")), wanted.project, wanted.env)]
    by_name = {c["clusterName"]: c for c in active}
    candidates = names.cluster_names(wanted.project, wanted.env)
    for name in candidates:
        if name in by_name and (not tagged or by_name[name] in tagged):
            return by_name[name]
    if tagged:
        return tagged[0]
    region = clients.target.region
    raise InputError("verify.no-cluster", f"no ECS cluster for environment {wanted.env!r} in {region} (looked for "
                     f"tag Environment={wanted.env} or the name {' / '.join(candidates)}); check --region and "
                     "--profile, or run `migrate emit` and terraform apply first",
                     clients.target.endpoint_url or f"aws:{region}")


def _read_ecs(clients: AwsClients, pool: ThreadPoolExecutor, state: LiveState, wanted: Wanted, tick) -> None:
    arns = _pages(clients.ecs, "list_services", "serviceArns", 100, cluster=state.cluster["clusterArn"])

    def describe(batch: list[str]) -> list[dict]:
        return clients.ecs.describe_services(cluster=state.cluster["clusterArn"], services=batch,
                                             include=["TAGS"])["services"]

    found: list[dict] = []
    for described in pool.map(describe, list(_batches(arns, 10))):
        found += described
        tick("services", len(found), len(arns))
    wanted_names = set(wanted.services)
    for service in found:
        if service.get("status") == "INACTIVE":
            continue
        name = names.tag_map(service.get("tags")).get(names.TAG_SERVICE, service["serviceName"])
        if name in wanted_names:
            state.services[name] = service
    task_arns = sorted({s["taskDefinition"] for s in state.services.values() if s.get("taskDefinition")})

    def task_definition(arn: str) -> tuple[str, dict]:
        return arn, clients.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]

    for done, (arn, definition) in enumerate(pool.map(task_definition, task_arns), 1):
        state.task_definitions[arn] = definition
        tick("task definitions", done, len(task_arns))


def _read_load_balancers(clients: AwsClients, pool: ThreadPoolExecutor, state: LiveState, wanted: Wanted) -> None:
    lbs = _pages(clients.elbv2, "describe_load_balancers", "LoadBalancers", 400)
    lbs = [lb for lb in lbs if lb.get("Type", "application") == "application"]
    tags: dict[str, dict[str, str]] = {}
    for batch in _batches([lb["LoadBalancerArn"] for lb in lbs], 20):
        for description in clients.elbv2.describe_tags(ResourceArns=batch)["TagDescriptions"]:
            tags[description["ResourceArn"]] = names.tag_map(description.get("Tags"))
    for plan_name in wanted.load_balancers:
        match = _match_load_balancer(lbs, tags, wanted, plan_name)
        if match is not None:
            state.load_balancers[plan_name] = {**match, "Tags": tags.get(match["LoadBalancerArn"], {})}
    arns = [lb["LoadBalancerArn"] for lb in state.load_balancers.values()]
    for lb_arn, listeners in zip(arns, pool.map(
            lambda arn: _pages(clients.elbv2, "describe_listeners", "Listeners", 400, LoadBalancerArn=arn), arns)):
        state.listeners[lb_arn] = listeners
    listener_arns = [listener["ListenerArn"] for name, lb in state.load_balancers.items()
                     for listener in _rule_listeners(state.listeners[lb["LoadBalancerArn"]], name in wanted.https)]
    for arn, rules in zip(listener_arns, pool.map(lambda arn: _rules(clients, arn), listener_arns)):
        state.rules[arn] = rules


def _rule_listeners(listeners: list[dict], https: bool) -> list[dict]:
    """The routing listener, and beside an HTTPS one the HTTP listener with its plain-HTTP rules."""
    found = [routing_listener(listeners, https), plain_http_listener(listeners, https)]
    return [listener for listener in found if listener]


def _match_load_balancer(lbs: list[dict], tags: dict, wanted: Wanted, plan_name: str) -> dict | None:
    long_name = names.load_balancer_long_name(wanted.project, wanted.env, plan_name)
    tagged = [lb for lb in lbs if names.tagged_for(tags.get(lb["LoadBalancerArn"], {}), wanted.project, wanted.env)]
    for lb in tagged:
        lb_tags = tags[lb["LoadBalancerArn"]]
        if lb_tags.get(names.TAG_LOAD_BALANCER) == plan_name or lb_tags.get("Name") == long_name:
            return lb
    by_name = {lb["LoadBalancerName"]: lb for lb in lbs}
    return by_name.get(names.aws_name(long_name))


def _rules(clients: AwsClients, listener_arn: str) -> list[dict]:
    # DescribeRules has no boto3 paginator; follow NextMarker by hand.
    rules: list[dict] = []
    params: dict = {"ListenerArn": listener_arn, "PageSize": 400}
    while True:
        page = clients.elbv2.describe_rules(**params)
        rules += page.get("Rules", [])
        if not page.get("NextMarker"):
            return rules
        params["Marker"] = page["NextMarker"]


def _read_target_groups(clients: AwsClients, pool: ThreadPoolExecutor, state: LiveState) -> None:
    lb_arns = [lb["LoadBalancerArn"] for lb in state.load_balancers.values()]
    for groups in pool.map(lambda arn: _pages(clients.elbv2, "describe_target_groups", "TargetGroups", 400,
                                              LoadBalancerArn=arn), lb_arns):
        for group in groups:
            state.target_groups[group["TargetGroupArn"]] = group
    used = sorted({lb["targetGroupArn"] for s in state.services.values() for lb in s.get("loadBalancers", [])
                   if lb.get("targetGroupArn")} - set(state.target_groups))
    for batch in _batches(used, 20):  # target groups of services whose load balancer was not found
        try:
            groups = clients.elbv2.describe_target_groups(TargetGroupArns=batch)["TargetGroups"]
        except clients.elbv2.exceptions.TargetGroupNotFoundException:
            groups = [g for arn in batch for g in _one_target_group(clients, arn)]
        for group in groups:
            state.target_groups[group["TargetGroupArn"]] = group


def _one_target_group(clients: AwsClients, arn: str) -> list[dict]:
    try:
        return clients.elbv2.describe_target_groups(TargetGroupArns=[arn])["TargetGroups"]
    except clients.elbv2.exceptions.TargetGroupNotFoundException:
        return []


def _read_target_health(clients: AwsClients, pool: ThreadPoolExecutor, state: LiveState, tick) -> None:
    arns = sorted({lb["targetGroupArn"] for s in state.services.values() for lb in s.get("loadBalancers", [])
                   if lb.get("targetGroupArn") in state.target_groups})

    def health(arn: str) -> tuple[str, list[dict]]:
        return arn, clients.elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]

    for done, (arn, descriptions) in enumerate(pool.map(health, arns), 1):
        state.target_health[arn] = descriptions
        tick("target health", done, len(arns))


def _read_autoscaling(clients: AwsClients, state: LiveState, wanted: Wanted) -> None:
    # Targets by ResourceIds (at most 50 a call, one page each): only this cluster's services.
    # ECS names are the plan's names (emit's contract), so this runs beside the ECS reads.
    ids = [names.autoscaling_resource_id(state.cluster_name, name) for name in wanted.services]
    for batch in _batches(ids, 50):
        for target in clients.autoscaling.describe_scalable_targets(
                ServiceNamespace="ecs", ResourceIds=batch, ScalableDimension="ecs:service:DesiredCount",
                MaxResults=50)["ScalableTargets"]:
            state.scalable_targets[target["ResourceId"]] = target
    # Policies have no multi-resource filter: page through the account's ECS policies (10 a page).
    prefix = names.autoscaling_resource_id(state.cluster_name, "")
    for policy in _pages(clients.autoscaling, "describe_scaling_policies", "ScalingPolicies", 10,
                         ServiceNamespace="ecs"):
        if policy["ResourceId"].startswith(prefix):
            state.scaling_policies.setdefault(policy["ResourceId"], []).append(policy)


def _read_namespaces(clients: AwsClients, state: LiveState) -> None:
    for namespace in _pages(clients.cloudmap, "list_namespaces", "Namespaces", 100):
        for key in (namespace.get("Arn"), namespace.get("Id"), namespace.get("Name")):
            if key:
                state.namespaces[key] = namespace["Name"]


def log_group_names(state: LiveState) -> list[str]:
    groups = set()
    for definition in state.task_definitions.values():
        for container in definition.get("containerDefinitions", []):
            options = (container.get("logConfiguration") or {}).get("options") or {}
            if (container.get("logConfiguration") or {}).get("logDriver") == "awslogs" and options.get("awslogs-group"):
                groups.add(options["awslogs-group"])
    return sorted(groups)


def _read_log_groups(clients: AwsClients, state: LiveState) -> None:
    wanted = log_group_names(state)
    if not wanted:
        return
    prefix = _common_prefix(wanted)
    prefixes = [prefix] if len(prefix) >= 2 else wanted  # a prefix like "/" would list the whole account
    found: dict[str, dict] = {}
    for each in prefixes:
        for group in _pages(clients.logs, "describe_log_groups", "logGroups", 50, logGroupNamePrefix=each):
            found[group["logGroupName"]] = group
    state.log_groups = {name: found[name] for name in wanted if name in found}


def _common_prefix(values: list[str]) -> str:
    first, last = min(values), max(values)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]
