"""A live ALB listener -> the plan's LoadBalancerPlan: rules with priorities, conditions and the
target groups (by plan key) and service that answer."""

from __future__ import annotations

from migrator.plan import model as p

# Conditions the plan cannot express are kept, under these names, so that a rule carrying one
# never looks equal to the planned rule without it.
_OTHER_CONDITIONS = {"query-string": "(query-string)", "source-ip": "(source-ip)"}


def live_load_balancer(name: str, lb: dict, listeners: list[dict], rules_by_listener: dict[str, list[dict]],
                       keys: dict[str, str], services: dict[str, str], https: bool) -> p.LoadBalancerPlan:
    listener = routing_listener(listeners, https)
    internal = lb.get("Scheme") == "internal"
    if listener is None:
        return p.LoadBalancerPlan(name=name, internal=internal)
    rules = rules_by_listener.get(listener["ListenerArn"], [])
    planned = tuple(sorted((_rule(r, keys, services) for r in rules if not r.get("IsDefault")),
                           key=lambda rule: rule.priority))
    actions = listener.get("DefaultActions", [])
    default_targets = _targets(actions, keys, services)
    certificates = [c["CertificateArn"] for c in listener.get("Certificates", []) if c.get("CertificateArn")]
    return p.LoadBalancerPlan(
        name=name, rules=planned,
        default_target=default_targets[0].target_group if default_targets else "",
        https=listener.get("Protocol") == "HTTPS", certificate_arn=certificates[0] if certificates else "",
        # The plan spells a fixed 404 default as no default at all.
        internal=internal, default_targets=default_targets,
        default_fixed_response=0 if _fixed_response(actions) == 404 else _fixed_response(actions),
        redirect_http_to_https=_redirects_to_https(listeners))


def _fixed_response(actions: list[dict]) -> int:
    for action in sorted(actions, key=lambda a: a.get("Order", 0)):
        if action.get("Type") == "fixed-response":
            return int((action.get("FixedResponseConfig") or {}).get("StatusCode", 0))
    return 0


def _redirects_to_https(listeners: list[dict]) -> bool:
    for listener in listeners:
        if listener.get("Protocol") != "HTTP":
            continue
        for action in listener.get("DefaultActions", []):
            if action.get("Type") == "redirect" and (action.get("RedirectConfig") or {}).get("Protocol") == "HTTPS":
                return True
    return False


def routing_listener(listeners: list[dict], https: bool) -> dict | None:
    """The listener the rules live on: HTTPS when the plan serves HTTPS (port 80 then only
    redirects), else HTTP."""
    wanted = "HTTPS" if https else "HTTP"
    matching = sorted((item for item in listeners if item.get("Protocol") == wanted), key=lambda item: item["Port"])
    if matching:
        return matching[0]
    return sorted(listeners, key=lambda item: item["Port"])[0] if listeners else None


def plain_http_listener(listeners: list[dict], https: bool) -> dict | None:
    """The HTTP listener beside an HTTPS routing listener (port 80 first): it carries the
    plain-HTTP copies of rules for hosts without TLS. None when the routing listener is HTTP."""
    routing = routing_listener(listeners, https)
    if routing is None or routing.get("Protocol") != "HTTPS":
        return None
    plain = sorted((item for item in listeners if item.get("Protocol") == "HTTP"),
                   key=lambda item: (item["Port"] != 80, item["Port"]))
    return plain[0] if plain else None


def live_http_rules(listeners: list[dict], rules_by_listener: dict[str, list[dict]], keys: dict[str, str],
                    services: dict[str, str], https: bool) -> tuple[p.ListenerRule, ...] | None:
    """The rules of the HTTP listener beside the live HTTPS one, by priority; () when there is
    no HTTP listener; None when there is no HTTPS listener (port 80 is then the routing one)."""
    routing = routing_listener(listeners, https)
    if routing is None or routing.get("Protocol") != "HTTPS":
        return None
    plain = plain_http_listener(listeners, https)
    rules = rules_by_listener.get(plain["ListenerArn"], []) if plain else []
    return tuple(sorted((_rule(r, keys, services) for r in rules if not r.get("IsDefault")),
                        key=lambda rule: rule.priority))


def _rule(rule: dict, keys: dict[str, str], services: dict[str, str]) -> p.ListenerRule:
    actions = rule.get("Actions", [])
    targets = _targets(actions, keys, services)
    return p.ListenerRule(priority=int(rule["Priority"]), conditions=rule_condition(rule.get("Conditions", [])),
                          targets=targets, service=targets[0].service if targets else "",
                          fixed_response=_fixed_response(actions))


def rule_condition(conditions: list[dict]) -> p.RuleCondition:
    hosts: list[str] = []
    paths: list[str] = []
    methods: list[str] = []
    headers: list[tuple[str, tuple[str, ...]]] = []
    for condition in conditions:
        kind = condition.get("Field", "")
        if kind == "host-header":
            hosts += (condition.get("HostHeaderConfig") or {}).get("Values") or condition.get("Values", [])
        elif kind == "path-pattern":
            paths += (condition.get("PathPatternConfig") or {}).get("Values") or condition.get("Values", [])
        elif kind == "http-request-method":
            methods += (condition.get("HttpRequestMethodConfig") or {}).get("Values", [])
        elif kind == "http-header":
            config = condition.get("HttpHeaderConfig") or {}
            headers.append((config.get("HttpHeaderName", ""), tuple(config.get("Values", []))))
        else:
            headers.append((_OTHER_CONDITIONS.get(kind, f"({kind})"), tuple(_other_values(condition))))
    return p.RuleCondition(host_headers=tuple(hosts), path_patterns=tuple(paths), http_methods=tuple(methods),
                           http_headers=tuple(headers))


def _other_values(condition: dict) -> list[str]:
    if condition.get("QueryStringConfig"):
        return [f"{v.get('Key', '')}={v.get('Value', '')}" for v in condition["QueryStringConfig"].get("Values", [])]
    if condition.get("SourceIpConfig"):
        return list(condition["SourceIpConfig"].get("Values", []))
    return list(condition.get("Values", []))


def _targets(actions: list[dict], keys: dict[str, str], services: dict[str, str]) -> tuple[p.WeightedTarget, ...]:
    for action in sorted(actions, key=lambda a: a.get("Order", 0)):
        if action.get("Type") != "forward":
            continue
        groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or (
            [{"TargetGroupArn": action["TargetGroupArn"], "Weight": 1}] if action.get("TargetGroupArn") else [])
        return tuple(p.WeightedTarget(keys.get(g["TargetGroupArn"], g["TargetGroupArn"]), g.get("Weight", 1),
                                      services.get(g["TargetGroupArn"], "")) for g in groups)
    return ()
