"""`annotator register-job-definition` against moto server: the definition terraform-bootstrap
hands over (here the hml stand-in's) is registered with the image it is given; a second run with
the same image registers nothing; another image (a release, a rollback) is a new revision, the
one Step Functions' submissions by name then run; what a user can get wrong is one line."""

import json
import os
import subprocess

import boto3
import pytest

from tests.support.gitops import cluster_secret_stand_in
from worker.tests.workers import ANNOTATOR

IMAGE = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/chr21/worker@sha256:" + "a" * 64


def handed_over(environment: str = "hml") -> dict:
    secret = cluster_secret_stand_in(environment)
    return json.loads(secret["metadata"]["annotations"]["batch_job_definition"])


def register(path, image: str | None = IMAGE) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "IMAGE"}
    if image is not None:
        env["IMAGE"] = image
    return subprocess.run(
        [ANNOTATOR, "register-job-definition", str(path)], capture_output=True, text=True, env=env, timeout=60
    )


def revisions(name: str) -> list[tuple[int, str]]:
    found = boto3.client("batch").describe_job_definitions(jobDefinitionName=name, status="ACTIVE")
    return sorted((d["revision"], d["containerProperties"]["image"]) for d in found["jobDefinitions"])


@pytest.fixture
def definition_file(aws, tmp_path):
    given = handed_over()
    # A name of this test's own: the moto server is shared by the session.
    given["jobDefinition"]["jobDefinitionName"] = f"annotate-{tmp_path.name}"
    path = tmp_path / "definition.json"
    path.write_text(json.dumps(given))
    return path


def test_it_registers_the_image_once_and_a_new_one_as_a_new_revision(definition_file):
    name = json.loads(definition_file.read_text())["jobDefinition"]["jobDefinitionName"]
    first = register(definition_file)
    assert first.returncode == 0, first.stderr
    assert revisions(name) == [(1, IMAGE)]
    again = register(definition_file)
    assert again.returncode == 0, again.stderr
    assert "already runs" in again.stdout
    assert revisions(name) == [(1, IMAGE)]
    rolled_back = IMAGE.replace("a" * 64, "b" * 64)
    assert register(definition_file, rolled_back).returncode == 0
    assert revisions(name) == [(1, IMAGE), (2, rolled_back)]
    registered = boto3.client("batch").describe_job_definitions(jobDefinitionName=name, status="ACTIVE")
    newest = max(registered["jobDefinitions"], key=lambda d: d["revision"])
    expected = handed_over()["jobDefinition"]["containerProperties"]
    assert newest["containerProperties"]["jobRoleArn"] == expected["jobRoleArn"]
    assert newest["containerProperties"]["command"] == expected["command"]


def test_what_a_user_can_get_wrong_is_one_line(definition_file, tmp_path):
    unset = register(definition_file, image=None)
    assert unset.returncode == 1
    assert unset.stderr == "annotator: IMAGE (the image the job definition runs) is not set\n"
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = register(broken)
    assert result.returncode == 1
    assert result.stderr.startswith(f"annotator: {broken} is not a job definition file")
    assert "Traceback" not in result.stderr


def test_the_newest_five_revisions_stay_and_older_ones_go(definition_file):
    name = json.loads(definition_file.read_text())["jobDefinition"]["jobDefinitionName"]
    images = [IMAGE.replace("a" * 64, str(n) * 64) for n in range(1, 8)]
    for image in images:
        assert register(definition_file, image).returncode == 0
    assert revisions(name) == [(n, images[n - 1]) for n in range(3, 8)]
