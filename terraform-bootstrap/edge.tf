# The environment's edge: a TLS certificate for its domain and every name under it (ACM,
# validated through the domain's Route53 zone, which must exist and be delegated), and the WAF
# web ACL the ALB applies (AWS managed rules and a per-address rate limit). The cluster secret
# hands both ARNs to the apps' Ingresses (certificate_arn, waf_acl_arn).
locals {
  # One source of truth for the domain: environments/<environment>/env.yaml.
  domain = yamldecode(file("${path.module}/../environments/${var.environment}/env.yaml")).environment.domain
}

data "aws_route53_zone" "environment" {
  name         = local.domain
  private_zone = false
}

module "certificate" {
  # checkov:skip=CKV_TF_1: registry modules are pinned by exact release (version =), as the registry is meant to be used; tests/terraform checks each call against that release
  source  = "terraform-aws-modules/acm/aws"
  version = "6.3.0"

  domain_name               = local.domain
  subject_alternative_names = ["*.${local.domain}"]
  zone_id                   = data.aws_route53_zone.environment.zone_id
  validation_method         = "DNS"
  wait_for_validation       = true
}

locals {
  waf_managed_rules = {
    AWSManagedRulesCommonRuleSet          = 10
    AWSManagedRulesSQLiRuleSet            = 30
    AWSManagedRulesAmazonIpReputationList = 40
  }
}

resource "aws_wafv2_web_acl" "edge" {
  name  = local.name
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  dynamic "rule" {
    for_each = local.waf_managed_rules
    content {
      name     = rule.key
      priority = rule.value

      override_action {
        none {}
      }

      statement {
        managed_rule_group_statement {
          vendor_name = "AWS"
          name        = rule.key
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = rule.key
        sampled_requests_enabled   = true
      }
    }
  }

  # Known bad inputs, Log4j's lookups among them (CVE-2021-44228): a rule of its own, not in the
  # dynamic block above, so that checkov sees it.
  rule {
    name     = "AWSManagedRulesKnownBadInputsRuleSet"
    priority = 20

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "AWSManagedRulesKnownBadInputsRuleSet"
      sampled_requests_enabled   = true
    }
  }

  # One address sending more than var.waf_requests_per_5_minutes is blocked until it slows down.
  rule {
    name     = "rate-limit-per-address"
    priority = 1

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = var.waf_requests_per_5_minutes
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "rate-limit-per-address"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = local.name
    sampled_requests_enabled   = true
  }
}

# WAF's logs (blocked and counted requests), in a log group WAF accepts (aws-waf-logs-*).
resource "aws_cloudwatch_log_group" "waf" {
  name              = "aws-waf-logs-${local.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.data.arn
}

resource "aws_wafv2_web_acl_logging_configuration" "edge" {
  resource_arn            = aws_wafv2_web_acl.edge.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]
}
