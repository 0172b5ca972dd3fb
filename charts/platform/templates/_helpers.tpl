{{/* platform.crAnnotations: on custom resources whose CRD an add-on installs, maybe in the same sync: Argo CD skips the dry run while the CRD is missing and retries; the wave orders them within this Application (dict "wave" "1"). */}}
{{- define "platform.crAnnotations" -}}
argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true
argocd.argoproj.io/sync-wave: {{ .wave | quote }}
{{- end -}}
