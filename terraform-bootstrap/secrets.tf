# The platform's other secrets, at the keys the charts' ExternalSecrets read (the database
# credentials are aurora.tf's). Keys made here, once: the gene API's token signing key (the
# frontend signs with it too), Django's secret key, Grafana's admin. The alert receivers'
# credentials belong to other services (Slack, PagerDuty), and Argo CD's SSO client secret to
# the identity provider: given at apply time as TF_VAR_alert_receivers and
# TF_VAR_argocd_sso_client_secret, never in a tfvars file (README, Using it).
locals {
  # <app>/<name> => length of a generated key.
  generated_keys = {
    "gene-api/token-signing-key" = 64
    "web/django-secret-key"      = 64
  }
}

locals {
  # Alertmanager's receivers' credentials, under the file names its receivers read
  # (environments/<environment>/addons/kube-prometheus-stack.yaml: *_file).
  alert_receivers_secret = merge(
    { slack-webhook-url = var.alert_receivers.slack_webhook_url },
    var.alert_receivers.pagerduty_routing_key == null ? {} : { pagerduty-routing-key = var.alert_receivers.pagerduty_routing_key },
  )
}

locals {
  # Argo CD's SSO client, at the key its oidc.config reads ($argocd-sso:clientSecret, through
  # charts/platform's ExternalSecret argocd-sso).
  argocd_sso_secret = { clientSecret = var.argocd_sso_client_secret }
}

locals {
  # Secrets Manager key => what it holds, as JSON (an ExternalSecret's dataFrom extract).
  json_secrets = {
    "grafana/admin" = {
      admin-user     = "admin"
      admin-password = random_password.grafana_admin.result
    }
    "alertmanager/receivers" = local.alert_receivers_secret
    "argo-cd/sso"            = local.argocd_sso_secret
  }
}

resource "random_password" "generated" {
  for_each = local.generated_keys

  length  = each.value
  special = false
}

resource "random_password" "grafana_admin" {
  length  = 32
  special = false
}

resource "aws_secretsmanager_secret" "platform" {
  # checkov:skip=CKV2_AWS_57: the signing key and Django's key are rotated by a runbook (docs/runbooks/rotating-secrets.md), with both apps restarted together; a rotation Lambda would change them under the running pods
  for_each = toset(concat(keys(local.generated_keys), keys(local.json_secrets)))

  name       = "chr21/${var.environment}/${each.key}"
  kms_key_id = aws_kms_key.data.arn
}

resource "aws_secretsmanager_secret_version" "generated" {
  for_each = local.generated_keys

  secret_id     = aws_secretsmanager_secret.platform[each.key].id
  secret_string = random_password.generated[each.key].result
}

resource "aws_secretsmanager_secret_version" "json" {
  for_each = local.json_secrets

  secret_id     = aws_secretsmanager_secret.platform[each.key].id
  secret_string = jsonencode(each.value)
}
