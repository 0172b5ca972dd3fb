"""AWS for the tests: moto server on 127.0.0.1 (S3, Step Functions), started once per
session; boto3 reaches it through AWS_ENDPOINT_URL, the way production code is configured,
so the code under test is the production code path. A conftest imports `aws` by name."""

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests.support.servers import free_port, running

MOTO_SERVER = str(Path(sys.executable).with_name("moto_server"))
REGION = "eu-west-1"


@pytest.fixture(scope="session")
def aws() -> Iterator[str]:
    """The endpoint of a fresh moto server; AWS_* variables point boto3 at it for the session."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
        }.items():
            patch.setenv(name, value)
        patch.delenv("AWS_PROFILE", raising=False)
        with running(
            [MOTO_SERVER, "-H", "127.0.0.1", "-p", str(port)], dict(os.environ), f"{endpoint}/moto-api/"
        ):
            yield endpoint


def new_bucket(name: str) -> str:
    boto3.client("s3").create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name
