{{/* common.probes: startup, liveness and readiness HTTP probes on the named port "http" (dict "probes" .Values.probes "liveness" "/healthz" "readiness" "/readyz"); startup uses the liveness path. */}}
{{- define "common.probes" -}}
{{- $probes := .probes -}}
startupProbe:
  httpGet:
    path: {{ .liveness }}
    port: http
  {{- toYaml $probes.startup | nindent 2 }}
livenessProbe:
  httpGet:
    path: {{ .liveness }}
    port: http
  {{- toYaml $probes.liveness | nindent 2 }}
readinessProbe:
  httpGet:
    path: {{ .readiness }}
    port: http
  {{- toYaml $probes.readiness | nindent 2 }}
{{- end -}}

{{/* common.topologySpread: spread the release's pods across zones, then nodes (dict "context" . "spread" .Values.topologySpread). */}}
{{- define "common.topologySpread" -}}
{{- $constraints := list -}}
{{- range $key := list "topology.kubernetes.io/zone" "kubernetes.io/hostname" -}}
{{- $selector := dict "matchLabels" (include "common.selectorLabels" $.context | fromYaml) -}}
{{- $constraints = append $constraints (dict "maxSkew" $.spread.maxSkew "topologyKey" $key "whenUnsatisfiable" $.spread.whenUnsatisfiable "labelSelector" $selector) -}}
{{- end -}}
{{- toYaml $constraints -}}
{{- end -}}

{{/* common.checksum: sha256 of another template of the chart, for a pod annotation that rolls the pods when it changes (dict "context" . "template" "/configmap.yaml"). */}}
{{- define "common.checksum" -}}
{{- include (print .context.Template.BasePath .template) .context | sha256sum -}}
{{- end -}}

{{/* common.tmpVolume: the writable /tmp a read-only root filesystem needs (volume part), .Values.tmpSizeLimit big (default 64Mi). */}}
{{- define "common.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit | default "64Mi" }}
{{- end -}}

{{/* common.tmpVolumeMount: the writable /tmp a read-only root filesystem needs (mount part). */}}
{{- define "common.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/* common.checkovSkips: checkov.io/skipN annotations, one per "CHECK_ID=reason" in the list given; a chart states each check that does not apply and why. */}}
{{- define "common.checkovSkips" -}}
{{- range $index, $skip := . }}
checkov.io/skip{{ add1 $index }}: {{ $skip | quote }}
{{- end }}
{{- end -}}
