"""The pipeline's backend is chosen per environment by one line of
environments/<env>/apps/gene-api.yaml: both run the cluster's worker today, and switching one
to the AWS path (Step Functions and Batch) is that line alone: the state machine's ARN reaches
the gene API from the cluster secret, and it is the state machine Terraform makes."""

import json

import pytest
import yaml

from tests.support.gitops import load_manifests, repository_copy, run_script
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
    path = repo / "argocd" / "cluster-secrets" / f"{environment}.yaml"
    return yaml.safe_load(path.read_text())["metadata"]["annotations"]


def test_each_environment_runs_the_backend_its_file_names(rendered):
    values = yaml.safe_load((REPO / "environments" / rendered.env / "apps" / "gene-api.yaml").read_text())
    settings = gene_api_settings(rendered.out, rendered.env)
    assert settings["PIPELINE_BACKEND"] == values["pipeline"]["backend"] == "celery"
    assert "STATE_MACHINE_ARN" not in settings


def test_one_line_switches_an_environment_to_step_functions(tmp_path):
    repo = repository_copy(tmp_path / "repo")
    path = repo / "environments" / "hml" / "apps" / "gene-api.yaml"
    text = path.read_text()
    assert text.count("  backend: celery\n") == 1
    path.write_text(text.replace("  backend: celery\n", "  backend: stepfunctions\n"))
    result = run_script("render", "hml", str(tmp_path / "out"), cwd=repo)
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


@pytest.mark.parametrize("backend", ["batch", "Celery", ""])
def test_a_backend_that_does_not_exist_is_refused_by_the_render(tmp_path, backend):
    repo = repository_copy(tmp_path / "repo")
    path = repo / "environments" / "hml" / "apps" / "gene-api.yaml"
    path.write_text(path.read_text().replace("  backend: celery\n", f"  backend: {backend!r}\n"))
    result = run_script("render", "hml", str(tmp_path / "out"), cwd=repo)
    assert result.returncode == 1
    assert "backend" in result.stderr
    assert "Traceback" not in result.stderr


def test_batch_runs_the_image_the_environments_commit_pins(rendered):
    """The worker's hook registers the job definition Terraform hands over, unchanged, with the
    image of the worker's own Deployment: a release, promotion or rollback of the worker is one of
    Batch's jobs at the same sync."""
    objects = rendered.objects(f"worker-{rendered.env}")
    by_kind_and_name = {(o["kind"], o["metadata"]["name"]): o for o in objects}
    handed_over = json.loads(stand_in_annotations(rendered.env)["batch_job_definition"])
    definition = by_kind_and_name[("ConfigMap", "worker-batch-definition")]["data"]["job-definition"]
    assert json.loads(definition) == handed_over
    hook = by_kind_and_name[("Job", "worker-batch-definition")]
    assert hook["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "PostSync"
    (container,) = hook["spec"]["template"]["spec"]["containers"]
    (worker,) = by_kind_and_name[("Deployment", "worker")]["spec"]["template"]["spec"]["containers"]
    assert container["image"] == worker["image"]
    assert container["env"] == [{"name": "IMAGE", "value": worker["image"]}]
    values = yaml.safe_load((REPO / "environments" / rendered.env / "apps" / "worker.yaml").read_text())
    assert worker["image"].endswith(values["image"].get("digest") or values["image"]["tag"])
