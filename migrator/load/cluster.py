"""Read a live cluster through the official `kubernetes` client into located documents.

Objects are listed as raw JSON (`_preload_content=False`), so they keep the field names of
manifests and flow through the same model builder. Each one is named
`cluster:<context>/<namespace>/<kind>/<name>` (no line: there is no file).

What leaves this module is cleaned: `status`, `metadata.managedFields` and server bookkeeping
are stripped, the `kubectl.kubernetes.io/last-applied-configuration` annotation is dropped (it
repeats the applied manifest, Secret data included), and every Secret value is replaced before
the document is built: only names and keys leave the loader. Objects of the `kube-*` system
namespaces, Jobs started by CronJobs, service-account tokens, Helm release records,
`kube-root-ca.crt`, the `default` ServiceAccounts and the API server's own `kubernetes`
Service are skipped, with one info finding per reason.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

from migrator.findings import Finding, InputError, SourceRef, info, warning
from migrator.load.documents import Document

REDACTED = "<redacted>"
SYSTEM_NAMESPACES = ("kube-system", "kube-public", "kube-node-lease")
# (kind, apiVersion, client API class, list method stem) - what a migration needs to see.
RESOURCES = (
    ("Deployment", "apps/v1", "AppsV1Api", "deployment"),
    ("StatefulSet", "apps/v1", "AppsV1Api", "stateful_set"),
    ("DaemonSet", "apps/v1", "AppsV1Api", "daemon_set"),
    ("CronJob", "batch/v1", "BatchV1Api", "cron_job"),
    ("Job", "batch/v1", "BatchV1Api", "job"),
    ("Service", "v1", "CoreV1Api", "service"),
    ("Ingress", "networking.k8s.io/v1", "NetworkingV1Api", "ingress"),
    ("HorizontalPodAutoscaler", "autoscaling/v2", "AutoscalingV2Api", "horizontal_pod_autoscaler"),
    ("ConfigMap", "v1", "CoreV1Api", "config_map"),
    ("Secret", "v1", "CoreV1Api", "secret"),
    ("ServiceAccount", "v1", "CoreV1Api", "service_account"),
    ("PodDisruptionBudget", "policy/v1", "PolicyV1Api", "pod_disruption_budget"),
)
HTTPROUTE_VERSIONS = ("v1", "v1beta1")
_BOOKKEEPING = ("managedFields", "resourceVersion", "uid", "generation", "creationTimestamp", "selfLink")
_SKIPPED_SECRET_TYPES = ("kubernetes.io/service-account-token", "helm.sh/release.v1")


def read_cluster(context: str = "", namespace: str = "") -> tuple[list[Document], list[Finding]]:
    """Documents for the objects of one namespace (or all but kube-*) of a kubeconfig context."""
    api_client, context = _connect(context)
    findings: list[Finding] = []
    objects: list[dict] = []
    with api_client:
        for kind, api_version, api_class, stem in RESOURCES:
            objects.extend(_list(api_client, kind, api_version, api_class, stem, namespace, context, findings))
        objects.extend(_http_routes(api_client, namespace, context, findings))
    kept, skipped = _without_noise(objects, namespace)
    for reason, count in sorted(skipped.items()):
        findings.append(info("cluster.skipped", f"{count} {reason} skipped", SourceRef(f"cluster:{context}")))
    return [_document(obj, context) for obj in kept], findings


def _connect(context: str) -> tuple[Any, str]:
    from kubernetes import client, config as kube_config
    from kubernetes.config.config_exception import ConfigException

    # read KUBECONFIG now: the client library reads it once, at import
    config_file = os.environ.get("KUBECONFIG") or os.path.expanduser("~/.kube/config")
    try:
        contexts, active = kube_config.list_kube_config_contexts(config_file=config_file)
        name = context or (active or {}).get("name", "")
        if context and context not in {c.get("name") for c in contexts or []}:
            raise InputError("cluster.unknown-context", f"context {context!r} is not in the kubeconfig; "
                             f"known: {', '.join(sorted(c['name'] for c in contexts))}", "kubeconfig")
        configuration = client.Configuration()
        kube_config.load_kube_config(config_file=config_file, context=name or None,
                                     client_configuration=configuration)
    except (ConfigException, OSError, TypeError) as exc:
        raise InputError("cluster.no-kubeconfig", f"cannot use the kubeconfig ({exc}); set KUBECONFIG or "
                         "pass --context", "kubeconfig") from None
    configuration.retries = 0  # fail fast (and quietly) on an unreachable server
    return client.ApiClient(configuration), name


def _list(api_client: Any, kind: str, api_version: str, api_class: str, stem: str, namespace: str,
          context: str, findings: list[Finding]) -> list[dict]:
    from kubernetes import client

    api = getattr(client, api_class)(api_client)
    if namespace:
        call = getattr(api, f"list_namespaced_{stem}")
        return _items(lambda: call(namespace, _preload_content=False, _request_timeout=60),
                      kind, api_version, context, findings)
    call = getattr(api, f"list_{stem}_for_all_namespaces")
    return _items(lambda: call(_preload_content=False, _request_timeout=60), kind, api_version, context, findings)


def _http_routes(api_client: Any, namespace: str, context: str, findings: list[Finding]) -> list[dict]:
    from kubernetes import client

    api = client.CustomObjectsApi(api_client)
    group = "gateway.networking.k8s.io"
    for version in HTTPROUTE_VERSIONS:
        def call(version: str = version) -> Any:
            if namespace:
                return api.list_namespaced_custom_object(group, version, namespace, "httproutes",
                                                         _preload_content=False, _request_timeout=60)
            return api.list_cluster_custom_object(group, version, "httproutes", _preload_content=False,
                                                  _request_timeout=60)
        items = _items(call, "HTTPRoute", f"{group}/{version}", context, findings, missing_ok=True)
        if items is not None:
            return items
    findings.append(info("cluster.no-gateway-api", "the cluster serves no Gateway API HTTPRoutes; none read",
                         SourceRef(f"cluster:{context}")))
    return []


def _items(call, kind: str, api_version: str, context: str, findings: list[Finding],
           missing_ok: bool = False) -> list[dict] | None:
    from kubernetes.client.exceptions import ApiException
    from urllib3.exceptions import HTTPError

    try:
        response = call()
        body = json.loads(response.data)
    except ApiException as exc:
        if exc.status == 404 and missing_ok:
            return None
        if exc.status in (401,):
            raise InputError("cluster.unauthorized", f"the API server refused the credentials of context "
                             f"{context} ({exc.status} {exc.reason}); log in again", f"cluster:{context}") from None
        findings.append(warning("cluster.cannot-list", f"cannot list {kind} ({exc.status} {exc.reason}); "
                                f"{kind} objects are missing from the plan: grant `list` on them and re-plan",
                                SourceRef(f"cluster:{context}")))
        return []
    except (HTTPError, OSError, ValueError) as exc:
        raise InputError("cluster.unreachable", f"cannot read {kind} from the API server of context {context}: "
                         f"{type(exc).__name__}: {exc}", f"cluster:{context}") from None
    items = body.get("items") if isinstance(body, dict) else None
    return [dict(item, apiVersion=api_version, kind=kind) for item in items or [] if isinstance(item, dict)]


def _without_noise(objects: list[dict], namespace: str) -> tuple[list[dict], Counter]:
    skipped: Counter = Counter()
    kept = []
    for obj in objects:
        reason = _noise(obj, namespace)
        if reason:
            skipped[reason] += 1
        else:
            kept.append(obj)
    return kept, skipped


def _noise(obj: dict, namespace: str) -> str:
    meta = obj.get("metadata") or {}
    kind, name = obj.get("kind"), meta.get("name")
    if not namespace and str(meta.get("namespace", "")).startswith(SYSTEM_NAMESPACES):
        return "objects of kube-* system namespaces"
    if kind == "Job" and any(o.get("kind") == "CronJob" for o in meta.get("ownerReferences") or []):
        return "Jobs started by CronJobs (their CronJob is planned)"
    if kind == "Secret" and obj.get("type") in _SKIPPED_SECRET_TYPES:
        return "service-account tokens and Helm release records (Secrets)"
    if (kind, name) in (("ConfigMap", "kube-root-ca.crt"), ("ServiceAccount", "default")):
        return "kube-root-ca.crt ConfigMaps and default ServiceAccounts created by Kubernetes"
    if (kind, name, meta.get("namespace")) == ("Service", "kubernetes", "default"):
        return "the `kubernetes` Service of the API server"
    return ""


def clean(obj: dict) -> dict:
    """The object without status and bookkeeping, and with no Secret value left in it."""
    out = {k: v for k, v in obj.items() if k != "status"}
    meta = {k: v for k, v in (out.get("metadata") or {}).items() if k not in _BOOKKEEPING}
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items()
                   if k != "kubectl.kubernetes.io/last-applied-configuration"}
    meta.pop("annotations", None)
    if annotations:
        meta["annotations"] = annotations
    out["metadata"] = meta
    if out.get("kind") == "Secret":
        for field in ("data", "stringData"):
            if isinstance(out.get(field), dict):
                out[field] = {key: REDACTED for key in out[field]}
    return out


def _document(obj: dict, context: str) -> Document:
    obj = clean(obj)
    meta = obj["metadata"]
    file = f"cluster:{context}/{meta.get('namespace') or '-'}/{obj['kind']}/{meta.get('name')}"
    return Document(obj, file, 0, f"cluster:{context}", {})
