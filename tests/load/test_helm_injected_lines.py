"""Fields a chart injects with toYaml / include / tpl point at the line of that action, rendered
through the embedded Helm SDK."""

from __future__ import annotations

import pytest

from migrator.config import HelmSource
from migrator.load.helm import render_chart
from tests.load.chartkit import line_of, write_chart

HELPERS = """\
{{- define "shop.probe" -}}
httpGet:
  path: /healthz
  port: http
periodSeconds: 10
{{- end }}
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.27
          env:
            - name: PORT
              value: "8080"
            {{- with .Values.env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          livenessProbe:
            {{- include "shop.probe" . | nindent 12 }}
          readinessProbe:
            {{- tpl (toYaml .Values.readiness) . | nindent 12 }}
          {{- toYaml .Values.containerExtras | nindent 10 }}
{{- with .Values.podExtras }}
{{ toYaml . | indent 6 }}
{{- end }}
"""

VALUES = """\
env:
  - name: LOG_LEVEL
    value: debug
  - name: DB_PASSWORD
    valueFrom:
      secretKeyRef: {name: db, key: password}
resources:
  requests: {cpu: 250m, memory: 256Mi}
  limits: {memory: 512Mi}
readiness:
  tcpSocket: {port: "{{ .Values.port }}"}
port: 8080
containerExtras:
  startupProbe:
    exec: {command: [cat, /tmp/ready]}
podExtras:
  terminationGracePeriodSeconds: 45
"""

C = ("spec", "template", "spec", "containers", 0)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    chart = write_chart(tmp_path_factory.mktemp("chart"), templates={
        "deployment.yaml": DEPLOYMENT, "_helpers.tpl": HELPERS}, values=VALUES)
    docs, _ = render_chart(HelmSource(chart=str(chart), release="rel"))
    (doc,) = docs
    return doc, chart / "templates" / "deployment.yaml"


@pytest.mark.parametrize("path, line, needle", [
    ((*C, "env", 0, "name"), 12, "- name: PORT"),                  # the literal item keeps its line
    ((*C, "env", 1, "name"), 15, "toYaml . | nindent 12"),        # LOG_LEVEL, not the PORT item
    ((*C, "env", 1, "value"), 15, "toYaml . | nindent 12"),
    ((*C, "env", 2, "valueFrom", "secretKeyRef", "key"), 15, "toYaml . | nindent 12"),
    ((*C, "resources"), 17, "resources:"),
    ((*C, "resources", "requests", "cpu"), 18, "toYaml .Values.resources"),
    ((*C, "resources", "limits", "memory"), 18, "toYaml .Values.resources"),
    ((*C, "livenessProbe"), 19, "livenessProbe:"),
    ((*C, "livenessProbe", "httpGet", "path"), 20, 'include "shop.probe"'),
    ((*C, "readinessProbe", "tcpSocket", "port"), 22, "tpl (toYaml"),
    ((*C, "startupProbe"), 23, "toYaml .Values.containerExtras"),  # a key the container never spells
    ((*C, "startupProbe", "exec", "command", 1), 23, "toYaml .Values.containerExtras"),
    (("spec", "template", "spec", "terminationGracePeriodSeconds"), 25, "toYaml . | indent 6"),
])
def test_injected_fields_point_at_the_action_that_wrote_them(deployment, path, line, needle):
    doc, template = deployment
    assert line_of(template, needle) == line  # the fixture says what the test means
    assert (doc.file, doc.ref(*path).line) == (str(template), line)


def test_rendered_values_are_the_injected_ones(deployment):
    doc, _ = deployment
    container = doc.data["spec"]["template"]["spec"]["containers"][0]
    assert [e["name"] for e in container["env"]] == ["PORT", "LOG_LEVEL", "DB_PASSWORD"]
    assert container["readinessProbe"] == {"tcpSocket": {"port": "8080"}}
    assert container["startupProbe"]["exec"]["command"] == ["cat", "/tmp/ready"]
