{{/*
The pipeline's ConfigMap entries, from a chart's `pipeline` values: the same keys in gene-api
and worker, so the API sends jobs and uploads where the worker takes them. The cluster secret
gives the locations and the SQS queue URL; the render fails without them.
*/}}

{{/* common.pipelineStorageEnv: where uploads and results are kept. */}}
{{- define "common.pipelineStorageEnv" -}}
UPLOADS_LOCATION: {{ required "pipeline.uploadsLocation is required (s3://<uploads bucket>)" .uploadsLocation | quote }}
RESULTS_LOCATION: {{ required "pipeline.resultsLocation is required (s3://<results bucket>)" .resultsLocation | quote }}
{{- end -}}

{{/* common.pipelineQueueEnv: the Celery broker and queue (with SQS, the queue's URL). */}}
{{- define "common.pipelineQueueEnv" -}}
BROKER_URL: {{ .brokerUrl | quote }}
JOB_QUEUE: {{ .queue | quote }}
{{- if hasPrefix "sqs://" .brokerUrl }}
SQS_QUEUE_URL: {{ required "pipeline.sqsQueueUrl is required with brokerUrl sqs://" .sqsQueueUrl | quote }}
{{- end }}
{{- end -}}
