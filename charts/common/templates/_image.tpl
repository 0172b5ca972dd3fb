{{/* common.image: repository@digest when .Values.image.digest is set, else repository:tag (tag defaults to the chart's appVersion). */}}
{{- define "common.image" -}}
{{- $image := .Values.image -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $image.repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $image.repository (default .Chart.AppVersion $image.tag) -}}
{{- end -}}
{{- end -}}
