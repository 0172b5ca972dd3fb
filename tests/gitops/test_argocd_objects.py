"""Every Argo CD object of argocd/ and every generated Application is valid, and each
generated Application only uses what its AppProject allows and files that exist."""

from fnmatch import fnmatch

import pytest
import yaml

from tests.support.gitops import applications, environments
from tests.support.paths import REPO
from tests.support.validate import assert_valid

# Every Kubernetes object of argocd/ (checkov-upstream.yaml is a list of findings, not an object).
ARGOCD_FILES = sorted(p for p in (REPO / "argocd").rglob("*.yaml") if p.name != "checkov-upstream.yaml")
ENVIRONMENTS = environments(REPO)


def documents(path):
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def projects() -> dict[str, dict]:
    docs = [d for f in ARGOCD_FILES for d in documents(f)]
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == "AppProject"}


@pytest.mark.parametrize("path", ARGOCD_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_object_in_argocd_validates(path):
    assert_valid(documents(path))


def test_there_are_environments_to_check():
    assert ENVIRONMENTS == ["hml", "prod"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_generated_applications_validate(env):
    assert_valid(applications(env))


def test_application_names_are_unique_across_environments():
    names = [a["metadata"]["name"] for env in ENVIRONMENTS for a in applications(env)]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_destinations_and_sources_are_allowed_by_the_project(env):
    allowed = projects()
    for app in applications(env):
        project = allowed[app["spec"]["project"]]["spec"]
        destination = app["spec"]["destination"]
        assert any(
            fnmatch(destination["name"], d["name"]) and fnmatch(destination["namespace"], d["namespace"])
            for d in project["destinations"]
        ), f"{app['metadata']['name']}: {destination} not allowed by {app['spec']['project']}"
        for source in app["spec"]["sources"]:
            assert source["repoURL"] in project["sourceRepos"], app["metadata"]["name"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_charts_and_values_files_exist_and_parameters_are_set(env):
    for app in applications(env):
        for source in app["spec"]["sources"]:
            if "path" in source and not source["repoURL"].startswith("oci://"):
                assert (REPO / source["path"] / "Chart.yaml").is_file(), source["path"]
            helm = source.get("helm", {})
            for value_file in helm.get("valueFiles", []):
                assert value_file.startswith("$values/"), value_file
                assert (REPO / value_file.removeprefix("$values/")).is_file(), value_file
            for parameter in helm.get("parameters", []):
                assert parameter["value"], f"{app['metadata']['name']}: {parameter['name']} is empty"


def test_applicationsets_preserve_resources_and_use_strict_go_templates():
    docs = [d for f in ARGOCD_FILES for d in documents(f) if d["kind"] == "ApplicationSet"]
    assert {d["metadata"]["name"] for d in docs} == {"apps", "addons"}
    for appset in docs:
        assert appset["spec"]["syncPolicy"]["preserveResourcesOnDeletion"] is True
        assert appset["spec"]["goTemplate"] is True
        assert appset["spec"]["goTemplateOptions"] == ["missingkey=error"]


def test_app_project_allows_no_cluster_scoped_kind_but_namespaces():
    assert projects()["platform-apps"]["spec"]["clusterResourceWhitelist"] == [
        {"group": "", "kind": "Namespace"}
    ]
