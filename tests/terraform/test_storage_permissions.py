"""The S3 calls each runner of the pipeline makes (chr21_common/jobs/storage.py, by the Storage
method it calls on each bucket) are allowed by its IAM policy: the gene API's and the worker's
IRSA roles (iam.tf) and the Batch job's role (pipeline.tf). A job deleted or expired has its
files listed under its prefix and deleted, so both need s3:ListBucket on the bucket itself."""

import re

import pytest

from tests.support.terraform import BOOTSTRAP, locals_, plain

# The S3 actions behind each Storage method, and on what: the bucket, or its objects.
ACTIONS = {
    "put_file": {("s3:PutObject", "object")},
    "get_file": {("s3:GetObject", "object")},
    "read": {("s3:GetObject", "object")},
    "exists": {("s3:GetObject", "object")},  # HeadObject needs GetObject
    "presigned_url": {("s3:GetObject", "object")},
    "delete_prefix": {("s3:ListBucket", "bucket"), ("s3:DeleteObject", "object")},
}
# Which methods each runner calls on each bucket (routes/jobs.py, jobs/retention.py; the
# worker's runner.py: the upload in, the results out, a deleted job's results removed).
CALLS = {
    "gene-api": {
        "uploads": {"put_file", "delete_prefix"},
        "results": {"read", "presigned_url", "delete_prefix"},
    },
    "worker": {"uploads": {"get_file"}, "results": {"put_file", "delete_prefix"}},
}


def granted_by_irsa(role: str) -> set[tuple[str, str, str]]:
    """(action, bucket, bucket|object) the role's statements allow."""
    found = set()
    for statement in plain(locals_()["irsa_roles"][role]["permissions"]).values():
        for resource in statement["resources"]:
            if match := re.search(r'bucket_arns\["(\w+)"\]\}(/\*)?', resource):
                scope = "object" if match[2] else "bucket"
                found |= {(action, match[1], scope) for action in statement["actions"]}
    return found


def granted_to_the_batch_job() -> set[tuple[str, str, str]]:
    policy = (BOOTSTRAP / "pipeline.tf").read_text().split('resource "aws_iam_role_policy" "batch_job"', 1)[1]
    found = set()
    for line in policy.split("\n}", 1)[0].splitlines():
        actions = re.findall(r'"(s3:\w+)"', line)
        for bucket, objects in re.findall(r'bucket_arns\["(\w+)"\]\}?"?(/\*)?', line):
            found |= {(action, bucket, "object" if objects else "bucket") for action in actions}
    return found


def needed(runner: str) -> set[tuple[str, str, str]]:
    return {
        (action, bucket, scope)
        for bucket, methods in CALLS[runner].items()
        for method in methods
        for action, scope in ACTIONS[method]
    }


@pytest.mark.parametrize("role", ["gene-api", "worker"])
def test_each_irsa_role_allows_every_s3_call_its_app_makes(role):
    assert needed(role) <= granted_by_irsa(role), needed(role) - granted_by_irsa(role)


def test_the_batch_job_allows_every_s3_call_of_the_worker():
    assert needed("worker") <= granted_to_the_batch_job(), needed("worker") - granted_to_the_batch_job()


def test_the_worker_may_not_delete_uploads():
    """Least privilege: only the API (a user's DELETE, retention) removes an upload."""
    assert not {
        g
        for g in granted_by_irsa("worker") | granted_to_the_batch_job()
        if g[:2] == ("s3:DeleteObject", "uploads")
    }
