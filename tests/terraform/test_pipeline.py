"""The pipeline's AWS side: the state machine Terraform creates is the pipeline's own
definition file with exactly its placeholders filled; Batch runs the worker image on Fargate
Spot with on-demand Fargate behind it, as the image's user, with a read-only root filesystem
and only settings the worker reads; the gene API may start that state machine and no other."""

import json
import re

import pytest
import yaml

from annotator.config import WorkerSettings
from tests.support.dockerfiles import DOCKERFILES, instruction
from tests.support.gitops import cluster_secret_stand_in
from tests.support.paths import REPO
from tests.support.terraform import BOOTSTRAP, blocks, evaluate, locals_, locals_blocks, unquoted

MODULES = blocks("module")
DEFINITION = REPO / "worker" / "statemachine" / "annotate.asl.json"


def test_the_state_machine_is_the_pipelines_definition_with_its_placeholders_filled():
    definition = MODULES["state_machine"]["definition"]
    call = re.fullmatch(r'\$\{templatefile\("\$\{path\.module\}/\.\./([^"]+)", \{(.*)\}\)\}', definition)
    assert call, definition
    assert REPO / call[1] == DEFINITION
    filled = set(re.findall(r"(\w+) = ", call[2]))
    placeholders = set(re.findall(r"\$\{(\w+)\}", DEFINITION.read_text()))
    assert filled == placeholders == {"job_queue_arn", "job_definition_name"}
    assert 'module.batch.job_queues["annotate"].arn' in call[2]
    # By name: the newest revision the cluster registered (annotator register-job-definition).
    assert "job_definition_name = local.batch_job_name" in call[2]
    assert "job_definitions" not in MODULES["batch"]


def test_batch_runs_on_fargate_spot_first_then_on_demand():
    batch = MODULES["batch"]
    types = {
        key: unquoted(env["compute_resources"]["type"]) for key, env in batch["compute_environments"].items()
    }
    assert types == {"fargate_spot": "FARGATE_SPOT", "fargate": "FARGATE"}
    order = batch["job_queues"]["annotate"]["compute_environment_order"]
    assert [unquoted(order[k]["compute_environment_key"]) for k in sorted(order)] == [
        "fargate_spot",
        "fargate",
    ]
    retry = locals_()["batch_job_definition"]["jobDefinition"]["retryStrategy"]["evaluateOnExit"]
    assert {unquoted(r["onExitCode"]): unquoted(r["action"]) for r in retry} == {
        "143": "RETRY",
        "*": "EXIT",
    }


def test_the_job_runs_as_the_worker_images_user_read_only_with_settings_the_worker_reads():
    container = locals_()["batch_job_definition"]["jobDefinition"]["containerProperties"]
    assert "image" not in container  # the cluster's, from the environment's commit
    assert unquoted(container["user"]) == instruction(DOCKERFILES["worker"], "USER")
    assert container["readonlyRootFilesystem"] is True
    names = {unquoted(e["name"]) for e in [*container["environment"], *container["secrets"]]}
    assert names == {"UPLOADS_LOCATION", "RESULTS_LOCATION", "WORK_FOLDER", "LOG_LEVEL", "DATABASE_URL"}
    assert {name.lower() for name in names} <= set(WorkerSettings.model_fields)


def test_what_terraform_hands_over_is_a_register_job_definition_request():
    """Every field is one of the API's (botocore's model of RegisterJobDefinition), and the
    stand-ins' example passes botocore's own validation of the request, image added."""
    import boto3
    from botocore.validate import ParamValidator

    model = boto3.session.Session(region_name="eu-west-1").client("batch").meta.service_model
    request = model.operation_model("RegisterJobDefinition").input_shape
    ours = locals_()["batch_job_definition"]
    assert set(ours) == {"region", "jobDefinition"}
    assert set(ours["jobDefinition"]) <= set(request.members)
    assert set(ours["jobDefinition"]["containerProperties"]) <= set(
        request.members["containerProperties"].members
    )
    for environment in ("hml", "prod"):
        secret = cluster_secret_stand_in(environment)
        example = json.loads(secret["metadata"]["annotations"]["batch_job_definition"])
        assert set(example["jobDefinition"]) == set(ours["jobDefinition"])
        assert set(example["jobDefinition"]["containerProperties"]) == set(
            ours["jobDefinition"]["containerProperties"]
        )
        definition = example["jobDefinition"]
        definition["containerProperties"]["image"] = "worker:example"
        report = ParamValidator().validate(definition, request)
        assert not report.has_errors(), report.generate_report()
        assert definition["jobDefinitionName"] == f"chr21-{environment}-annotate"


def test_the_gene_api_may_start_that_state_machine_and_no_other():
    start = locals_()["irsa_roles"]["gene-api"]["permissions"]["StartJob"]
    assert start["resources"] == ["${module.state_machine.state_machine_arn}"]
    assert "states:StartExecution" in [unquoted(a) for a in start["actions"]]
    assert (BOOTSTRAP / "iam.tf").read_text().count('"states:') == 1


def worker_image(environment: str, repo=REPO):
    """The worker image Terraform reads for an environment: (what it pins, digest or tag)."""
    (image_locals,) = [
        b for b in locals_blocks(BOOTSTRAP / "database.tf") if "worker_pinned" in b and "worker_image " in b
    ]
    return evaluate(
        "[local.worker_pinned, can(local.worker_image.digest)]", environment, [image_locals], repo=repo
    )


@pytest.mark.parametrize("environment", ["hml", "prod"])
def test_the_roles_job_runs_the_worker_image_the_environment_pins(environment):
    values = yaml.safe_load((REPO / "environments" / environment / "apps" / "worker.yaml").read_text())
    pinned = values["image"].get("digest") or values["image"]["tag"]
    assert worker_image(environment) == [pinned, "digest" in values["image"]]
    assert "image   = local.worker_image_reference" in (BOOTSTRAP / "database.tf").read_text()
    assert "worker_image_tag" not in "".join(p.read_text() for p in BOOTSTRAP.glob("*.tf*"))


def test_a_released_digest_is_what_runs(tmp_path):
    repo = tmp_path / "repo"
    (repo / "environments" / "hml" / "apps").mkdir(parents=True)
    worker = (REPO / "environments" / "hml" / "apps" / "worker.yaml").read_text()
    digest = "sha256:" + "a" * 64
    # What a release leaves: the digest alone (gitops release replaces the tag line).
    worker = worker.replace('  tag: "0.1.0"\n', f'  digest: "{digest}"\n')
    assert digest in worker
    (repo / "environments" / "hml" / "apps" / "worker.yaml").write_text(worker)
    assert worker_image("hml", repo) == [digest, True]


def test_the_roles_job_stops_with_what_to_do_when_its_image_is_not_pushed():
    text = (BOOTSTRAP / "database.tf").read_text()
    assert "data.aws_ecr_images.worker.image_ids[*].image_digest" in text
    assert "local.worker_pinned," in text
    assert "push the images first (terraform-bootstrap/README.md, From an empty account, step 2)" in text
    readme = (BOOTSTRAP / "README.md").read_text()
    assert "Step 2, once both accounts have done step 1 (the images workflow pushes" in readme
