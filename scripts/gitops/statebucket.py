"""scripts/state-bucket ENV: the S3 bucket terraform-bootstrap keeps ENV's state in, as
terraform-bootstrap/backends/ENV.s3.tfbackend names it, made once per AWS account before the
first `terraform init` and checked at every run: versioned (a bad apply's state can be taken
back), public access blocked, owned by the account alone, encrypted, reachable over TLS only,
superseded versions kept 90 days. The lock is an S3 lock file beside the state (versions.tf:
use_lockfile), so the bucket is all the locking needs. Run again, it changes nothing."""

import json
import re
from collections.abc import Callable
from pathlib import Path

from .paths import REPO

BACKENDS = REPO / "terraform-bootstrap" / "backends"
BUCKET_NAME = re.compile(r"chr21-terraform-state-(?P<account>[0-9]{12})")
NONCURRENT_DAYS = 90


class StateBucketError(RuntimeError):
    """The bucket cannot be made or made right: why, in one line."""


def backend(environment: str, folder: Path = BACKENDS) -> dict[str, str]:
    """bucket, key and region of an environment's backend file."""
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,31}", environment):
        raise StateBucketError(f"{environment!r} is not an environment name")
    path = folder / f"{environment}.s3.tfbackend"
    if not path.is_file():
        known = ", ".join(sorted(p.name.split(".")[0] for p in folder.glob("*.s3.tfbackend")))
        raise StateBucketError(f"no backend file for {environment} ({path}); environments: {known}")
    settings = dict(re.findall(r'^\s*([a-z_]+)\s*=\s*"([^"]*)"\s*$', path.read_text(), re.M))
    missing = {"bucket", "key", "region"} - set(settings)
    if missing:
        raise StateBucketError(f"{path.name} has no {', '.join(sorted(missing))}")
    return settings


def tls_only_policy(bucket: str) -> dict:
    arn = f"arn:aws:s3:::{bucket}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TlsOnly",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, f"{arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def ensure(environment: str, progress: Callable[[str], None], folder: Path = BACKENDS) -> str:
    """Make the environment's state bucket what it should be; a line saying what it is."""
    import boto3  # the command's alone: the other gitops commands need no AWS library
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    settings = backend(environment, folder)
    bucket, region = settings["bucket"], settings["region"]
    name = BUCKET_NAME.fullmatch(bucket)
    if not name:
        raise StateBucketError(f"{bucket!r} is not chr21-terraform-state-<account id>")
    try:
        account = boto3.client("sts", region_name=region).get_caller_identity()["Account"]
        if account != name["account"]:
            raise StateBucketError(
                f"{environment}'s state is in account {name['account']} ({bucket}); "
                f"these credentials are account {account}'s: use {environment}'s account"
            )
        s3 = boto3.client("s3", region_name=region)
        created = False
        try:
            s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=account)
        except ClientError as error:
            if error.response["Error"]["Code"] not in ("404", "NoSuchBucket"):
                raise StateBucketError(f"{bucket} exists and is not this account's ({error})") from None
            progress(f"state-bucket: creating {bucket} in {region}")
            # us-east-1 is the one region that takes no location constraint.
            where = {"CreateBucketConfiguration": {"LocationConstraint": region}}
            if region == "us-east-1":
                where = {}
            s3.create_bucket(Bucket=bucket, ObjectOwnership="BucketOwnerEnforced", **where)
            created = True
        progress(f"state-bucket: {bucket}: access, versioning, encryption, TLS-only policy, lifecycle")
        s3.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration=dict.fromkeys(
                ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
            ),
        )
        s3.put_bucket_ownership_controls(
            Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        )
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
        )
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(tls_only_policy(bucket)))
        s3.put_bucket_lifecycle_configuration(
            Bucket=bucket,
            LifecycleConfiguration={
                "Rules": [
                    {
                        "ID": "superseded-state",
                        "Status": "Enabled",
                        "Filter": {"Prefix": ""},
                        "NoncurrentVersionExpiration": {"NoncurrentDays": NONCURRENT_DAYS},
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                    }
                ]
            },
        )
        check(s3, bucket)
    except NoCredentialsError:
        raise StateBucketError("no AWS credentials: sign in to the environment's account first") from None
    except (ClientError, BotoCoreError) as error:
        raise StateBucketError(f"{bucket}: {error}") from None
    state = "created" if created else "already there"
    return (
        f"state-bucket: {bucket} ({region}, {state}): versioned, public access blocked, encrypted, "
        f"TLS only, superseded states kept {NONCURRENT_DAYS} days; "
        f"terraform init -backend-config=backends/{environment}.s3.tfbackend"
    )


def check(s3, bucket: str) -> None:
    """Read every setting back: what AWS says, not what was asked."""
    wrong = []
    if s3.get_bucket_versioning(Bucket=bucket).get("Status") != "Enabled":
        wrong.append("versioning is not on")
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    if not all(block.values()) or len(block) != 4:
        wrong.append(f"public access is not blocked ({block})")
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    algorithms = {rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] for rule in rules}
    if not algorithms & {"AES256", "aws:kms"}:
        wrong.append("objects are not encrypted by default")
    if json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) != tls_only_policy(bucket):
        wrong.append("its policy is not the TLS-only one")
    if wrong:
        raise StateBucketError(f"{bucket}: " + "; ".join(wrong))
