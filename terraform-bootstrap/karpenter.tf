# Karpenter's controller role (EKS Pod Identity: an association with the kube-system/karpenter
# service account the karpenter add-on installs, which therefore carries no IRSA annotation),
# the node role and instance profile its nodes run as, and the SQS queue of spot interruptions
# and rebalances; the cluster secret hands the add-ons their names (karpenter_node_role,
# karpenter_interruption_queue).
module "karpenter" {
  # checkov:skip=CKV_TF_1: registry modules are pinned by exact release (version =), as the registry is meant to be used; tests/terraform checks each call against that release
  source  = "terraform-aws-modules/eks/aws//modules/karpenter"
  version = "21.19.0"

  cluster_name = module.eks.cluster_name
  namespace    = "kube-system"

  iam_role_name                 = "${local.name}-karpenter"
  iam_role_use_name_prefix      = false
  node_iam_role_name            = "${local.name}-karpenter-node"
  node_iam_role_use_name_prefix = false
  queue_name                    = "${local.name}-karpenter"

  create_pod_identity_association = true
  node_iam_role_additional_policies = {
    AmazonSSMManagedInstanceCore = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
  }
}
