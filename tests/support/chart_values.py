"""The fewest values each app chart renders with: what the apps ApplicationSet passes from the
cluster secret (argocd/README.md, "The cluster secret"). Chart tests start from these."""

PIPELINE = {
    "sqsQueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/chr21-hml-jobs",
    "uploadsLocation": "s3://chr21-hml-uploads",
    "resultsLocation": "s3://chr21-hml-results",
}

REQUIRED = {
    "gene-api": {"database": {"host": "db.example.internal"}, "pipeline": PIPELINE},
    "worker": {"database": {"host": "db.example.internal"}, "pipeline": PIPELINE},
}


def merged(base: dict, extra: dict) -> dict:
    """`extra` merged into `base` map by map, as helm merges values files."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = (
            merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
        )
    return out
