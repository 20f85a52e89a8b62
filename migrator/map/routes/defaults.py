"""Default answers on a merged ALB: one default action, but on Kubernetes each controller's
default backend only answers requests that reach that controller (migrator.routing.default_backends).

The ALB default action is the first default backend by namespace/name (what hosts no Ingress
names get). A host whose unmatched requests get something else -- the 404 of a controller with
no default backend, or another class's default backend -- gets a catch-all rule (its host and
`/*`) after every real rule that can match it, in the catch_all band of mappings/alb.yaml.
Hosts an ALB wildcard catch-all would catch but that answer like the default action get their
own catch-all too (ALB wildcards cover any number of labels)."""

from __future__ import annotations

import math

from migrator.findings import Finding, SourceRef, info, warning
from migrator.map.routes.backends import Endpoints
from migrator.map.routes.entries import RouteEntry
from migrator.map.routes.rules import Draft, Target
from migrator.model.objects import Ingress
from migrator.routing.default_backends import DefaultBackends, class_of, default_backends
from migrator.routing.kubernetes import PREFIX

def default_endpoints(ingress: Ingress | None, endpoints: Endpoints) -> tuple[object, list[Finding]]:
    """What an unmatched request gets from an Ingress default backend: weighted endpoints, None
    when it selects no workload (503), () when there is no Ingress (404)."""
    if ingress is None:
        return (), []
    backend = ingress.default_backend
    found = endpoints.for_backend(ingress.meta.namespace, backend.service, backend.port)
    if not found:
        return None, [warning("route.no-backend", f"Ingress {ingress.meta.key}: default backend {backend.service} "
                              "selects no planned workload; the ALB answers its unmatched requests with 503",
                              backend.source)]
    divisor = math.gcd(*(e.weight for e in found))  # task counts as ALB weights: 3 tasks alone are weight 1
    return tuple((e, e.weight // divisor) for e in found), []


def conflicts(partition: str, ingresses: list[Ingress]) -> list[Finding]:
    """Default backends after the first: in a class that already has one (ignored), or of
    another class (answers its own hosts; hosts no Ingress names get the first)."""
    with_default = [i for i in ingresses if i.default_backend is not None]
    findings = []
    for at, other in enumerate(with_default[1:], 1):
        earlier = next((i for i in with_default[:at] if class_of(i) in ("", class_of(other)) or not class_of(other)),
                       None)
        if earlier is not None:
            findings.append(warning("route.default-backend-conflict", f"Ingress {other.meta.key} also sets a default "
                                    f"backend; the {partition} ALB's default action uses the one of Ingress "
                                    f"{earlier.meta.key}", other.source))
        else:
            first = with_default[0]
            findings.append(warning("route.default-backend-conflict", f"Ingress {other.meta.key} (class "
                                    f"{class_of(other)}) sets a default backend: it answers the hosts of its class; "
                                    f"requests for hosts no Ingress names get the one of Ingress {first.meta.key} "
                                    f"(class {class_of(first) or 'none'}), the {partition} ALB's default action",
                                    other.source))
    return findings


def catch_alls(partition: str, ingresses: list[Ingress], endpoints: Endpoints, host_map: dict[str, str],
               fallback) -> tuple[list[Draft], dict[str, object], list[Finding]]:
    """Catch-all drafts, what unmatched requests get per Kubernetes host (for the depth guards),
    and the findings. `fallback`: what the ALB default action answers (see default_endpoints)."""
    chosen = default_backends(ingresses)
    scoped = chosen.scoped()
    if not scoped:
        return [], {}, []
    findings: list[Finding] = []
    by_ingress: dict[str, object] = {}
    answers: dict[str, object] = {host: fallback for host in _caught(chosen, scoped)}
    for host, ingress in scoped.items():
        key = "" if ingress is None else ingress.meta.key
        if key not in by_ingress:
            by_ingress[key], notes = default_endpoints(ingress, endpoints)
            findings.extend(notes)
        answers[host] = by_ingress[key]
    drafts = [_catch_all(partition, host, answers[host], ingresses, host_map) for host in sorted(answers)]
    names = ", ".join(f"{h} ({'404' if scoped[h] is None else 'Ingress ' + scoped[h].meta.key})" for h in scoped)
    findings.append(info("route.default-backend-scoped", f"the {partition} ALB's default action is "
                         f"{_default_name(chosen.fallback)}, but on Kubernetes unmatched requests for these hosts reach "
                         f"another controller: {names}; each gets a last catch-all rule answering as it did",
                         _first_source(ingresses, next(iter(scoped)))))
    return drafts, answers, findings


def _caught(chosen: DefaultBackends, scoped: dict) -> list[str]:
    """Hosts answering like the default action that an ALB wildcard catch-all would catch."""
    suffixes = [host[1:] for host in scoped if host.startswith("*.")]
    hosts = [*chosen.exact, *("*" + s for s in chosen.wildcard)]
    return [h for h in hosts if h not in scoped and any(h.endswith(s) and h != "*" + s for s in suffixes)]


def _catch_all(partition: str, host: str, answer, ingresses: list[Ingress], host_map: dict[str, str]) -> Draft:
    name = host_map.get(host, host)
    what = "404" if answer == () else "503" if answer is None else "the default backend"
    entry = RouteEntry(partition=partition, hosts=(host,), kind=PREFIX, path="/", methods=(), headers=(), backends=(),
                       namespace="", order=("~",), source=_first_source(ingresses, host),
                       origin=f"unmatched requests for {host} ({what}, as its ingress controller answers)")
    targets = tuple(Target(e, w) for e, w in answer or ())
    return Draft(entry, (name,), ("/*",), PREFIX, 1, targets, 0 if targets else (503 if answer is None else 404),
                 guard="catch_all")


def _default_name(ingress: Ingress | None) -> str:
    return "404 (no default backend)" if ingress is None else f"the default backend of Ingress {ingress.meta.key}"


def _first_source(ingresses: list[Ingress], host: str) -> SourceRef:
    return next((rule.source for i in ingresses for rule in i.rules if rule.host.lower() == host),
                ingresses[0].source)
