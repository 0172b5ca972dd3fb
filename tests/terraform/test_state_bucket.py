"""terraform-bootstrap state-bucket against moto server, as the environment's account: the bucket the
backend file names is made with every setting, a second run changes nothing, and what a user
can get wrong (another account's credentials, no credentials, an unknown environment, a bucket
whose settings were loosened) is refused or put right with one line."""

import json

import boto3
import pytest

from tests.support.aws import moto_server
from tests.support.gitops import assert_refused, run_command
from tests.support.terraform import BOOTSTRAP

HML_BUCKET = "chr21-terraform-state-111111111111"


@pytest.fixture
def hml_account():
    with moto_server(MOTO_ACCOUNT_ID="111111111111") as endpoint:
        yield endpoint


def settings(bucket: str) -> dict:
    s3 = boto3.client("s3")
    return {
        "versioning": s3.get_bucket_versioning(Bucket=bucket)["Status"],
        "public access": s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"],
        "encryption": [
            rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"]
            for rule in s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
        ],
        "policy": json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"],
        "lifecycle": s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][-1][
            "NoncurrentVersionExpiration"
        ],
        "ownership": s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"],
    }


def test_the_backend_names_a_bucket_of_its_environments_account_and_locks_with_a_file():
    for environment, account in (("hml", "111111111111"), ("prod", "222222222222")):
        text = (BOOTSTRAP / "backends" / f"{environment}.s3.tfbackend").read_text()
        assert f'bucket = "chr21-terraform-state-{account}"' in text
        # The stand-in cluster secret's ARNs are of the same account.
        stand_in = (BOOTSTRAP.parent / "argocd" / "cluster-secrets" / f"{environment}.yaml").read_text()
        assert f"arn:aws:iam::{account}:role/" in stand_in
    assert "use_lockfile = true" in (BOOTSTRAP / "versions.tf").read_text()


def test_it_makes_the_bucket_then_changes_nothing(hml_account):
    first = run_command("state-bucket", "hml")
    assert first.returncode == 0, first.stderr
    assert f"{HML_BUCKET} (eu-west-1, created; every setting made)" in first.stdout
    made = settings(HML_BUCKET)
    assert made["versioning"] == "Enabled"
    assert made["public access"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    assert made["encryption"] == ["AES256"]
    assert made["policy"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert made["lifecycle"] == {"NoncurrentDays": 90}
    assert made["ownership"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    second = run_command("state-bucket", "hml")
    assert second.returncode == 0, second.stderr
    assert f"{HML_BUCKET} (eu-west-1, already there; nothing changed)" in second.stdout
    assert settings(HML_BUCKET) == made


def test_a_loosened_bucket_is_put_right_and_what_else_it_has_is_kept(hml_account):
    assert run_command("state-bucket", "hml").returncode == 0
    s3 = boto3.client("s3")
    s3.put_bucket_versioning(Bucket=HML_BUCKET, VersioningConfiguration={"Status": "Suspended"})
    # Someone's own statement replaced the policy; the bucket is encrypted with KMS instead.
    reader = {
        "Sid": "AuditorReads",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111111111111:role/auditor"},
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{HML_BUCKET}/*",
    }
    s3.put_bucket_policy(
        Bucket=HML_BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [reader]})
    )
    s3.put_bucket_encryption(
        Bucket=HML_BUCKET,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    again = run_command("state-bucket", "hml")
    assert again.returncode == 0, again.stderr
    assert "put right: versioning, TLS-only policy)" in again.stdout
    after = settings(HML_BUCKET)
    assert after["versioning"] == "Enabled"
    assert [s["Sid"] for s in after["policy"]] == ["AuditorReads", "TlsOnly"]
    assert after["encryption"] == ["aws:kms"]


def test_another_accounts_credentials_are_refused_and_nothing_is_made(hml_account):
    result = run_command("state-bucket", "prod")
    assert_refused(result, "prod's state is in account 222222222222")
    assert "these credentials are account 111111111111's" in result.stderr
    assert boto3.client("s3").list_buckets()["Buckets"] == []


@pytest.mark.parametrize(
    ("environment", "says"),
    [
        ("staging", "no backend file for staging"),
        ("../hml", "'../hml' is not an environment name"),
    ],
)
def test_an_unknown_environment_is_refused(environment, says):
    assert_refused(run_command("state-bucket", environment), says)


def test_no_credentials_is_one_line(tmp_path, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    result = run_command(
        "state-bucket",
        "hml",
        env={
            "AWS_CONFIG_FILE": str(tmp_path / "none"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
            # No instance to ask for a role, and no AWS reached either way.
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        },
    )
    assert_refused(result, "no AWS credentials")


def test_a_backend_in_us_east_1_gets_its_bucket_there_too(hml_account, tmp_path):
    """us-east-1 is the one region whose buckets take no location constraint."""
    from chr21_ops.terraform import statebucket

    (tmp_path / "hml.s3.tfbackend").write_text(
        f'bucket = "{HML_BUCKET}"\nkey    = "terraform-bootstrap/hml.tfstate"\nregion = "us-east-1"\n'
    )
    said = statebucket.ensure("hml", lambda line: None, folder=tmp_path)
    assert f"{HML_BUCKET} (us-east-1, created; every setting made)" in said
    assert boto3.client("s3", region_name="us-east-1").get_bucket_location(Bucket=HML_BUCKET)[
        "LocationConstraint"
    ] in (None, "us-east-1")
