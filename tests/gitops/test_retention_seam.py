"""One retention on both sides: the days the gene API keeps a finished job's upload and its
results (the gene-api chart's pipeline.uploadRetentionDays and resultRetentionDays, in each
environment as Argo CD renders it) are the days the buckets' lifecycle rules keep objects
(terraform-bootstrap/s3.tf, bucket_retention_days). Shorter in the app, a job would outlive
nothing; longer, it would point at objects S3 already expired (503s on its results)."""

import pytest

from tests.support.gitops import environments
from tests.support.paths import REPO
from tests.support.terraform import locals_, plain


def configmap_days(rendered, env: str) -> dict[str, int]:
    (configmap,) = [
        o
        for o in rendered.objects(f"gene-api-{env}")
        if o["kind"] == "ConfigMap" and "UPLOAD_RETENTION_DAYS" in o.get("data", {})
    ]
    data = configmap["data"]
    return {"uploads": int(data["UPLOAD_RETENTION_DAYS"]), "results": int(data["RESULT_RETENTION_DAYS"])}


@pytest.mark.parametrize("env", environments(REPO))
def test_the_app_keeps_jobs_as_long_as_the_buckets_keep_objects(renders, env):
    buckets = {name: int(days) for name, days in plain(locals_()["bucket_retention_days"]).items()}
    assert configmap_days(renders[env], env) == buckets
    kinds = {o["kind"] for o in renders[env].objects(f"gene-api-{env}")}
    assert "CronJob" in kinds  # and something runs it
