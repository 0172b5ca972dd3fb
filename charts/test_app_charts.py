"""What every app chart (gene-api, worker, web) must pass, the same way for each: its
ci/*-values.yaml scenarios render and validate strictly (Kubernetes' schemas, and the CRD
schemas of External Secrets, KEDA and Prometheus Operator), the `everything` scenario uses
every template, helm 3 and helm 4 render them to the same objects in the same order (as
objects: helm 4.2 ends each document with a blank line helm 3 leaves out), checkov finds no failed check
(with the chart's stated skips), README.md documents every value of values.yaml, and every
pod is hardened.
A chart's own concerns are tested in its tests/ folder, one concern a file."""

import pytest

from tests.support.chart_readme import undocumented
from tests.support.chart_scenarios import (
    chart_templates,
    checkov_report,
    rendered_templates,
    scenario_id,
    scenarios,
)
from tests.support.chart_values import REQUIRED, merged
from tests.support.helm import render_chart
from tests.support.paths import CHARTS, HELM3, HELM4
from tests.support.validate import assert_valid

# What each chart's minimal scenario renders, nothing more.
MINIMAL_KINDS = {
    "gene-api": {"ConfigMap", "CronJob", "Deployment", "ExternalSecret", "Job", "NetworkPolicy"}
    | {"PodDisruptionBudget", "Service", "ServiceAccount"},
    "worker": {"ConfigMap", "Deployment", "ExternalSecret", "NetworkPolicy", "PodDisruptionBudget"}
    | {"ScaledObject", "ServiceAccount", "TriggerAuthentication"},
    "web": {"ConfigMap", "Deployment", "ExternalSecret", "Job", "NetworkPolicy", "PodDisruptionBudget"}
    | {"Service", "ServiceAccount"},
}
CHARTS_UNDER_TEST = sorted(MINIMAL_KINDS)
# Every chart skips the same three checks, each with its reason in its _helpers.tpl.
CHECKOV_SKIPS = {"CKV_K8S_15", "CKV_K8S_35", "CKV_K8S_43"}
# Keys the READMEs document as one block (their inside is Kubernetes' own schema).
README_BLOCKS = {
    "podSecurityContext",
    "containerSecurityContext",
    "resources",
    "migration.resources",
    "retention.resources",
    "recovery.resources",
    "batchJobDefinition.resources",
    "probes.startup",
    "probes.liveness",
    "probes.readiness",
    "externalSecret.secretStoreRef",
    "networkPolicy.webPodLabels",
    "networkPolicy.apiPodLabels",
    "grafanaDashboard.labels",
}
SCENARIOS = [(chart, path) for chart in CHARTS_UNDER_TEST for path in scenarios(chart)]


def scenario_name(case) -> str:
    return case if isinstance(case, str) else scenario_id(case)


@pytest.mark.parametrize("chart", CHARTS_UNDER_TEST)
def test_the_three_scenarios_exist(chart):
    assert [scenario_id(p) for p in scenarios(chart)] == ["everything", "minimal", "production"]


@pytest.mark.parametrize(("chart", "scenario"), SCENARIOS, ids=scenario_name)
def test_renders_and_validates_strictly(chart, scenario):
    objects = render_chart(chart=chart, release=chart, values_files=[scenario])
    assert_valid(objects)
    if scenario_id(scenario) == "minimal":
        assert {o["kind"] for o in objects} == MINIMAL_KINDS[chart]


@pytest.mark.parametrize("chart", CHARTS_UNDER_TEST)
def test_everything_scenario_renders_every_template(chart):
    everything = CHARTS / chart / "ci" / "everything-values.yaml"
    assert rendered_templates(chart, everything) == chart_templates(chart)


@pytest.mark.parametrize(("chart", "scenario"), SCENARIOS, ids=scenario_name)
def test_helm_3_and_helm_4_render_the_same_objects(chart, scenario):
    render = {"chart": chart, "release": chart, "values_files": [scenario]}
    assert render_chart(**render, helm=HELM3) == render_chart(**render, helm=HELM4)


@pytest.mark.parametrize("chart", CHARTS_UNDER_TEST)
def test_checkov_finds_no_failed_check(chart, tmp_path):
    failed, skipped, passed = checkov_report(chart, tmp_path)
    assert not failed, "\n".join(failed)
    assert passed > 100
    assert skipped == CHECKOV_SKIPS


@pytest.mark.parametrize("chart", CHARTS_UNDER_TEST)
def test_every_value_is_in_the_readme_table(chart):
    missing = undocumented(chart, README_BLOCKS)
    assert not missing, f"README.md does not document {missing}"


def pod_specs(chart: str, values: dict | None = None) -> dict[str, dict]:
    objects = render_chart(chart=chart, release=chart, values=merged(REQUIRED[chart], values or {}))
    return {o["kind"]: o["spec"]["template"]["spec"] for o in objects if o["kind"] in ("Deployment", "Job")}


@pytest.mark.parametrize("chart", CHARTS_UNDER_TEST)
def test_every_pod_runs_as_the_image_user_without_privileges(chart):
    for kind, spec in pod_specs(chart).items():
        assert spec["securityContext"]["runAsNonRoot"] is True, kind
        assert (spec["securityContext"]["runAsUser"], spec["securityContext"]["runAsGroup"]) == (10001, 10001)
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert spec["automountServiceAccountToken"] is False
        for container in spec["containers"] + spec.get("initContainers", []):
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"] == {"drop": ["ALL"]}
            assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]  # noqa: S108 -- a mount
        (tmp,) = [v for v in spec["volumes"] if v["name"] == "tmp"]
        assert tmp["emptyDir"]["sizeLimit"], f"{kind}: an unbounded /tmp"


@pytest.mark.parametrize("chart", CHARTS_UNDER_TEST)
def test_overriding_one_key_keeps_the_other_hardening(chart):
    spec = pod_specs(chart, {"containerSecurityContext": {"runAsUser": 20000}})["Deployment"]
    context = spec["containers"][0]["securityContext"]
    assert context["runAsUser"] == 20000
    assert context["readOnlyRootFilesystem"] is True
    assert context["capabilities"] == {"drop": ["ALL"]}


@pytest.mark.parametrize("chart", CHARTS_UNDER_TEST)
def test_the_service_account_carries_the_irsa_role_and_mounts_no_token(chart):
    role = f"arn:aws:iam::123456789012:role/chr21-hml-{chart}"
    objects = render_chart(
        chart=chart, release=chart, values=merged(REQUIRED[chart], {"serviceAccount": {"roleArn": role}})
    )
    # The app's own (the migration Job's, a PreSync hook, carries no role).
    (account,) = [o for o in objects if o["kind"] == "ServiceAccount" and o["metadata"]["name"] == chart]
    assert account["metadata"]["annotations"] == {"eks.amazonaws.com/role-arn": role}
    assert account["automountServiceAccountToken"] is False


# A setting of each chart's ConfigMap, changed.
ANOTHER_SETTING = {
    "gene-api": {"app": {"logLevel": "DEBUG"}},
    "worker": {"app": {"concurrency": 2}},
    "web": {"app": {"apiTimeoutSeconds": 3}},
}


@pytest.mark.parametrize("chart", CHARTS_UNDER_TEST)
def test_a_settings_change_rolls_the_pods(chart):
    """The pod template's checksum of the ConfigMap changes with a setting (helm-unittest sees
    one render at a time; this compares two)."""

    def checksum(values: dict) -> str:
        objects = render_chart(chart=chart, release=chart, values=merged(REQUIRED[chart], values))
        (deployment,) = [o for o in objects if o["kind"] == "Deployment"]
        return deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"]

    assert checksum({}) != checksum(ANOTHER_SETTING[chart])
