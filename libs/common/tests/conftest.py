"""Fixtures of the shared library's tests: moto's S3 for the storage tests."""

from tests.support.aws import aws  # noqa: F401 -- a fixture, used by name
