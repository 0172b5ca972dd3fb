{{/* worker.databaseEnv: DATABASE_URL from the Secret the ExternalSecret writes. */}}
{{- define "worker.databaseEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "common.fullname" . }}
      key: DATABASE_URL
{{- end -}}

{{/* worker.sqsRegion: the AWS region in an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>). */}}
{{- define "worker.sqsRegion" -}}
{{- $host := (urlParse .).host -}}
{{- $parts := splitList "." $host -}}
{{- if or (lt (len $parts) 3) (ne (index $parts 0) "sqs") -}}
{{- fail (printf "pipeline.sqsQueueUrl %q is not an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue>)" .) -}}
{{- end -}}
{{- index $parts 1 -}}
{{- end -}}

{{/* worker.checkovSkips: the checkov checks that do not apply to the worker's pods, each with its reason. */}}
{{- define "worker.checkovSkips" -}}
{{- include "common.checkovSkips" (list
  "CKV_K8S_35=The worker is configured from environment variables only (pydantic-settings); DATABASE_URL comes from a Secret by secretKeyRef, never a literal"
  "CKV_K8S_43=Environments pin by image.digest (prod does); hml may deploy an immutable ECR tag"
  "CKV_K8S_15=Tags in ECR are immutable and digests cannot change, so IfNotPresent never serves a stale image"
) }}
{{- end -}}
