{{/*
Names and labels. Every helper takes the root context (.) unless it says otherwise.
*/}}

{{/* common.name: the chart name, or .Values.nameOverride; at most 63 characters. */}}
{{- define "common.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* common.fullname: .Values.fullnameOverride, else the release name, suffixed with the chart name unless it already contains it. */}}
{{- define "common.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* common.chart: name-version, as the helm.sh/chart label wants it. */}}
{{- define "common.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* common.selectorLabels: the labels a Service, PDB or NetworkPolicy selects pods by. Never change them on a live release. */}}
{{- define "common.selectorLabels" -}}
app.kubernetes.io/name: {{ include "common.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* common.labels: the app.kubernetes.io/* labels of every object of a release (version: the image tag, else the appVersion; charts without an image too). */}}
{{- define "common.labels" -}}
{{- $image := .Values.image | default dict -}}
{{ include "common.selectorLabels" . }}
app.kubernetes.io/version: {{ $image.tag | default .Chart.AppVersion | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: chr21-platform
helm.sh/chart: {{ include "common.chart" . }}
{{- end -}}

{{/* common.componentLabels: labels of an object that is one component of a release (dict "context" . "component" "migration"). */}}
{{- define "common.componentLabels" -}}
{{ include "common.labels" .context }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* common.serviceAccountName: the ServiceAccount the pods run as. */}}
{{- define "common.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "common.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}
