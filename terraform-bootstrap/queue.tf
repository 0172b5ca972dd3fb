# The jobs queue: the gene API sends a job here (Celery over SQS), the worker takes it, KEDA
# scales the worker on its length. A job whose worker died three times goes to the dead-letter
# queue instead of looping; messages are encrypted with the platform's data key.
resource "aws_sqs_queue" "jobs_dead_letter" {
  name                              = "${local.name}-jobs-dead-letter"
  message_retention_seconds         = 1209600
  kms_master_key_id                 = aws_kms_key.data.arn
  kms_data_key_reuse_period_seconds = 300
}

resource "aws_sqs_queue" "jobs" {
  name = "${local.name}-jobs"
  # Longer than a job may run (the worker chart's app.timeLimitSeconds + 60 s), so a running
  # job is never handed to a second worker.
  visibility_timeout_seconds        = var.job_visibility_timeout_seconds
  message_retention_seconds         = 345600
  kms_master_key_id                 = aws_kms_key.data.arn
  kms_data_key_reuse_period_seconds = 300
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.jobs_dead_letter.arn
    maxReceiveCount     = 3
  })
}
