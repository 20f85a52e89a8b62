"""Rendered Helm documents point at the template line that produced each field."""

import pytest

from migrator.load.documents import parse_yaml
from migrator.load.template_lines import TemplateLocator
from migrator.load.template_text import template_entries

RANGED = """\
{{- range $name, $svc := .Values.services }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "labels" $ | nindent 4 }}
spec:
  replicas: {{ $svc.replicas }}
  template:
    spec:
      containers:
        - name: {{ $name }}
          image: {{ $svc.image | quote }}
          env:
            {{- if $svc.debug }}
            - name: DEBUG
              value: "1"
            {{- end }}
            - name: PORT
              value: {{ $svc.port | quote }}
            {{- range $k, $v := $svc.env }}
            - name: {{ $k }}
              value: {{ $v | quote }}
            {{- end }}
          args:
            - --port
            - {{ $svc.port | quote }}
          resources:
            {{- toYaml $svc.resources | nindent 12 }}
          command: |
            name: not-a-key
            run
{{- end }}
"""

RENDERED = """\
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels:
    app: api
    tier: backend
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: api
          image: "api:1"
          env:
            - name: DEBUG
              value: "1"
            - name: PORT
              value: "80"
            - name: EXTRA
              value: "x"
            - name: MORE
              value: "y"
          args:
            - --port
            - "80"
          resources:
            limits:
              cpu: 100m
          command: |
            name: not-a-key
            run
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: web
          image: "web:1"
          env:
            - name: PORT
              value: "8080"
"""

C = ("spec", "template", "spec", "containers", 0)


def _located(template: str, rendered: str):
    locator = TemplateLocator(template)
    return [locator.locate(doc) for doc in parse_yaml(rendered, "templates/deployment.yaml")]


@pytest.mark.parametrize("doc_index, path, line", [
    (0, (), 3),                                     # the document starts at the template's apiVersion
    (0, ("kind",), 4),
    (0, ("metadata", "name"), 6),
    (0, ("metadata", "labels", "tier"), 8),         # from include: the include's line
    (0, ("spec", "replicas"), 10),
    (0, (*C, "image"), 15),
    (0, (*C, "env", 0), 18),                        # literal item inside an if
    (0, (*C, "env", 1, "value"), 22),               # literal PORT item, not the ranged one
    (0, (*C, "env", 2), 24),                        # ranged item
    (0, (*C, "env", 3, "name"), 24),                # every ranged item, the same template line
    (0, (*C, "args", 0), 28),
    (0, (*C, "args", 1), 29),
    (0, (*C, "resources"), 30),
    (0, (*C, "resources", "limits", "cpu"), 31),    # from toYaml: the toYaml's line
    (0, (*C, "command"), 32),
    (1, (), 3),                                     # second document of the range: same lines
    (1, ("metadata", "name"), 6),
    (1, (*C, "env", 0), 21),                        # PORT, the if-item is absent this time
])
def test_ranged_template_lines(doc_index, path, line):
    docs = _located(RANGED, RENDERED)
    assert docs[doc_index].ref(*path).line == line


def test_block_scalar_bodies_are_not_keys():
    entries, _ = template_entries(RANGED)
    assert [e.key for e in entries if e.line >= 32] == ["command"]


MULTI = """\
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
---
apiVersion: apps/v1
kind: {{ .Values.kind }}
metadata:
  name: {{ .Release.Name }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
spec:
  scaleTargetRef:
    kind: Deployment
"""


@pytest.mark.parametrize("rendered, expected", [
    # each document finds its own segment, in order
    ("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: StatefulSet\n"
     "metadata:\n  name: a\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
     "spec:\n  scaleTargetRef:\n    kind: Deployment\n",
     [(1, 4), (6, 9), (11, 15)]),
    # helm template prints by kind order: the HPA first, then the Service
    ("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nspec:\n  scaleTargetRef:\n    kind: Deployment\n"
     "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n",
     [(11, 15), (1, 4)]),
])
def test_multi_document_template(rendered, expected):
    docs = _located(MULTI, rendered)
    got = []
    for doc in docs:
        last = ("spec", "scaleTargetRef", "kind") if doc.data["kind"] == "HorizontalPodAutoscaler" else (
            "metadata", "name")
        got.append((doc.line, doc.ref(*last).line))
    assert got == expected


def test_template_without_kind_points_at_its_first_line():
    docs = _located('{{ include "whole.object" . }}\n', "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n")
    assert docs[0].line == 1 and docs[0].ref("data", "a").line == 1


def test_compact_list_under_a_key():
    template = "kind: Service\nspec:\n  ports:\n  - name: http\n    port: 80\n  - name: grpc\n    port: 90\n"
    rendered = "kind: Service\nspec:\n  ports:\n  - name: http\n    port: 80\n  - name: grpc\n    port: 90\n"
    doc = _located(template, rendered)[0]
    assert [doc.ref("spec", "ports", i, "port").line for i in (0, 1)] == [5, 7]


ARGS = """\
kind: Deployment
spec:
  containers:
    - name: app
      args:
        - --port={{ .Values.port }}
        {{- with .Values.host }}
        - --host={{ . }}
        {{- end }}
        - "--level={{ .Values.level }}"
      env:
      - name: COLOR
        value: {{ .Values.color }}
{{ toYaml .Values.extraEnv | indent 6 }}
      {{- toYaml .Values.more | nindent 6 }}
"""


@pytest.mark.parametrize("path, line", [
    (("args", 0), 6),
    (("args", 1), 10),          # the literal text around an action decides: not the --host line
    (("env", 0, "value"), 13),
    (("env", 1, "name"), 14),   # injected after a literal item with the same first key
    (("env", 1, "value"), 14),
    (("ports", 0, "containerPort"), 15),  # a key the container never spells out
])
def test_templated_items_and_injected_fields(path, line):
    rendered = ("kind: Deployment\nspec:\n  containers:\n  - name: app\n    args: [--port=80, --level=info]\n"
                "    env:\n    - {name: COLOR, value: red}\n    - {name: EXTRA, value: x}\n"
                "    ports: [{containerPort: 80}]\n")
    doc = _located(ARGS, rendered)[0]
    assert doc.ref("spec", "containers", 0, *path).line == line
