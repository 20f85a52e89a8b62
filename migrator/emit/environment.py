"""One environment of the plan -> the values of envs/<env>: settings, services, load balancers,
scheduled tasks and secret containers."""

from __future__ import annotations

from migrator.emit import hcl
from migrator.emit.hcl import Map
from migrator.emit.inputs import (Notes, _drop_defaults, alb_key, default_capacity_strategy, dns_label,
                                  log_retention, task_inputs, workload_inputs)
from migrator.plan import model as p
from migrator.routing.listeners import on_http_listener

_HEALTH_DEFAULTS = {"path": "/", "port": "traffic-port", "protocol": "HTTP", "matcher": "200-399", "interval": 30,
                    "timeout": 5, "healthy_threshold": 3, "unhealthy_threshold": 3}


def state_names(project: str) -> tuple[str, str]:
    """S3 bucket and DynamoDB table of the Terraform state (bucket names are global and lowercase)."""
    base = dns_label(project)[:40]
    return f"{base}-terraform-state", f"{base}-terraform-locks"


def settings_inputs(project: str, env: p.EnvironmentPlan, notes: Notes) -> dict:
    s = env.settings
    retention = log_retention(s.log_retention_days)
    if retention != s.log_retention_days:
        notes.add("emit.log-retention", f"{env.name}: CloudWatch keeps logs for set periods only; "
                  f"{s.log_retention_days} days became {retention}")
    return {
        "project": dns_label(project),
        "environment": dns_label(env.name),
        "region": s.region,
        "az_count": s.az_count,
        "nat_gateway_count": s.nat_gateways,
        "log_retention_days": retention,
        "container_insights": s.container_insights,
        "deletion_protection": s.deletion_protection,
        "service_connect_namespace": env.service_connect_namespace,
        "secret_recovery_window_days": 30 if s.deletion_protection else 7,
        "default_capacity_provider_strategy": default_capacity_strategy(s),
    }


def target_group_homes(env: p.EnvironmentPlan) -> dict[str, str]:
    """Target group key -> the load balancer that owns it (the first whose rules or default use it)."""
    homes: dict[str, str] = {}
    for lb in env.load_balancers:
        defaults = [t.target_group for t in lb.default_targets] or ([lb.default_target] if lb.default_target else [])
        for tg in defaults + [t.target_group for rule in lb.rules for t in rule.targets]:
            homes.setdefault(tg, lb.name)
    return homes


def _container_protocol(service: p.ServicePlan, target: p.LoadBalancerTarget) -> str:
    for container in service.containers:
        if container.name == target.container:
            for pm in container.port_mappings:
                if pm.container_port == target.container_port:
                    return pm.app_protocol
    return ""


def _health_check(service: p.ServicePlan, target: p.LoadBalancerTarget) -> dict:
    """The target's own health check, else the service's readiness check for that container."""
    hc = target.health_check
    if hc == p.TargetHealthCheck() and service.health_check and service.health_check_container in ("", target.container):
        hc = service.health_check
    return _drop_defaults({k: getattr(hc, k) for k in _HEALTH_DEFAULTS}, _HEALTH_DEFAULTS)


def _target_groups(env: p.EnvironmentPlan, lb: p.LoadBalancerPlan, https: bool, notes: Notes) -> Map:
    targets = {t.target_group: (s, t) for s in env.services for t in s.load_balancers}
    groups = Map()
    for tg, home in sorted(target_group_homes(env).items()):
        if home != lb.name:
            continue
        if tg not in targets:
            notes.add("emit.unknown-target-group", f"{env.name}: load balancer {lb.name} routes to target "
                      f"group {tg}, which no service registers with; fix the plan")
            continue
        service, target = targets[tg]
        version = {"grpc": "GRPC", "http2": "HTTP2"}.get(_container_protocol(service, target), "HTTP1")
        groups[alb_key(tg)] = _drop_defaults({
            "service": service.name, "port": target.container_port, "protocol": target.protocol,
            "protocol_version": version if https else "HTTP1", "health_check": _health_check(service, target),
        }, {"protocol": "HTTP", "protocol_version": "HTTP1", "health_check": {}})
    return groups


def _forward(targets: tuple[p.WeightedTarget, ...], groups: Map) -> list[dict]:
    return [_drop_defaults({"target_group": alb_key(t.target_group), "weight": t.weight}, {"weight": 1})
            for t in targets if alb_key(t.target_group) in groups]


def load_balancer_inputs(env: p.EnvironmentPlan, notes: Notes) -> Map:
    out = Map()
    for lb in sorted(env.load_balancers, key=lambda lb: lb.name):
        https = bool(lb.certificate_arn)
        if lb.https and not https:
            notes.add("emit.https-without-certificate", f"{env.name}: load balancer {lb.name} should serve HTTPS "
                      "but has no certificate; set alb.certificate_arn in migrate.yaml and re-plan")
        groups = _target_groups(env, lb, https, notes)
        default = lb.default_targets or ((p.WeightedTarget(lb.default_target),) if lb.default_target else ())
        rules = Map()
        for rule in sorted(lb.rules, key=lambda r: r.priority):
            forward = _forward(rule.targets, groups)
            if len(forward) != len(rule.targets):
                notes.add("emit.rule-target-elsewhere", f"{env.name}: rule {rule.priority} of {lb.name} forwards to "
                          "a target group this load balancer does not own; that target was left out", rule.source)
            if not forward and not rule.fixed_response:
                continue
            rules[str(rule.priority)] = _rule_inputs(rule, forward, on_http_listener(lb, rule))
        out[alb_key(lb.name)] = _drop_defaults({
            "internal": lb.internal,
            "certificate_arn": lb.certificate_arn,
            "redirect_http_to_https": lb.redirect_http_to_https,
            "default_action": _drop_defaults({"targets": _forward(default, groups),
                                              "fixed_response": lb.default_fixed_response or 404},
                                             {"targets": [], "fixed_response": 404}),
            "target_groups": groups, "rules": rules,
        }, {"internal": False, "certificate_arn": "", "redirect_http_to_https": False, "default_action": {},
            "target_groups": {}, "rules": {}})
    return out


def _rule_inputs(rule: p.ListenerRule, forward: list[dict], http: bool) -> dict:
    c = rule.conditions
    return hcl.Commented(rule.origin, _drop_defaults({
        "priority": rule.priority,
        "service": rule.service,
        "fixed_response": rule.fixed_response,
        "http": http,
        "host_headers": list(c.host_headers),
        "path_patterns": list(c.path_patterns),
        "http_methods": list(c.http_methods),
        "http_headers": [{"name": name, "values": list(values)} for name, values in c.http_headers],
        "targets": forward,
    }, {"service": "", "fixed_response": 0, "http": False, "host_headers": [], "path_patterns": [],
        "http_methods": [], "http_headers": [], "targets": []}))


def _autoscaling_inputs(scaling: p.Autoscaling) -> dict:
    policies = Map()
    for policy in sorted(scaling.policies, key=lambda x: x.name):
        metric: dict = {"metric": policy.metric}
        if policy.metric.startswith("custom:"):
            namespace, _, name = policy.metric[len("custom:"):].rpartition("/")
            metric = {"custom_metric": {"namespace": namespace, "name": name}}
        policies[policy.name] = _drop_defaults({
            **metric, "target_value": policy.target_value, "scale_in_cooldown": policy.scale_in_cooldown,
            "scale_out_cooldown": policy.scale_out_cooldown,
        }, {"scale_in_cooldown": 300, "scale_out_cooldown": 60})
    return _drop_defaults({"min_capacity": scaling.min_capacity, "max_capacity": scaling.max_capacity,
                           "policies": policies}, {"policies": {}})


def _service_connect_inputs(service: p.ServicePlan) -> list[dict]:
    ports = {pm.name: pm.container_port for c in service.containers for pm in c.port_mappings}
    return [{"port_name": e.port_name, "discovery_name": e.discovery_name, "dns_name": e.dns_name,
             "port": e.port, "container_port": ports.get(e.port_name, e.port)} for e in service.service_connect]


def service_inputs(env: p.EnvironmentPlan, service: p.ServicePlan, notes: Notes) -> dict:
    secret_names = tuple(s.name for s in env.secrets)
    homes = target_group_homes(env)
    balancers = []
    for target in service.load_balancers:
        if target.target_group not in homes:
            notes.add("emit.unrouted-target-group", f"{env.name}: target group {target.target_group} of "
                      f"{service.name} is used by no load balancer rule; it was left out", service.source)
            continue
        port = _health_check(service, target).get("port", "traffic-port")
        balancers.append(_drop_defaults({
            "target_group": alb_key(target.target_group), "load_balancer": alb_key(homes[target.target_group]),
            "container": target.container, "container_port": target.container_port,
            "health_check_port": int(port) if str(port).isdigit() and int(port) != target.container_port else None,
        }, {"health_check_port": None}))
    d = service.deployment
    values = {
        **workload_inputs(service.task, service.containers, service.volumes, secret_names, notes, service.source),
        "desired_count": service.desired_count,
        "autoscaling": _autoscaling_inputs(service.autoscaling) if service.autoscaling else None,
        "deployment": _drop_defaults({
            "minimum_healthy_percent": d.minimum_healthy_percent, "maximum_percent": d.maximum_percent,
            "circuit_breaker": d.circuit_breaker, "rollback": d.rollback,
            "health_check_grace_period": d.health_check_grace_period,
        }, {"minimum_healthy_percent": 100, "maximum_percent": 200, "circuit_breaker": True, "rollback": True,
            "health_check_grace_period": 0}),
        "capacity_provider_strategy": _strategy(service.capacity_provider_strategy),
        "service_connect": _service_connect_inputs(service),
        "load_balancers": balancers,
        "task_role_arn": service.task_role_arn,
    }
    return _drop_defaults(values, {"autoscaling": None, "deployment": {}, "capacity_provider_strategy": [],
                                   "service_connect": [], "load_balancers": [], "task_role_arn": ""})


def _strategy(items: tuple[p.CapacityProviderItem, ...]) -> list[dict]:
    return [_drop_defaults({"capacity_provider": c.capacity_provider, "weight": c.weight, "base": c.base},
                           {"weight": 1, "base": 0}) for c in items]


def scheduled_task_inputs(env: p.EnvironmentPlan, job: p.ScheduledTaskPlan, notes: Notes) -> dict:
    secret_names = tuple(s.name for s in env.secrets)
    return _drop_defaults({
        "schedule": job.schedule,
        "timezone": job.timezone or "UTC",
        "enabled": job.enabled,
        **workload_inputs(job.task, job.containers, job.volumes, secret_names, notes, job.source),
        "task_role_arn": job.task_role_arn,
        "capacity_provider_strategy": _strategy(job.capacity_provider_strategy),
    }, {"timezone": "UTC", "enabled": True, "task_role_arn": "", "capacity_provider_strategy": []})


def job_inputs(env: p.EnvironmentPlan, job: p.JobPlan, notes: Notes) -> dict:
    secret_names = tuple(s.name for s in env.secrets)
    return _drop_defaults({
        **workload_inputs(job.task, job.containers, job.volumes, secret_names, notes, job.source),
        "task_role_arn": job.task_role_arn,
    }, {"task_role_arn": ""})


def efs_access_point_inputs(env: p.EnvironmentPlan) -> Map:
    """One access point per volume key that any service, scheduled task or job mounts; where
    several mount it, the details any of them gives are kept."""
    points: dict[str, dict] = {}
    for owner in sorted((*env.services, *env.scheduled_tasks, *env.jobs), key=lambda w: w.name):
        for v in owner.volumes:
            if v.kind == "efs" and v.efs_access_point:
                known = points.setdefault(v.efs_access_point, {"root_directory": "", "uid": None, "gid": None})
                for field, value in (("root_directory", v.efs_root_directory), ("uid", v.efs_uid), ("gid", v.efs_gid)):
                    known[field] = known[field] or value
    return Map((key, _drop_defaults({**point, "root_directory": point["root_directory"] or f"/{key}"},
                                    {"uid": None, "gid": None})) for key, point in sorted(points.items()))


def secret_container_inputs(env: p.EnvironmentPlan) -> Map:
    return Map((s.name, {"description": s.description or f"Kubernetes Secret {s.name} (values are loaded "
                         "outside Terraform)", "keys": list(s.keys)})
               for s in sorted(env.secrets, key=lambda s: s.name))


def workloads_inputs(env: p.EnvironmentPlan, notes: Notes) -> dict:
    """The contents of services.auto.tfvars."""
    return {
        "secrets": secret_container_inputs(env),
        "load_balancers": load_balancer_inputs(env, notes),
        "services": Map((s.name, service_inputs(env, s, notes)) for s in sorted(env.services, key=lambda s: s.name)),
        "scheduled_tasks": Map((j.name, scheduled_task_inputs(env, j, notes))
                               for j in sorted(env.scheduled_tasks, key=lambda j: j.name)),
        "jobs": Map((j.name, job_inputs(env, j, notes)) for j in sorted(env.jobs, key=lambda j: j.name)),
        "efs_access_points": efs_access_point_inputs(env),
    }


__all__ = ["settings_inputs", "workloads_inputs", "state_names", "task_inputs"]
