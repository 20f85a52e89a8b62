{{/*
Shared helpers for the creator-platform chart.

Every resource is named after its key in .Values.services (not prefixed with
the release name) because the services find each other by those DNS names,
e.g. http://auth-service:3001.
*/}}

{{/* Chart name and version, as used by the helm.sh/chart label. */}}
{{- define "creator-platform.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Kind of workload: backend (default), worker or frontend.
Usage: include "creator-platform.kind" $svc
*/}}
{{- define "creator-platform.kind" -}}
{{- .kind | default "backend" }}
{{- end }}

{{/*
Selector labels. Usage: include "creator-platform.selectorLabels" (dict "name" $name "root" $)
*/}}
{{- define "creator-platform.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/*
Common labels. Usage: include "creator-platform.labels" (dict "name" $name "svc" $svc "root" $)
*/}}
{{- define "creator-platform.labels" -}}
helm.sh/chart: {{ include "creator-platform.chart" .root }}
{{ include "creator-platform.selectorLabels" . }}
app.kubernetes.io/component: {{ include "creator-platform.kind" .svc }}
app.kubernetes.io/part-of: creator-platform
app.kubernetes.io/version: {{ .root.Values.image.tag | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{/*
Container image. Usage: include "creator-platform.image" (dict "name" $name "root" $)
*/}}
{{- define "creator-platform.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .name (toString .root.Values.image.tag) }}
{{- end }}

{{/*
Port the Kubernetes Service listens on: servicePort when set (e.g. 80),
otherwise the container port. Usage: include "creator-platform.servicePort" $svc
*/}}
{{- define "creator-platform.servicePort" -}}
{{- if .servicePort }}{{ int .servicePort }}{{ else }}{{ int .port }}{{ end }}
{{- end }}

{{/*
Whether the pod runs with the hardened security context (default true;
set `hardened: false` on a service to opt out).
Usage: include "creator-platform.hardened" $svc  -> "true" / "false"
*/}}
{{- define "creator-platform.hardened" -}}
{{- if hasKey . "hardened" }}{{ .hardened }}{{ else }}true{{ end }}
{{- end }}

{{/* Volume name for a writable path, e.g. /var/cache/nginx -> var-cache-nginx */}}
{{- define "creator-platform.volumeName" -}}
{{- trimPrefix "/" . | replace "/" "-" | replace "_" "-" | lower }}
{{- end }}
