"""scripts/render writes, for every environment, what Argo CD would apply, and all of it
validates strictly."""

import pytest
import yaml

from tests.support.gitops import applications, environments, run_script
from tests.support.paths import REPO
from tests.support.validate import assert_valid


@pytest.fixture(scope="module", params=environments(REPO))
def rendered(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("render") / request.param
    result = run_script("render", request.param, str(out))
    assert result.returncode == 0, result.stderr
    return request.param, out


def test_one_folder_per_generated_application(rendered):
    env, out = rendered
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders == sorted(a["metadata"]["name"] for a in applications(env))


def test_everything_rendered_validates_strictly(rendered):
    _, out = rendered
    objects = []
    for folder in (p for p in out.iterdir() if p.is_dir()):
        objects += [yaml.safe_load((folder / "application.yaml").read_text())]
        manifests = folder / "manifests.yaml"
        if manifests.exists():
            objects += [d for d in yaml.safe_load_all(manifests.read_text()) if d]
    assert len(objects) > 10
    assert_valid(objects)


def test_our_charts_render_and_upstream_charts_are_named(rendered):
    env, out = rendered
    assert (out / f"gene-api-{env}" / "manifests.yaml").is_file()
    note = (out / f"aws-load-balancer-controller-{env}" / "UPSTREAM.md").read_text()
    assert "`aws-load-balancer-controller`" in note
    assert "`1.13.0`" in note
    assert f"`environments/{env}/addons/aws-load-balancer-controller.yaml`" in note


def test_cluster_secret_facts_reach_the_workload(rendered):
    env, out = rendered
    secret = yaml.safe_load((REPO / "argocd" / "cluster-secrets" / f"{env}.yaml").read_text())
    annotations = secret["metadata"]["annotations"]
    objects = {
        (d["kind"], d["metadata"]["name"]): d
        for d in yaml.safe_load_all((out / f"gene-api-{env}" / "manifests.yaml").read_text())
    }
    account = objects[("ServiceAccount", "gene-api")]
    assert (
        account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
        == annotations["gene_api_iam_role_arn"]
    )
    url = objects[("ExternalSecret", "gene-api")]["spec"]["target"]["template"]["data"]["DATABASE_URL"]
    assert f"@{annotations['database_endpoint']}:5432/" in url


def test_unknown_environment_is_refused_with_the_known_ones(tmp_path):
    result = run_script("render", "staging", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "unknown environment 'staging'; known: hml, prod" in result.stderr
    assert "Traceback" not in result.stderr
