"""Pure evaluators for the route-equivalence check, shared by `migrate plan` and `migrate verify`.

- `probes`: the probe requests and the answer vocabulary both evaluators speak.
- `kubernetes`: where Kubernetes sends a probe, written from the Ingress and Gateway API specs.
- `alb`: where an ALB sends a probe, written from the ALB listener-rule documentation.

The two evaluators are independent code on purpose: the plan is right when they agree, and a
shared helper would let one bug hide in both.
"""

from migrator.routing.alb import AlbIndex, alb_backend, alb_index, load_balancer_backend, load_balancer_for
from migrator.routing.kubernetes import KubernetesIndex, kubernetes_backend, kubernetes_index
from migrator.routing.probes import NO_BACKEND, Probe, answer_for, probes_for

__all__ = [
    "NO_BACKEND", "AlbIndex", "KubernetesIndex", "Probe", "alb_backend", "alb_index", "answer_for",
    "kubernetes_backend", "kubernetes_index", "load_balancer_backend", "load_balancer_for", "probes_for",
]
