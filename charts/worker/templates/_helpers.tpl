{{/* worker.databaseEnv: DATABASE_URL from the Secret the ExternalSecret writes. */}}
{{- define "worker.databaseEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "common.fullname" . }}
      key: DATABASE_URL
{{- end -}}

{{/* worker.sqsRegion: the AWS region in an SQS queue URL (https://sqs.<region>.amazonaws.com[.cn]/<account>/<queue>).
values.schema.json refuses any other URL before the render (the same pattern); this check is for
renders that skip the schema. `helm lint` only logs `required` and `fail`, then renders on: an empty URL (its
`required` has already been reported) gives an empty region, never an index out of range. */}}
{{- define "worker.sqsRegion" -}}
{{- $pattern := `^https://sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/[0-9]{12}/[A-Za-z0-9_-]{1,80}$` -}}
{{- if regexMatch $pattern . -}}
{{- regexReplaceAll $pattern . "${1}" -}}
{{- else if . -}}
{{- fail (printf "pipeline.sqsQueueUrl %q is not an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue>)" .) -}}
{{- end -}}
{{- end -}}

{{/* worker.checkovSkips: the checkov checks that do not apply to the worker's pods, each with its reason. */}}
{{- define "worker.checkovSkips" -}}
{{- include "common.checkovSkips" (list
  "CKV_K8S_35=The worker is configured from environment variables only (pydantic-settings); DATABASE_URL comes from a Secret by secretKeyRef, never a literal"
  "CKV_K8S_43=Environments pin by image.digest (prod does); hml may deploy an immutable ECR tag"
  "CKV_K8S_15=Tags in ECR are immutable and digests cannot change, so IfNotPresent never serves a stale image"
) }}
{{- end -}}
