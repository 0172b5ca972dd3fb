"""terraform-bootstrap state-bucket ENV: the S3 bucket terraform-bootstrap keeps ENV's state in, as
terraform-bootstrap/backends/ENV.s3.tfbackend names it, made once per AWS account before the
first `terraform init` and checked at every run: versioned (a bad apply's state can be taken
back), public access blocked, owned by the account alone, encrypted, reachable over TLS only,
superseded versions kept 90 days. The lock is an S3 lock file beside the state (versions.tf:
use_lockfile), so the bucket is all the locking needs. Run again, it changes nothing."""

import json
import re
from collections.abc import Callable
from pathlib import Path

from ..checkout import REPO

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


def tls_only_statement(bucket: str) -> dict:
    arn = f"arn:aws:s3:::{bucket}"
    return {
        "Sid": "TlsOnly",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


# Superseded states are kept 90 days; the delete markers the lock file leaves go once alone.
LIFECYCLE_RULE = {
    "ID": "superseded-state",
    "Status": "Enabled",
    "Filter": {"Prefix": ""},
    "Expiration": {"ExpiredObjectDeleteMarker": True},
    "NoncurrentVersionExpiration": {"NoncurrentDays": NONCURRENT_DAYS},
    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
}
PUBLIC_ACCESS_BLOCKED = dict.fromkeys(
    ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
)


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
            code = error.response["Error"]["Code"]
            if code in ("301", "PermanentRedirect"):
                raise StateBucketError(f"{bucket} is in another region than {region}") from None
            if code not in ("404", "NoSuchBucket"):
                raise StateBucketError(
                    f"{bucket} exists and these credentials may not use it (another account's, "
                    f"or no s3:ListBucket): {error}"
                ) from None
            progress(f"state-bucket: creating {bucket} in {region}")
            # us-east-1 is the one region that takes no location constraint.
            where = {"CreateBucketConfiguration": {"LocationConstraint": region}}
            if region == "us-east-1":
                where = {}
            s3.create_bucket(Bucket=bucket, ObjectOwnership="BucketOwnerEnforced", **where)
            created = True
        changed = put_right(s3, bucket, progress)
        wrong = check(s3, bucket)
        if wrong:
            raise StateBucketError(f"{bucket}: " + "; ".join(wrong))
    except NoCredentialsError:
        raise StateBucketError("no AWS credentials: sign in to the environment's account first") from None
    except (ClientError, BotoCoreError) as error:
        raise StateBucketError(f"{bucket}: {error}") from None
    state = "created" if created else "already there"
    done = "nothing changed"
    if created:
        done = "every setting made"
    elif changed:
        done = f"put right: {', '.join(changed)}"
    return (
        f"state-bucket: {bucket} ({region}, {state}; {done}): versioned, public access blocked, "
        f"owner-enforced, encrypted, TLS only, superseded states kept {NONCURRENT_DAYS} days; "
        f"terraform init -backend-config=backends/{environment}.s3.tfbackend"
    )


def current(s3, read: str, missing: str, **kwargs):
    """A bucket setting as S3 has it, or None where the bucket has none."""
    from botocore.exceptions import ClientError

    try:
        return getattr(s3, read)(**kwargs)
    except ClientError as error:
        if error.response["Error"]["Code"] == missing:
            return None
        raise


def statements(s3, bucket: str) -> list[dict]:
    policy = current(s3, "get_bucket_policy", "NoSuchBucketPolicy", Bucket=bucket)
    return json.loads(policy["Policy"])["Statement"] if policy else []


def rules(s3, bucket: str) -> list[dict]:
    found = current(s3, "get_bucket_lifecycle_configuration", "NoSuchLifecycleConfiguration", Bucket=bucket)
    return found["Rules"] if found else []


def put_right(s3, bucket: str, progress: Callable[[str], None]) -> list[str]:
    """Write each setting that is missing or wrong, and only those (another statement of the
    bucket's policy, another lifecycle rule, a KMS default encryption are kept); their names."""
    changed = []

    def put(setting: str, write: Callable[[], object]) -> None:
        progress(f"state-bucket: {bucket}: {setting}")
        write()
        changed.append(setting)

    block = current(s3, "get_public_access_block", "NoSuchPublicAccessBlockConfiguration", Bucket=bucket)
    if (block or {}).get("PublicAccessBlockConfiguration") != PUBLIC_ACCESS_BLOCKED:
        put(
            "public access blocked",
            lambda: s3.put_public_access_block(
                Bucket=bucket, PublicAccessBlockConfiguration=PUBLIC_ACCESS_BLOCKED
            ),
        )
    ownership = current(s3, "get_bucket_ownership_controls", "OwnershipControlsNotFoundError", Bucket=bucket)
    if ownership is None or ownership["OwnershipControls"]["Rules"] != [
        {"ObjectOwnership": "BucketOwnerEnforced"}
    ]:
        put(
            "owner-enforced",
            lambda: s3.put_bucket_ownership_controls(
                Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
            ),
        )
    if s3.get_bucket_versioning(Bucket=bucket).get("Status") != "Enabled":
        put(
            "versioning",
            lambda: s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}),
        )
    if not encrypted(s3, bucket):
        put(
            "encryption",
            lambda: s3.put_bucket_encryption(
                Bucket=bucket,
                ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                },
            ),
        )
    ours, found = tls_only_statement(bucket), statements(s3, bucket)
    if ours not in found:
        kept = [s for s in found if s.get("Sid") != ours["Sid"]]
        policy = {"Version": "2012-10-17", "Statement": [*kept, ours]}
        put("TLS-only policy", lambda: s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy)))
    found = rules(s3, bucket)
    if LIFECYCLE_RULE not in found:
        others = [r for r in found if r.get("ID") != LIFECYCLE_RULE["ID"]]
        put(
            "lifecycle",
            lambda: s3.put_bucket_lifecycle_configuration(
                Bucket=bucket, LifecycleConfiguration={"Rules": [*others, LIFECYCLE_RULE]}
            ),
        )
    return changed


def encrypted(s3, bucket: str) -> bool:
    found = current(
        s3, "get_bucket_encryption", "ServerSideEncryptionConfigurationNotFoundError", Bucket=bucket
    )
    rules_ = found["ServerSideEncryptionConfiguration"]["Rules"] if found else []
    algorithms = {rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] for rule in rules_}
    return bool(algorithms & {"AES256", "aws:kms", "aws:kms:dsse"})


def check(s3, bucket: str) -> list[str]:
    """Read every setting back: what S3 says, not what was asked. What is still wrong."""
    wrong = []
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    if block != PUBLIC_ACCESS_BLOCKED:
        wrong.append(f"public access is not blocked ({block})")
    ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    if ownership != [{"ObjectOwnership": "BucketOwnerEnforced"}]:
        wrong.append(f"object ownership is {ownership}")
    if s3.get_bucket_versioning(Bucket=bucket).get("Status") != "Enabled":
        wrong.append("versioning is not on")
    if not encrypted(s3, bucket):
        wrong.append("objects are not encrypted by default")
    if tls_only_statement(bucket) not in statements(s3, bucket):
        wrong.append("its policy lacks the TLS-only statement")
    if LIFECYCLE_RULE not in rules(s3, bucket):
        wrong.append("superseded states are not expired")
    return wrong
