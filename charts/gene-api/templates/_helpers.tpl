{{/* gene-api.databaseEnv: DATABASE_URL from the Secret the ExternalSecret writes; shared by the Deployment and the migration Job. */}}
{{- define "gene-api.databaseEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "common.fullname" . }}
      key: DATABASE_URL
{{- end -}}

{{/* gene-api.tokenEnv: TOKEN_SIGNING_KEY of the jobs API, from the same Secret. */}}
{{- define "gene-api.tokenEnv" -}}
- name: TOKEN_SIGNING_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "common.fullname" . }}
      key: TOKEN_SIGNING_KEY
{{- end -}}

{{/* gene-api.checkovSkips: the checkov checks that do not apply to the API's pods, each with its reason. */}}
{{- define "gene-api.checkovSkips" -}}
{{- include "common.checkovSkips" (list
  "CKV_K8S_35=The API is configured from environment variables only (pydantic-settings); DATABASE_URL comes from a Secret by secretKeyRef, never a literal"
  "CKV_K8S_43=Environments pin by image.digest (prod does); hml may deploy an immutable ECR tag"
  "CKV_K8S_15=Tags in ECR are immutable and digests cannot change, so IfNotPresent never serves a stale image"
) }}
{{- end -}}

{{/* gene-api.jobsCronJob: a CronJob running one `gene-api jobs` command as the API's own pod
(its labels, service account, settings, Secret, security contexts and /tmp): the same
NetworkPolicy and IAM role. Takes a dict: context (the root), values (the CronJob's block of
values: enabled, schedule, activeDeadlineSeconds, resources), component (its label), container
(its name), command (a list), startingDeadlineSeconds and backoffLimit. */}}
{{- define "gene-api.jobsCronJob" -}}
{{- $context := .context -}}
{{- with .values }}
{{- if .enabled }}
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ include "common.fullname" $context }}-{{ $.component }}
  namespace: {{ $context.Release.Namespace }}
  labels:
    {{- include "common.componentLabels" (dict "context" $context "component" $.component) | nindent 4 }}
  annotations:
    {{- include "gene-api.checkovSkips" $context | nindent 4 }}
spec:
  schedule: {{ .schedule | quote }}
  timeZone: Etc/UTC
  # A round still running when the next is due: the next waits.
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: {{ $.startingDeadlineSeconds }}
  successfulJobsHistoryLimit: 1
  failedJobsHistoryLimit: 3
  jobTemplate:
    spec:
      backoffLimit: {{ $.backoffLimit }}
      activeDeadlineSeconds: {{ .activeDeadlineSeconds }}
      template:
        metadata:
          labels:
            {{- include "common.componentLabels" (dict "context" $context "component" $.component) | nindent 12 }}
        spec:
          restartPolicy: Never
          serviceAccountName: {{ include "common.serviceAccountName" $context }}
          automountServiceAccountToken: false
          securityContext:
            {{- include "common.podSecurityContext" $context | nindent 12 }}
          {{- with $context.Values.imagePullSecrets }}
          imagePullSecrets:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          containers:
            - name: {{ $.container }}
              image: {{ include "common.image" $context }}
              imagePullPolicy: {{ $context.Values.image.pullPolicy }}
              command: [{{ range $i, $arg := $.command }}{{ if $i }}, {{ end }}{{ $arg | quote }}{{ end }}]
              envFrom:
                - configMapRef:
                    name: {{ include "common.fullname" $context }}
              env:
                {{- include "gene-api.databaseEnv" $context | nindent 16 }}
              securityContext:
                {{- include "common.containerSecurityContext" $context | nindent 16 }}
              resources:
                {{- toYaml .resources | nindent 16 }}
              volumeMounts:
                {{- include "common.tmpVolumeMount" $context | nindent 16 }}
          volumes:
            {{- include "common.tmpVolume" $context | nindent 12 }}
{{- end }}
{{- end }}
{{- end -}}
