{{/*
The workload's shape: its Deployment, Service and Ingress. They read the chart's values by the
names the gene-api chart uses; the chart passes only what its pod differs by.
*/}}

{{/*
common.deployment: the release's Deployment of one container: labels, replicas (unless
"autoscaled": an HPA or KEDA owns them), the pod's labels and annotations (.Values.podLabels,
.Values.podAnnotations, and the checksum of the chart's templates/configmap.yaml, which is also the
container's envFrom), service account, security contexts, image, resources, /tmp, spread and
placement. Call with (dict "context" . "name" CONTAINER "container" YAML "volumeMounts" list
"volumes" list "terminationGracePeriodSeconds" N "annotations" YAML "autoscaled" BOOL): "container"
is the rest of the container (command, ports, env, probes), "annotations" the Deployment's own;
volumes and mounts are added to /tmp's; all but "context", "name" and "container" are optional.
*/}}
{{- define "common.deployment" -}}
{{- $args := . }}
{{- $ := .context }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "common.fullname" $ }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "common.labels" $ | nindent 4 }}
  {{- with $args.annotations }}
  annotations:
    {{- . | trim | nindent 4 }}
  {{- end }}
spec:
  {{- if not $args.autoscaled }}
  replicas: {{ $.Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "common.selectorLabels" $ | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "common.labels" $ | nindent 8 }}
        {{- with $.Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        # A settings change rolls the pods.
        checksum/config: {{ include "common.checksum" (dict "context" $ "template" "/configmap.yaml") }}
        {{- with $.Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "common.serviceAccountName" $ }}
      automountServiceAccountToken: {{ $.Values.serviceAccount.automountToken }}
      {{- if hasKey $args "terminationGracePeriodSeconds" }}
      terminationGracePeriodSeconds: {{ $args.terminationGracePeriodSeconds }}
      {{- end }}
      securityContext:
        {{- include "common.podSecurityContext" $ | nindent 8 }}
      {{- with $.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ $args.name }}
          image: {{ include "common.image" $ }}
          imagePullPolicy: {{ $.Values.image.pullPolicy }}
          envFrom:
            - configMapRef:
                name: {{ include "common.fullname" $ }}
          {{- $args.container | nindent 10 }}
          securityContext:
            {{- include "common.containerSecurityContext" $ | nindent 12 }}
          resources:
            {{- toYaml $.Values.resources | nindent 12 }}
          volumeMounts:
            {{- include "common.tmpVolumeMount" $ | nindent 12 }}
            {{- with $args.volumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        {{- include "common.tmpVolume" $ | nindent 8 }}
        {{- with $args.volumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- if $.Values.topologySpread.enabled }}
      topologySpreadConstraints:
        {{- include "common.topologySpread" (dict "context" $ "spread" $.Values.topologySpread) | nindent 8 }}
      {{- end }}
      {{- with $.Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $.Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $.Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}

{{/* common.service: the release's Service: "http" (.Values.service.port) to the container's port "http", and "metrics" (.Values.app.metricsPort) for the ServiceMonitor. */}}
{{- define "common.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "common.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "common.labels" . | nindent 4 }}
spec:
  type: {{ .Values.service.type }}
  selector:
    {{- include "common.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
    # Scraped by the ServiceMonitor; the Ingress routes only "http".
    - name: metrics
      port: {{ .Values.app.metricsPort }}
      targetPort: metrics
      protocol: TCP
{{- end -}}

{{/* common.ingress: an AWS Load Balancer Controller Ingress (ALB, IP targets, health check /readyz; HTTPS with .Values.ingress.certificateArn, WAF with wafAclArn) from .Values.ingress to the Service's "http" port, when .Values.ingress.enabled. */}}
{{- define "common.ingress" -}}
{{- if .Values.ingress.enabled }}
{{- $ingress := .Values.ingress }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "common.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "common.labels" . | nindent 4 }}
  annotations:
    alb.ingress.kubernetes.io/scheme: {{ $ingress.scheme }}
    alb.ingress.kubernetes.io/target-type: ip
    alb.ingress.kubernetes.io/group.name: {{ $ingress.groupName }}
    alb.ingress.kubernetes.io/healthcheck-path: /readyz
    {{- if $ingress.certificateArn }}
    alb.ingress.kubernetes.io/certificate-arn: {{ $ingress.certificateArn }}
    alb.ingress.kubernetes.io/listen-ports: '[{"HTTPS": 443}]'
    alb.ingress.kubernetes.io/ssl-policy: ELBSecurityPolicy-TLS13-1-2-2021-06
    {{- end }}
    {{- with $ingress.wafAclArn }}
    alb.ingress.kubernetes.io/wafv2-acl-arn: {{ . }}
    {{- end }}
    {{- with $ingress.annotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  ingressClassName: {{ $ingress.className }}
  rules:
    - host: {{ required "ingress.host is required when ingress.enabled" $ingress.host | quote }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ include "common.fullname" . }}
                port:
                  name: http
{{- end }}
{{- end -}}
