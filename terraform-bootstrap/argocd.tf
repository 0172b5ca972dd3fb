# The hand-off: Argo CD installed once, the cluster secret that tells the ApplicationSets what
# Terraform made, and the root Application; from then on Argo CD manages itself (the argo-cd
# add-on, the same chart and values file) and everything else, from git.
locals {
  # One source of truth for Argo CD's chart: the addons ApplicationSet's argo-cd entry (its
  # repository and namespace), at the version the environment pins (env.yaml, addonVersions).
  addons = yamldecode(file("${path.module}/../argocd/platform/addons-applicationset.yaml"))
  argo_cd = one([
    for addon in local.addons.spec.generators[0].matrix.generators[0].matrix.generators[0].list.elements : addon
    if addon.addon == "argo-cd"
  ])
  argo_cd_version = yamldecode(file("${path.module}/../environments/${var.environment}/env.yaml")).environment.addonVersions["argo-cd"]
}

resource "helm_release" "argo_cd" {
  name             = local.argo_cd.addon
  namespace        = local.argo_cd.namespace
  create_namespace = true
  repository       = local.argo_cd.repoURL
  chart            = local.argo_cd.chart
  version          = local.argo_cd_version
  # The file the argo-cd Application syncs later: the first install and Argo CD's own agree.
  values = [file("${path.module}/../environments/${var.environment}/addons/argo-cd.yaml")]
  wait   = true

  depends_on = [module.eks]
}

# What the ApplicationSets read from the cluster (argocd/README.md, "The cluster secret";
# argocd/cluster-secrets/<environment>.yaml is its offline stand-in, with the same keys).
locals {
  cluster_secret_base_labels = {
    "argocd.argoproj.io/secret-type" = "cluster"
    environment                      = var.environment
  }
  cluster_secret_labels = merge(
    local.cluster_secret_base_labels,
    { for addon in var.addons : "enable_${addon}" => "true" },
  )
  cluster_secret_annotations = {
    platform_repo_url                         = var.platform_repo_url
    platform_repo_revision                    = var.platform_repo_revision
    aws_region                                = var.region
    aws_cluster_name                          = module.eks.cluster_name
    aws_vpc_id                                = module.vpc.vpc_id
    aws_load_balancer_controller_iam_role_arn = module.irsa["aws-load-balancer-controller"].arn
    karpenter_interruption_queue              = module.karpenter.queue_name
    karpenter_node_role                       = module.karpenter.node_iam_role_name
    external_secrets_iam_role_arn             = module.irsa["external-secrets"].arn
    keda_operator_iam_role_arn                = module.irsa["keda-operator"].arn
    gene_api_iam_role_arn                     = module.irsa["gene-api"].arn
    worker_iam_role_arn                       = module.irsa["worker"].arn
    web_iam_role_arn                          = module.irsa["web"].arn
    database_endpoint                         = module.aurora.cluster_endpoint
    database_cidr                             = local.database_cidr
    uploads_bucket                            = module.buckets["uploads"].s3_bucket_id
    results_bucket                            = module.buckets["results"].s3_bucket_id
    jobs_queue_url                            = aws_sqs_queue.jobs.url
    state_machine_arn                         = module.state_machine.state_machine_arn
    batch_job_definition                      = jsonencode(local.batch_job_definition)
    worker_batch_definition_iam_role_arn      = module.irsa["worker-batch-definition"].arn
    certificate_arn                           = module.certificate.acm_certificate_arn
    waf_acl_arn                               = aws_wafv2_web_acl.edge.arn
  }
}

resource "kubernetes_secret_v1" "cluster" {
  metadata {
    name        = local.name
    namespace   = local.argo_cd.namespace
    labels      = local.cluster_secret_labels
    annotations = local.cluster_secret_annotations
  }

  # Argo CD runs in the cluster it deploys to.
  data = {
    name   = local.name
    server = "https://kubernetes.default.svc"
    config = jsonencode({ tlsClientConfig = { insecure = false } })
  }

  depends_on = [helm_release.argo_cd]
}

# The root Application (argocd/bootstrap/root-app.yaml), through a chart that applies what it
# is given: its kind exists only once Argo CD is installed, after Terraform has planned.
resource "helm_release" "root_app" {
  name      = "chr21-platform-root"
  namespace = local.argo_cd.namespace
  chart     = "${path.module}/charts/resources"
  values = [yamlencode({
    resources = [yamldecode(file("${path.module}/../argocd/bootstrap/root-app.yaml"))]
  })]

  depends_on = [kubernetes_secret_v1.cluster]
}
