"""What one synthetic service looks like: its name, namespace and Kubernetes documents.

Shaped like the corpus apps: an app container (env literals, peers called by DNS name,
ConfigMap and Secret references, the downward API, probes, resources, a read-only root and
volumes) beside a log-shipper sidecar, which one service in five runs as a native sidecar.
Secret values are synthetic.
"""

from __future__ import annotations

import base64
import random

SERVICES_PER_NAMESPACE = 50
_AREAS = ("billing", "catalog", "checkout", "identity", "search", "media", "orders", "payments",
          "profile", "reports", "shipping", "support", "pricing", "ledger", "notify", "review")
_ROLES = ("api", "worker", "gateway", "sync", "indexer", "web", "scheduler", "events")


def service_name(i: int) -> str:
    return f"{_AREAS[i % len(_AREAS)]}-{_ROLES[(i // len(_AREAS)) % len(_ROLES)]}-{i:05d}"


def namespace_of(i: int) -> str:
    return f"team-{i // SERVICES_PER_NAMESPACE:03d}"


def service_documents(i: int, n: int, rng: random.Random) -> list[str]:
    return [deployment(i, n, rng), service(i), config_map(i), secret(i), hpa(i, rng)]


def _labels(i: int, pad: str) -> str:
    name = service_name(i)
    return (f"{pad}app.kubernetes.io/name: {name}\n{pad}app.kubernetes.io/part-of: {namespace_of(i)}\n"
            f"{pad}app.kubernetes.io/version: \"1.{i % 20}.{i % 7}\"\n")


def _meta(i: int, name: str | None = None) -> str:
    return (f"metadata:\n  name: {name or service_name(i)}\n  namespace: {namespace_of(i)}\n"
            f"  labels:\n{_labels(i, '    ')}")


def deployment(i: int, n: int, rng: random.Random) -> str:
    name = service_name(i)
    native = i % 5 == 4
    sidecar = _sidecar(i, rng, "      - ", "        ", native)
    init = f"      initContainers:\n{sidecar}" if native else ""
    tail = "" if native else sidecar
    return f"""apiVersion: apps/v1
kind: Deployment
{_meta(i)}  annotations:
    team.example.com/owner: {namespace_of(i)}@example.com
spec:
  replicas: {1 + i % 3}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
{_labels(i, '        ')}      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9102"
    spec:
      terminationGracePeriodSeconds: {20 + i % 4 * 10}
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        fsGroup: 10001
{init}      containers:
{_app(i, n, rng)}{tail}      volumes:
      - name: config
        configMap:
          name: {name}-config
      - name: tmp
        emptyDir: {{}}
"""


def _app(i: int, n: int, rng: random.Random) -> str:
    name = service_name(i)
    grpc = ("        - name: grpc\n          containerPort: 9090\n          protocol: TCP\n"
            if i % 4 == 0 else "")
    return f"""      - name: app
        image: registry.example.com/{namespace_of(i)}/{name}:1.{i % 20}.{i % 7}
        imagePullPolicy: IfNotPresent
        args: ["--config", "/etc/{name}/application.yaml", "--port", "8080"]
        ports:
        - name: http
          containerPort: 8080
          protocol: TCP
{grpc}        - name: metrics
          containerPort: 9102
{_app_env(i, n, rng)}{_app_runtime(i, rng)}"""


def _app_env(i: int, n: int, rng: random.Random) -> str:
    name = service_name(i)
    peers = "".join(
        f"        - name: {service_name(p).split('-')[0].upper()}_{j}_URL\n"
        f"          value: \"http://{service_name(p)}.{namespace_of(p)}:80\"\n"
        for j, p in enumerate(sorted({rng.randrange(n) for _ in range(3)})))
    return f"""        env:
        - name: SERVICE_NAME
          value: {name}
        - name: PORT
          value: "8080"
        - name: LOG_LEVEL
          value: info
        - name: OTEL_EXPORTER_OTLP_ENDPOINT
          value: "http://otel-collector.observability:4317"
{peers}        - name: FEATURE_FLAGS
          valueFrom:
            configMapKeyRef:
              name: {name}-config
              key: feature-flags
        - name: DATABASE_URL
          valueFrom:
            secretKeyRef:
              name: {name}-secrets
              key: DATABASE_URL
        - name: JWT_SECRET
          valueFrom:
            secretKeyRef:
              name: {name}-secrets
              key: JWT_SECRET
        - name: POD_IP
          valueFrom:
            fieldRef:
              fieldPath: status.podIP
        envFrom:
        - configMapRef:
            name: {name}-config
"""


def _app_runtime(i: int, rng: random.Random) -> str:
    cpu, memory = rng.choice((100, 250, 500, 1000)), rng.choice((128, 256, 512, 1024))
    return f"""        resources:
          requests:
            cpu: {cpu}m
            memory: {memory}Mi
          limits:
            cpu: {cpu * 2}m
            memory: {memory * 2}Mi
        readinessProbe:
          httpGet:
            path: /ready
            port: http
          initialDelaySeconds: 5
          periodSeconds: 10
        livenessProbe:
          httpGet:
            path: /healthz
            port: http
          initialDelaySeconds: 15
          periodSeconds: 20
          failureThreshold: 3
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities:
            drop: [ALL]
        volumeMounts:
        - name: config
          mountPath: /etc/{service_name(i)}
          readOnly: true
        - name: tmp
          mountPath: /tmp
"""


def _sidecar(i: int, rng: random.Random, first: str, pad: str, native: bool) -> str:
    restart = f"{pad}restartPolicy: Always\n" if native else ""
    return f"""{first}name: log-shipper
{pad}image: fluent/fluent-bit:3.0.{i % 9}
{restart}{pad}args: ["-c", "/fluent-bit/etc/fluent-bit.conf"]
{pad}ports:
{pad}- name: http-admin
{pad}  containerPort: 2020
{pad}env:
{pad}- name: NAMESPACE
{pad}  valueFrom:
{pad}    fieldRef:
{pad}      fieldPath: metadata.namespace
{pad}resources:
{pad}  requests:
{pad}    cpu: {rng.choice((25, 50))}m
{pad}    memory: 64Mi
{pad}  limits:
{pad}    cpu: 100m
{pad}    memory: 128Mi
{pad}volumeMounts:
{pad}- name: tmp
{pad}  mountPath: /var/log/app
{pad}  readOnly: true
"""


def service(i: int) -> str:
    grpc = "  - name: grpc\n    port: 9090\n    targetPort: grpc\n" if i % 4 == 0 else ""
    return f"""apiVersion: v1
kind: Service
{_meta(i)}spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: {service_name(i)}
  ports:
  - name: http
    port: 80
    targetPort: http
    protocol: TCP
{grpc}"""


def config_map(i: int) -> str:
    name = service_name(i)
    return f"""apiVersion: v1
kind: ConfigMap
{_meta(i, name + "-config")}data:
  LOG_FORMAT: json
  CACHE_TTL_SECONDS: "{60 * (1 + i % 5)}"
  MAX_CONNECTIONS: "{50 + i % 50}"
  REGION: eu-west-1
  feature-flags: "checkout-v2,fast-search"
  application.yaml: |
    server:
      port: 8080
      shutdown: graceful
    service:
      name: {name}
      namespace: {namespace_of(i)}
    database:
      pool:
        min: 2
        max: {10 + i % 10}
    tracing:
      enabled: true
      sample-rate: 0.1
"""


def secret(i: int) -> str:
    name = service_name(i)

    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    return f"""apiVersion: v1
kind: Secret
{_meta(i, name + "-secrets")}type: Opaque
data:
  DATABASE_URL: {b64(f"postgres://{name}:synthetic@db.{namespace_of(i)}:5432/{name}")}
  JWT_SECRET: {b64(f"synthetic-jwt-{i}")}
  API_KEY: {b64(f"synthetic-key-{i:08d}")}
"""


def hpa(i: int, rng: random.Random) -> str:
    return f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
{_meta(i)}spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {service_name(i)}
  minReplicas: {2 + i % 2}
  maxReplicas: {rng.choice((6, 10, 20))}
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: {rng.choice((60, 70, 80))}
  - type: Resource
    resource:
      name: memory
      target:
        type: Utilization
        averageUtilization: 80
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
"""


def ingress_document(indexes: list[int]) -> str:
    ns = namespace_of(indexes[0])
    paths = "".join(
        f"""      - path: /api/v1/{service_name(i)}
        pathType: Prefix
        backend:
          service:
            name: {service_name(i)}
            port:
              name: http
""" for i in indexes)
    return f"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {ns}
  namespace: {ns}
  annotations:
    alb.ingress.kubernetes.io/scheme: internet-facing
    alb.ingress.kubernetes.io/target-type: ip
spec:
  ingressClassName: alb
  tls:
  - hosts: [{ns}.api.example.com]
    secretName: {ns}-tls
  rules:
  - host: {ns}.api.example.com
    http:
      paths:
{paths}"""
