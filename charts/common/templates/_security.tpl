{{/* common.podSecurityContext: non-root with the image's uid and gid, seccomp RuntimeDefault; .Values.podSecurityContext overrides key by key. */}}
{{- define "common.podSecurityContext" -}}
{{- $hardened := dict "runAsNonRoot" true "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- toYaml (mustMergeOverwrite $hardened (deepCopy .Values.podSecurityContext)) -}}
{{- end -}}

{{/* common.containerSecurityContext: read-only root filesystem, no privilege escalation, every capability dropped; .Values.containerSecurityContext overrides key by key. */}}
{{- define "common.containerSecurityContext" -}}
{{- $hardened := dict "readOnlyRootFilesystem" true "allowPrivilegeEscalation" false "privileged" false "runAsNonRoot" true "capabilities" (dict "drop" (list "ALL")) "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- toYaml (mustMergeOverwrite $hardened (deepCopy .Values.containerSecurityContext)) -}}
{{- end -}}
