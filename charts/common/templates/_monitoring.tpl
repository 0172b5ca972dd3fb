{{/*
common.prometheusRule: the release's PrometheusRule when .Values.prometheusRule.enabled, for
kube-prometheus-stack's Prometheus to evaluate. Two groups: the workload's (its container
restarting, using most of its CPU or memory limit, its Deployment short of ready replicas:
kube-state-metrics' and cAdvisor's series) and the app's own, passed as "rules" (a YAML list
the chart renders). Every alert gets the chart's name as prefix, and service, severity,
summary, description and runbook_url (under .Values.prometheusRule.runbookBaseUrl).
Call with (dict "context" $ "container" NAME "rules" YAML).
*/}}
{{- define "common.prometheusRule" -}}
{{- $args := . }}
{{- $ := .context }}
{{- with $.Values.prometheusRule }}
{{- if .enabled }}
{{- $name := include "common.fullname" $ }}
{{- $namespace := $.Release.Namespace }}
{{- $prefix := include "common.alertPrefix" $ }}
{{- $container := printf "namespace=%q, container=%q" $namespace $args.container }}
{{- $base := required "prometheusRule.runbookBaseUrl is required: where docs/runbooks is served" .runbookBaseUrl | trimSuffix "/" }}
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: {{ $name }}
  namespace: {{ $namespace }}
  labels:
    {{- include "common.labels" $ | nindent 4 }}
    {{- with .labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  groups:
    - name: {{ $name }}.workload
      rules:
        - alert: {{ $prefix }}Restarting
          expr: increase(kube_pod_container_status_restarts_total{ {{- $container -}} }[30m]) >= {{ .restarts }}
          labels:
            severity: warning
            service: {{ $name }}
          annotations:
            summary: {{ printf "%s restarted %v times or more in 30 minutes" $name .restarts | quote }}
            description: 'Pod {{"{{"}} $labels.pod {{"}}"}} restarted {{"{{"}} printf "%.0f" $value {{"}}"}} times: crashing, killed for memory, or failing its liveness probe.'
            runbook_url: {{ printf "%s/roll-back-a-release.md" $base }}
        - alert: {{ $prefix }}CpuSaturated
          expr: |-
            sum by (pod) (rate(container_cpu_usage_seconds_total{ {{- $container -}} }[5m]))
              / sum by (pod) (kube_pod_container_resource_limits{ {{- $container -}}, resource="cpu"}) > {{ .saturationRatio }}
          for: 15m
          labels:
            severity: warning
            service: {{ $name }}
          annotations:
            summary: {{ printf "%s uses over %v of its CPU limit" $name .saturationRatio | quote }}
            description: 'Pod {{"{{"}} $labels.pod {{"}}"}} has used {{"{{"}} $value | humanizePercentage {{"}}"}} of its CPU limit for 15 minutes: it is throttled.'
            runbook_url: {{ printf "%s/scaling.md" $base }}
        - alert: {{ $prefix }}MemorySaturated
          expr: |-
            max by (pod) (container_memory_working_set_bytes{ {{- $container -}} })
              / max by (pod) (kube_pod_container_resource_limits{ {{- $container -}}, resource="memory"}) > {{ .saturationRatio }}
          for: 15m
          labels:
            severity: warning
            service: {{ $name }}
          annotations:
            summary: {{ printf "%s uses over %v of its memory limit" $name .saturationRatio | quote }}
            description: 'Pod {{"{{"}} $labels.pod {{"}}"}} has used {{"{{"}} $value | humanizePercentage {{"}}"}} of its memory limit for 15 minutes: it is close to being killed.'
            runbook_url: {{ printf "%s/scaling.md" $base }}
        - alert: {{ $prefix }}ReplicasNotReady
          expr: |-
            kube_deployment_status_replicas_available{namespace={{ $namespace | quote }}, deployment={{ $name | quote }}}
              < kube_deployment_spec_replicas{namespace={{ $namespace | quote }}, deployment={{ $name | quote }}}
          for: 10m
          labels:
            severity: warning
            service: {{ $name }}
          annotations:
            summary: {{ printf "%s has fewer ready pods than it asks for" $name | quote }}
            description: 'Only {{"{{"}} $value {{"}}"}} of the Deployment''s pods have been available (ready) for 10 minutes: readiness is failing, or pods cannot be scheduled.'
            runbook_url: {{ printf "%s/roll-back-a-release.md" $base }}
    - name: {{ $name }}.app
      rules:
        {{- $args.rules | trim | nindent 8 }}
{{- end }}
{{- end }}
{{- end -}}

{{/* common.alertPrefix: the chart's name as an alert name prefix (gene-api: GeneApi). */}}
{{- define "common.alertPrefix" -}}
{{- .Chart.Name | replace "-" " " | title | nospace -}}
{{- end -}}

{{/* common.runbookUrl: the link of one runbook (its file name under docs/runbooks). */}}
{{- define "common.runbookUrl" -}}
{{- printf "%s/%s" (.context.Values.prometheusRule.runbookBaseUrl | trimSuffix "/") .runbook -}}
{{- end -}}

{{/*
common.grafanaDashboards: one ConfigMap per dashboards/*.json file of the calling chart, when
.Values.grafanaDashboard.enabled, labelled for kube-prometheus-stack's Grafana sidecar
(.Values.grafanaDashboard.labels), which loads them from every namespace.
*/}}
{{- define "common.grafanaDashboards" -}}
{{- if .Values.grafanaDashboard.enabled }}
{{- range $path, $_ := .Files.Glob "dashboards/*.json" }}
{{- $file := base $path }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ printf "%s-dashboard-%s" (include "common.fullname" $) (trimSuffix ".json" $file) | trunc 63 | trimSuffix "-" }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "common.labels" $ | nindent 4 }}
    {{- toYaml $.Values.grafanaDashboard.labels | nindent 4 }}
data:
  {{ $file }}: |-
    {{- $.Files.Get $path | trim | nindent 4 }}
{{- end }}
{{- end }}
{{- end -}}
