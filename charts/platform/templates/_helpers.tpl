{{/* platform.crAnnotations: on custom resources whose CRD an add-on installs, maybe in the same sync: Argo CD skips the dry run while the CRD is missing and retries. */}}
{{- define "platform.crAnnotations" -}}
argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true
{{- end -}}
