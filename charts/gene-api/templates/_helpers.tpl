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
