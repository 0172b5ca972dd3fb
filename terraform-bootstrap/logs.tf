# Pod logs, kept: the Amazon CloudWatch Observability EKS add-on runs Fluent Bit on every node,
# which sends each container's lines to /aws/containerinsights/<cluster>/application (the
# nodes' own and the kubelet's to .../host and .../dataplane; the agent's metrics to
# .../performance). Fluent Bit would create those groups itself, never to expire: they are made
# here first, with the platform's retention and key. The add-on's service account
# (amazon-cloudwatch/cloudwatch-agent) has its IRSA role in iam.tf.
locals {
  container_log_groups = ["application", "dataplane", "host", "performance"]
}

resource "aws_cloudwatch_log_group" "containers" {
  for_each          = toset(local.container_log_groups)
  name              = "/aws/containerinsights/${local.name}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.data.arn
}

resource "aws_eks_addon" "cloudwatch_observability" {
  cluster_name             = module.eks.cluster_name
  addon_name               = "amazon-cloudwatch-observability"
  service_account_role_arn = module.irsa["cloudwatch-observability"].arn
  configuration_values     = jsonencode({ containerLogs = { enabled = true } })

  # The groups exist before Fluent Bit's first line; the nodes exist before its pods.
  depends_on = [aws_cloudwatch_log_group.containers, module.eks]
}
