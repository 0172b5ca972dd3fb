{{/* web.settings: the frontend's settings as environment variables (name: value), the one
list both the ConfigMap and the migration Job (a PreSync hook, which runs before the
ConfigMap exists) are made from. */}}
{{- define "web.settings" -}}
{{- $app := .Values.app -}}
{{- $host := .Values.ingress.host -}}
{{- $hosts := $app.extraAllowedHosts -}}
{{- if $host }}{{ $hosts = prepend $hosts $host }}{{ end -}}
{{- if not $hosts }}{{ fail "ingress.host or app.extraAllowedHosts is required: Django answers only the hosts it is told" }}{{ end -}}
{{- $origins := list -}}
{{- range $hosts }}{{ $origins = append $origins (printf "https://%s" .) }}{{ end -}}
WEB_HOST: "0.0.0.0"
WEB_PORT: {{ $app.port | quote }}
WEB_METRICS_PORT: {{ $app.metricsPort | quote }}
WEB_LOG_LEVEL: {{ $app.logLevel | quote }}
WEB_WORKERS: {{ $app.workers | quote }}
WEB_THREADS: {{ $app.threads | quote }}
GRACEFUL_TIMEOUT: {{ $app.gracefulTimeout | quote }}
DJANGO_ALLOWED_HOSTS: {{ join "," $hosts | quote }}
DJANGO_CSRF_TRUSTED_ORIGINS: {{ join "," $origins | quote }}
DJANGO_HSTS_SECONDS: {{ $app.hstsSeconds | int64 | quote }}
API_URL: {{ $app.apiUrl | quote }}
API_CONNECT_TIMEOUT_SECONDS: {{ $app.apiConnectTimeoutSeconds | quote }}
API_TIMEOUT_SECONDS: {{ $app.apiTimeoutSeconds | quote }}
MAX_UPLOAD_BYTES: {{ $app.maxUploadBytes | int64 | quote }}
HEADER_TIMEOUT_SECONDS: {{ $app.limits.headerTimeoutSeconds | quote }}
BODY_TIMEOUT_SECONDS: {{ $app.limits.bodyTimeoutSeconds | quote }}
MIN_BODY_BYTES_PER_SECOND: {{ $app.limits.minBodyBytesPerSecond | int64 | quote }}
{{- end -}}

{{/* web.secretEnv: the three secrets, from the Secret the ExternalSecret writes; shared by the
Deployment and the migration Job. */}}
{{- define "web.secretEnv" -}}
{{- range list "WEB_DATABASE_URL" "DJANGO_SECRET_KEY" "TOKEN_SIGNING_KEY" }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ include "common.fullname" $ }}
      key: {{ . }}
{{- end }}
{{- end -}}

{{/* web.checkovSkips: the checkov checks that do not apply to the frontend's pods, each with its reason. */}}
{{- define "web.checkovSkips" -}}
{{- include "common.checkovSkips" (list
  "CKV_K8S_35=The frontend is configured from environment variables only (django-environ); its secrets come from a Secret by secretKeyRef, never a literal"
  "CKV_K8S_43=Environments pin by image.digest (prod does); hml may deploy an immutable ECR tag"
  "CKV_K8S_15=Tags in ECR are immutable and digests cannot change, so IfNotPresent never serves a stale image"
) }}
{{- end -}}
