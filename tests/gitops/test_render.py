"""gitops render writes, for every environment, what Argo CD would apply: every Application
rendered (our charts and the upstream add-ons); the API server validates all of it
(tests/controlplane/test_rehearse.py)."""

import re

from tests.support.gitops import applications, assert_refused, cluster_secret_stand_in, run_command


def test_one_folder_per_generated_application_each_rendered(rendered):
    env = rendered.env
    folders = sorted(p.name for p in rendered.out.iterdir() if p.is_dir())
    assert folders == sorted(a["metadata"]["name"] for a in applications(env))
    for folder in folders:
        assert rendered.objects(folder), f"{folder} rendered nothing"


def test_add_ons_render_at_their_pinned_versions_with_their_crds(rendered):
    env = rendered.env
    versions = {
        a["metadata"]["name"]: a["spec"]["sources"][0]["targetRevision"]
        for a in applications(env)
        if "chr21.io/addon" in a["metadata"]["labels"]
    }
    assert versions[f"kube-prometheus-stack-{env}"] == "88.5.3"
    kinds = {(o["kind"], o["metadata"]["name"]) for o in rendered.objects(f"kube-prometheus-stack-{env}")}
    assert ("CustomResourceDefinition", "servicemonitors.monitoring.coreos.com") in kinds
    charts = {
        o["metadata"].get("labels", {}).get("helm.sh/chart") for o in rendered.objects(f"karpenter-{env}")
    }
    assert "karpenter-1.14.1" in charts


def test_cluster_secret_facts_reach_the_workload(rendered):
    env = rendered.env
    secret = cluster_secret_stand_in(env)
    annotations = secret["metadata"]["annotations"]
    objects = {(d["kind"], d["metadata"]["name"]): d for d in rendered.objects(f"gene-api-{env}")}
    account = objects[("ServiceAccount", "gene-api")]
    assert (
        account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
        == annotations["gene_api_iam_role_arn"]
    )
    url = objects[("ExternalSecret", "gene-api")]["spec"]["target"]["template"]["data"]["DATABASE_URL"]
    assert f"@{annotations['database_endpoint']}:5432/" in url
    controller = {
        (d["kind"], d["metadata"]["name"]): d for d in rendered.objects(f"aws-load-balancer-controller-{env}")
    }
    args = controller[("Deployment", "aws-load-balancer-controller")]["spec"]["template"]["spec"][
        "containers"
    ][0]
    assert f"--cluster-name={annotations['aws_cluster_name']}" in args["args"]


def test_unknown_environment_is_refused_with_the_known_ones(tmp_path):
    result = run_command("render", "staging", str(tmp_path / "out"))
    assert_refused(result, "unknown environment 'staging'; known: hml, prod")


def test_an_oversized_environment_name_is_refused_and_not_echoed_whole():
    result = run_command("rehearse", "x" * 5000)
    assert_refused(result, "unknown environment 'xxxx")
    assert len(result.stderr) < 300  # nothing rendered, no control plane started


def test_a_chart_in_neither_place_is_an_error_naming_it(tmp_path):
    result = run_command("render", "hml", str(tmp_path / "out"), env={"HELM_CHARTS_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert re.search(
        r"error: \S+: chart \S+ \S+ \(\S+\) is neither in this repository nor among the archives",
        result.stderr,
    )
