"""Where the repository and its tools are."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HELM = REPO / ".tools" / "bin" / "helm"
ENVIRONMENTS = "environments"
CLUSTER_SECRETS = "argocd/cluster-secrets"
APPLICATIONSETS = "argocd/platform"
