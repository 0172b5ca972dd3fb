"""The fewest values each app chart renders with: what the apps ApplicationSet passes from the
cluster secret (argocd/README.md, "The cluster secret"). Chart tests start from these, merged
with their own values as helm merges values files (`merged`: the ApplicationSet expander's deep merge)."""

from tests.support.gitops import deep_merge as merged  # noqa: F401 -- re-exported for the chart tests

PIPELINE = {
    "sqsQueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/chr21-hml-jobs",
    "uploadsLocation": "s3://chr21-hml-uploads",
    "resultsLocation": "s3://chr21-hml-results",
}

REQUIRED = {
    "gene-api": {"database": {"host": "db.example.internal"}, "pipeline": PIPELINE},
    "worker": {"database": {"host": "db.example.internal"}, "pipeline": PIPELINE},
    # And the host it answers to: each environment's web.yaml sets ingress.host.
    "web": {"database": {"host": "db.example.internal"}, "app": {"extraAllowedHosts": ["chr21.example.org"]}},
    # The add-ons' chart: the cluster's facts, as the addons ApplicationSet passes them.
    "platform": {
        "cluster": {
            "environment": "hml",
            "name": "chr21-hml",
            "region": "eu-west-1",
            "karpenterNodeRole": "chr21-hml-karpenter-node",
        },
        "grafanaAdmin": {"secretsManagerKey": "chr21/hml/grafana/admin"},
        "alertmanagerReceivers": {"secretsManagerKey": "chr21/hml/alertmanager/receivers"},
    },
}
