"""Which Ingress default backend answers an unmatched request, by host.

Each ingress controller serves its own class; its default backend only answers requests that
reach that controller. DNS sends a host to the controller(s) whose Ingresses name it, an exact
host before a wildcard covering it (an exact record beats a wildcard one). So an unmatched
request gets the first default backend (by namespace/name) of a class serving its host; when
no class serving the host has one, that controller's own 404 (None).

Pinned choices: an Ingress without a class may be served by any controller, so a host it names,
and its own default backend, are not scoped (the first default backend answers). A request for
a host no Ingress names reaches whichever controller owns the address; on the merged ALB that
is the first default backend (the ALB default action), as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, Sequence, TypeVar

from migrator.model.objects import Ingress

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class DefaultBackends(Generic[T]):
    """What answers an unmatched request, by host: the Ingress whose default backend it is
    (None: 404), or with `answers` what that backend answers."""
    exact: dict[str, T | None]  # "a.example.com" -> ...
    wildcard: dict[str, T | None]  # ".example.com" -> ... (the host "*.example.com", one label)
    fallback: T | None  # hosts no Ingress names

    def answers(self, answer: Callable[[T], U]) -> "DefaultBackends[U]":
        def of(chosen):
            return None if chosen is None else answer(chosen)
        return DefaultBackends({h: of(c) for h, c in self.exact.items()},
                               {s: of(c) for s, c in self.wildcard.items()}, of(self.fallback))

    def for_host(self, host: str) -> T | None:
        host = host.split(":", 1)[0].lower().rstrip(".")
        if host in self.exact:
            return self.exact[host]
        dot = host.find(".")
        if dot > 0 and host[dot:] in self.wildcard:  # Ingress wildcards cover one label
            return self.wildcard[host[dot:]]
        return self.fallback

    def scoped(self) -> dict[str, T | None]:
        """Ingress hosts (`*.example.com` for wildcards) whose answer is not the fallback's."""
        hosts = {**self.exact, **{"*" + suffix: chosen for suffix, chosen in self.wildcard.items()}}
        return {host: chosen for host, chosen in sorted(hosts.items()) if chosen != self.fallback}


def class_of(ingress: Ingress) -> str:
    return (ingress.ingress_class or "").lower()


def default_backends(ingresses: Sequence[Ingress]) -> DefaultBackends[Ingress]:
    ordered = sorted(ingresses, key=lambda i: (i.meta.namespace, i.meta.name))
    with_default = [i for i in ordered if i.default_backend is not None]
    fallback = with_default[0] if with_default else None
    classes: dict[str, set[str]] = {}
    for ingress in ordered:
        for rule in ingress.rules:
            if rule.host:
                classes.setdefault(rule.host.lower(), set()).add(class_of(ingress))
    chosen = {host: _chosen(serving, with_default, fallback) for host, serving in classes.items()}
    return DefaultBackends(exact={h: c for h, c in chosen.items() if not h.startswith("*.")},
                           wildcard={h[1:]: c for h, c in chosen.items() if h.startswith("*.")},
                           fallback=fallback)


def _chosen(serving: set[str], with_default: list[Ingress], fallback: Ingress | None) -> Ingress | None:
    if "" in serving:
        return fallback
    return next((i for i in with_default if class_of(i) in serving or not class_of(i)), None)

