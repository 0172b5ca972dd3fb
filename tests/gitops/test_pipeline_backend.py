"""The pipeline's backend is chosen per environment by two lines of environments/<env>/apps/:
gene-api's `pipeline.backend` and worker's `batchJobDefinition.enabled`. Both environments run
the cluster's worker today. Switching one to the AWS path (Step Functions and Batch) is those two
lines: the state machine's ARN reaches the gene API from the cluster secret (the state machine
Terraform makes), and the worker's hook registers Batch's job definition, handed over unchanged,
with the worker's own image: a release, promotion or rollback of the worker reaches Batch at
the same sync."""

import json

import pytest
import yaml

from tests.gitops.conftest import Rendered
from tests.gitops.test_aws_callers import aws_callers
from tests.support.gitops import cluster_secret_stand_in, load_manifests, repository_copy, run_command
from tests.support.paths import REPO
from tests.support.terraform import blocks, locals_, unquoted


def gene_api_settings(out, environment: str) -> dict:
    manifests = (out / f"gene-api-{environment}" / "manifests.yaml").read_text()
    (config,) = [
        o
        for o in load_manifests(manifests)
        if o["kind"] == "ConfigMap" and "PIPELINE_BACKEND" in o.get("data", {})
    ]
    return config["data"]


def stand_in_annotations(environment: str, repo=REPO) -> dict:
    return cluster_secret_stand_in(environment, repo)["metadata"]["annotations"]


def switch_to_step_functions(repo, environment: str) -> None:
    gene_api = repo / "environments" / environment / "apps" / "gene-api.yaml"
    text = gene_api.read_text()
    assert text.count("  backend: celery\n") == 1
    gene_api.write_text(text.replace("  backend: celery\n", "  backend: stepfunctions\n"))
    worker = repo / "environments" / environment / "apps" / "worker.yaml"
    text = worker.read_text()
    assert text.count("batchJobDefinition:\n  enabled: false\n") == 1
    worker.write_text(
        text.replace("batchJobDefinition:\n  enabled: false\n", "batchJobDefinition:\n  enabled: true\n")
    )


def test_each_environment_runs_the_backend_its_files_name(rendered):
    apps = REPO / "environments" / rendered.env / "apps"
    backend = yaml.safe_load((apps / "gene-api.yaml").read_text())["pipeline"]["backend"]
    registers = yaml.safe_load((apps / "worker.yaml").read_text())["batchJobDefinition"]["enabled"]
    settings = gene_api_settings(rendered.out, rendered.env)
    assert settings["PIPELINE_BACKEND"] == backend == "celery"
    assert "STATE_MACHINE_ARN" not in settings
    # Batch's definition is registered exactly where Batch runs the jobs.
    assert registers is (backend == "stepfunctions")
    names = {o["metadata"]["name"] for o in rendered.objects(f"worker-{rendered.env}")}
    assert "worker-batch-definition" not in names


def test_two_lines_switch_an_environment_to_step_functions(tmp_path):
    repo = repository_copy(tmp_path / "repo")
    switch_to_step_functions(repo, "hml")
    result = run_command("render", "hml", str(tmp_path / "out"), cwd=repo)
    assert result.returncode == 0, result.stderr
    settings = gene_api_settings(tmp_path / "out", "hml")
    assert settings["PIPELINE_BACKEND"] == "stepfunctions"
    arn = stand_in_annotations("hml")["state_machine_arn"]
    assert settings["STATE_MACHINE_ARN"] == arn
    # The state machine Terraform makes, and hands over under that annotation.
    assert unquoted(blocks("module")["state_machine"]["name"]) == "${local.batch_job_name}"
    assert unquoted(locals_()["batch_job_name"]) == "${local.name}-annotate"
    assert arn.endswith(":stateMachine:chr21-hml-annotate")
    assert "module.state_machine.state_machine_arn" in str(locals_()["cluster_secret_annotations"])
    # Batch runs the worker's image: the hook registers the definition Terraform hands over.
    objects = load_manifests((tmp_path / "out" / "worker-hml" / "manifests.yaml").read_text())
    by_kind_and_name = {(o["kind"], o["metadata"]["name"]): o for o in objects}
    handed_over = json.loads(stand_in_annotations("hml")["batch_job_definition"])
    definition = by_kind_and_name[("ConfigMap", "worker-batch-definition")]["data"]["job-definition"]
    assert json.loads(definition) == handed_over
    hook = by_kind_and_name[("Job", "worker-batch-definition")]
    assert hook["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "PostSync"
    (container,) = hook["spec"]["template"]["spec"]["containers"]
    (worker,) = by_kind_and_name[("Deployment", "worker")]["spec"]["template"]["spec"]["containers"]
    assert container["image"] == worker["image"]
    assert container["env"] == [{"name": "IMAGE", "value": worker["image"]}]
    values = yaml.safe_load((REPO / "environments" / "hml" / "apps" / "worker.yaml").read_text())
    assert worker["image"].endswith(values["image"].get("digest") or values["image"]["tag"])
    # A caller of AWS the table of callers has, found by what its files name.
    assert ("chr21", "worker-batch-definition") in aws_callers(Rendered("hml", tmp_path / "out"))
    # As the IRSA role Terraform makes for that service account.
    account = by_kind_and_name[("ServiceAccount", "worker-batch-definition")]
    role = locals_()["irsa_roles"]["worker-batch-definition"]
    assert (
        unquoted(role["service_account"])
        == account["metadata"]["name"]
        == hook["spec"]["template"]["spec"]["serviceAccountName"]
    )
    assert account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"].endswith(
        ":role/chr21-hml-worker-batch-definition"
    )


@pytest.mark.parametrize("backend", ["batch", "Celery", ""])
def test_a_backend_that_does_not_exist_is_refused_by_the_render(tmp_path, backend):
    repo = repository_copy(tmp_path / "repo")
    path = repo / "environments" / "hml" / "apps" / "gene-api.yaml"
    path.write_text(path.read_text().replace("  backend: celery\n", f"  backend: {backend!r}\n"))
    result = run_command("render", "hml", str(tmp_path / "out"), cwd=repo)
    assert result.returncode == 1
    assert "backend" in result.stderr
    assert "Traceback" not in result.stderr
