# CloudWatch alarms to one SNS topic (subscribe on-call to it: var.alarm_emails, or a
# pager's endpoint): what the platform's AWS services say about it. The cluster's own
# workloads are watched by Prometheus (kube-prometheus-stack, the charts' rules).
resource "aws_sns_topic" "alarms" {
  name              = "${local.name}-alarms"
  kms_master_key_id = aws_kms_key.data.arn
}

resource "aws_sns_topic_subscription" "alarm_emails" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

locals {
  # name => what it watches; each fires when the statistic over one period passes the threshold.
  alarms = {
    jobs-failing = {
      description = "Annotation jobs failed in AWS (the state machine's executions)"
      namespace   = "AWS/States"
      metric      = "ExecutionsFailed"
      dimensions  = { StateMachineArn = module.state_machine.state_machine_arn }
      statistic   = "Sum"
      threshold   = 0
    }
    jobs-timing-out = {
      description = "Annotation jobs ran past the state machine's time limit"
      namespace   = "AWS/States"
      metric      = "ExecutionsTimedOut"
      dimensions  = { StateMachineArn = module.state_machine.state_machine_arn }
      statistic   = "Sum"
      threshold   = 0
    }
    jobs-queue-age = {
      description = "The oldest job on the jobs queue has waited past var.job_queue_age_alarm_seconds (workers not taking jobs)"
      namespace   = "AWS/SQS"
      metric      = "ApproximateAgeOfOldestMessage"
      dimensions  = { QueueName = aws_sqs_queue.jobs.name }
      statistic   = "Maximum"
      threshold   = var.job_queue_age_alarm_seconds
    }
    jobs-dead-lettered = {
      description = "Jobs were dead-lettered: their worker died three times"
      namespace   = "AWS/SQS"
      metric      = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = aws_sqs_queue.jobs_dead_letter.name }
      statistic   = "Maximum"
      threshold   = 0
    }
    database-cpu = {
      description = "Aurora's CPU above 80 %"
      namespace   = "AWS/RDS"
      metric      = "CPUUtilization"
      dimensions  = { DBClusterIdentifier = module.aurora.cluster_id }
      statistic   = "Average"
      threshold   = 80
    }
    database-connections = {
      description = "Aurora's connections above var.database_connections_alarm"
      namespace   = "AWS/RDS"
      metric      = "DatabaseConnections"
      dimensions  = { DBClusterIdentifier = module.aurora.cluster_id }
      statistic   = "Maximum"
      threshold   = var.database_connections_alarm
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "platform" {
  for_each = local.alarms

  alarm_name          = "${local.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

# The ALB's: the load balancer controller creates the ALB (its name is not known here), so each
# alarm reads every ALB of the account and region (one environment per account) through a
# Metrics Insights query. Its targets' 5xx, its own 5xx (no target answered: all unhealthy, a
# timeout, a refused connection), and the time its targets take to answer.
locals {
  alb_alarms = {
    alb-5xx = {
      description = "The ALB's targets answered more than var.alb_5xx_alarm 5xx in five minutes"
      query       = "SELECT SUM(HTTPCode_Target_5XX_Count) FROM SCHEMA(\"AWS/ApplicationELB\", LoadBalancer)"
      threshold   = var.alb_5xx_alarm
    }
    alb-own-5xx = {
      description = "The ALB itself answered more than var.alb_5xx_alarm 5xx in five minutes (no healthy target, or none answered)"
      query       = "SELECT SUM(HTTPCode_ELB_5XX_Count) FROM SCHEMA(\"AWS/ApplicationELB\", LoadBalancer)"
      threshold   = var.alb_5xx_alarm
    }
    alb-latency = {
      description = "The ALB's targets took longer than var.alb_latency_alarm_seconds on average over five minutes"
      query       = "SELECT AVG(TargetResponseTime) FROM SCHEMA(\"AWS/ApplicationELB\", LoadBalancer)"
      threshold   = var.alb_latency_alarm_seconds
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "alb" {
  for_each = local.alb_alarms

  alarm_name          = "${local.name}-${each.key}"
  alarm_description   = each.value.description
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]

  metric_query {
    id          = "alb"
    label       = "${each.key}, every ALB"
    expression  = each.value.query
    period      = 300
    return_data = true
  }
}

# The target 5xx alarm was the one ALB alarm, at this address, before the others came.
moved {
  from = aws_cloudwatch_metric_alarm.alb_5xx
  to   = aws_cloudwatch_metric_alarm.alb["alb-5xx"]
}

# What the environment costs (its account's, one environment per account), against a monthly
# budget: the addresses the alarms reach are told at 80 % of it spent and when the month is
# forecast to pass it. (Budgets e-mail them directly: no grant on the alarms topic's key.)
# Without an address, as hml may run, there is no budget.
resource "aws_budgets_budget" "monthly" {
  count = length(var.alarm_emails) > 0 ? 1 : 0

  name         = "${local.name}-monthly"
  budget_type  = "COST"
  limit_amount = tostring(var.monthly_budget_usd)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 80
    threshold_type             = "PERCENTAGE"
    notification_type          = "ACTUAL"
    subscriber_email_addresses = var.alarm_emails
  }

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 100
    threshold_type             = "PERCENTAGE"
    notification_type          = "FORECASTED"
    subscriber_email_addresses = var.alarm_emails
  }
}
