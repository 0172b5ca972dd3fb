"""AWS for the tests: moto server on 127.0.0.1 (S3, Step Functions, Batch). boto3 reaches it
through AWS_ENDPOINT_URL, the way production code is configured, so the code under test is the
production code path. A conftest imports the `aws` fixture by name."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest

from tests.support.servers import free_port, running

MOTO_SERVER = str(Path(sys.executable).with_name("moto_server"))
REGION = "eu-west-1"


@contextmanager
def moto_server(**server_env: str) -> Iterator[str]:
    """A fresh moto server (with `server_env` in its environment); while it runs, the AWS_*
    variables of this process point boto3 at it. Yields its endpoint."""
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
        argv = [MOTO_SERVER, "-H", "127.0.0.1", "-p", str(port)]
        # MOTO_PORT: where moto's own Step Functions executions call its other services.
        with running(argv, {**os.environ, "MOTO_PORT": str(port), **server_env}, f"{endpoint}/moto-api/"):
            yield endpoint


@pytest.fixture(scope="session")
def aws() -> Iterator[str]:
    """One moto server for the session."""
    with moto_server() as endpoint:
        yield endpoint


def new_bucket(name: str) -> str:
    boto3.client("s3").create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name
