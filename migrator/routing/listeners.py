"""Which listener carries which rule of a planned load balancer: the one contract between emit,
which writes the listeners, and verify, which reads them back.

Without a certificate there is one listener, HTTP on port 80, and it carries every rule. With
one, every rule lives on the HTTPS listener, and port 80 either forwards too (no redirect asked)
or redirects to HTTPS while still serving, over plain HTTP, the rules of hosts the certificate
does not cover: those hosts keep working as they did on Kubernetes.
"""

from __future__ import annotations

from migrator.plan.model import ListenerRule, LoadBalancerPlan


def has_https_listener(lb: LoadBalancerPlan) -> bool:
    return bool(lb.certificate_arn)


def on_http_listener(lb: LoadBalancerPlan, rule: ListenerRule) -> bool:
    """True when port 80 carries a copy of `rule` beside the HTTPS listener: a rule whose hosts
    all have TLS is reached through the redirect instead."""
    if not has_https_listener(lb):
        return False
    if not lb.redirect_http_to_https:
        return True
    hosts = rule.conditions.host_headers
    return not hosts or not all(host in lb.tls_hosts for host in hosts)


def http_listener_rules(lb: LoadBalancerPlan) -> tuple[ListenerRule, ...]:
    """The rules port 80 carries beside the HTTPS listener, by priority ((): no HTTPS listener,
    so port 80 is the routing listener itself)."""
    return tuple(sorted((rule for rule in lb.rules if on_http_listener(lb, rule)), key=lambda r: r.priority))
