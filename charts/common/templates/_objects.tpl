{{/* common.serviceAccount: the release's ServiceAccount, with the IRSA role annotation when .Values.serviceAccount.roleArn is set. */}}
{{- define "common.serviceAccount" -}}
{{- if .Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "common.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "common.labels" . | nindent 4 }}
  {{- $annotations := deepCopy (.Values.serviceAccount.annotations | default dict) }}
  {{- with .Values.serviceAccount.roleArn }}
  {{- $_ := set $annotations "eks.amazonaws.com/role-arn" . }}
  {{- end }}
  {{- with $annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
{{- end }}
{{- end -}}

{{/* common.pdb: a PodDisruptionBudget from .Values.pdb (minAvailable or maxUnavailable). */}}
{{- define "common.pdb" -}}
{{- if .Values.pdb.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "common.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "common.labels" . | nindent 4 }}
spec:
  {{- if .Values.pdb.maxUnavailable }}
  maxUnavailable: {{ .Values.pdb.maxUnavailable }}
  {{- else }}
  minAvailable: {{ .Values.pdb.minAvailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "common.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{/* common.hpa: an autoscaling/v2 HorizontalPodAutoscaler of the release's Deployment from .Values.autoscaling. */}}
{{- define "common.hpa" -}}
{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "common.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "common.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "common.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end -}}

{{/* common.serviceMonitor: a Prometheus Operator ServiceMonitor scraping a port of the Service (default "http") at path (dict "context" . "port" "metrics" "path" "/metrics"). */}}
{{- define "common.serviceMonitor" -}}
{{- $values := .context.Values.serviceMonitor -}}
{{- if $values.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "common.fullname" .context }}
  namespace: {{ .context.Release.Namespace }}
  labels:
    {{- include "common.labels" .context | nindent 4 }}
    {{- with $values.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "common.selectorLabels" .context | nindent 6 }}
  endpoints:
    - port: {{ .port | default "http" }}
      path: {{ .path }}
      interval: {{ $values.interval }}
      scrapeTimeout: {{ $values.scrapeTimeout }}
{{- end }}
{{- end -}}

{{/* common.networkPolicy: deny all traffic of the release's pods but the given rules (dict "context" . "ingress" list "egress" list); DNS egress is always allowed. For pods of the release that are not its workload's (a hook with labels of its own): "name", "labels" and "selector" (matchLabels) too. */}}
{{- define "common.networkPolicy" -}}
{{- if .context.Values.networkPolicy.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .name | default (include "common.fullname" .context) }}
  namespace: {{ .context.Release.Namespace }}
  labels:
    {{- if .labels }}
    {{- toYaml .labels | nindent 4 }}
    {{- else }}
    {{- include "common.labels" .context | nindent 4 }}
    {{- end }}
spec:
  podSelector:
    matchLabels:
      {{- if .selector }}
      {{- toYaml .selector | nindent 6 }}
      {{- else }}
      {{- include "common.selectorLabels" .context | nindent 6 }}
      {{- end }}
  policyTypes: [Ingress, Egress]
  ingress:
    {{- toYaml .ingress | nindent 4 }}
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - {port: 53, protocol: UDP}
        - {port: 53, protocol: TCP}
    {{- with .egress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}
{{- end -}}

{{/* common.argocdHook: Argo CD (not Helm) hook annotations: PreSync in the given wave, replaced at every sync (dict "wave" "-1"). */}}
{{- define "common.argocdHook" -}}
argocd.argoproj.io/hook: PreSync
argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
argocd.argoproj.io/sync-wave: {{ .wave | quote }}
{{- end -}}

{{/* common.externalSecret: an ExternalSecret writing Secret <fullname> from a (Cluster)SecretStore, as a PreSync hook in wave -1 so PreSync Jobs can read it (dict "context" . "data" list "template" dict). */}}
{{- define "common.externalSecret" -}}
{{- $values := .context.Values.externalSecret -}}
{{- if $values.enabled }}
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: {{ include "common.fullname" .context }}
  namespace: {{ .context.Release.Namespace }}
  labels:
    {{- include "common.labels" .context | nindent 4 }}
  annotations:
    {{- include "common.argocdHook" (dict "wave" "-1") | nindent 4 }}
spec:
  refreshInterval: {{ $values.refreshInterval }}
  secretStoreRef:
    name: {{ $values.secretStoreRef.name }}
    kind: {{ $values.secretStoreRef.kind }}
  target:
    name: {{ include "common.fullname" .context }}
    # The hook is replaced at every sync; Orphan keeps the Secret (and the pods that read it)
    # through that replacement instead of deleting and recreating it.
    creationPolicy: Orphan
    deletionPolicy: Retain
    {{- with .template }}
    template:
      engineVersion: v2
      data:
        {{- toYaml . | nindent 8 }}
    {{- end }}
  data:
    {{- toYaml .data | nindent 4 }}
{{- end }}
{{- end -}}

{{/* common.migrationServiceAccount: the migration Job's own ServiceAccount, a PreSync hook in wave -1 (no token). The app's ServiceAccount is a Sync object, which a first sync creates only after the PreSync hooks succeed: the Job could create no Pod (gitops rehearse found it). */}}
{{- define "common.migrationServiceAccount" -}}
{{- if .Values.migration.enabled }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "common.fullname" . }}-migrate
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "common.componentLabels" (dict "context" . "component" "migration") | nindent 4 }}
  annotations:
    {{- include "common.argocdHook" (dict "wave" "-1") | nindent 4 }}
automountServiceAccountToken: false
{{- end }}
{{- end -}}

{{/* common.migrationJob: a Job run as an Argo CD PreSync hook (wave 0, after the ExternalSecret): the steps run in order, all but the last as init containers (dict "context" . "steps" (list (dict "name" "upgrade" "command" (list ...))) "env" list "annotations" "extra: yaml"). */}}
{{- define "common.migrationJob" -}}
{{- $context := .context -}}
{{- $values := $context.Values.migration -}}
{{- if $values.enabled }}
{{- $env := .env -}}
{{- $steps := .steps -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "common.fullname" $context }}-migrate
  namespace: {{ .context.Release.Namespace }}
  labels:
    {{- include "common.componentLabels" (dict "context" $context "component" "migration") | nindent 4 }}
  annotations:
    {{- include "common.argocdHook" (dict "wave" "0") | nindent 4 }}
    {{- with .annotations }}
    {{- . | nindent 4 }}
    {{- end }}
spec:
  backoffLimit: {{ $values.backoffLimit }}
  activeDeadlineSeconds: {{ $values.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        {{- include "common.componentLabels" (dict "context" $context "component" "migration") | nindent 8 }}
    spec:
      restartPolicy: Never
      serviceAccountName: {{ include "common.fullname" $context }}-migrate
      automountServiceAccountToken: false
      securityContext:
        {{- include "common.podSecurityContext" $context | nindent 8 }}
      {{- with $context.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if gt (len $steps) 1 }}
      initContainers:
        {{- range $step := initial $steps }}
        {{- include "common.migrationContainer" (dict "context" $context "step" $step "env" $env) | nindent 8 }}
        {{- end }}
      {{- end }}
      containers:
        {{- include "common.migrationContainer" (dict "context" $context "step" (last $steps) "env" $env) | nindent 8 }}
      volumes:
        {{- include "common.tmpVolume" $context | nindent 8 }}
{{- end }}
{{- end -}}

{{/* common.migrationContainer: one step of common.migrationJob. */}}
{{- define "common.migrationContainer" -}}
- name: {{ .step.name }}
  image: {{ include "common.image" .context }}
  imagePullPolicy: {{ .context.Values.image.pullPolicy }}
  command:
    {{- toYaml .step.command | nindent 4 }}
  env:
    {{- toYaml .env | nindent 4 }}
  securityContext:
    {{- include "common.containerSecurityContext" .context | nindent 4 }}
  resources:
    {{- toYaml .context.Values.migration.resources | nindent 4 }}
  volumeMounts:
    {{- include "common.tmpVolumeMount" . | nindent 4 }}
{{- end -}}
