"""The cluster-secret contract (argocd/README.md) matches the stand-ins Terraform's output
is rendered with, and everything the ApplicationSets read from a cluster secret is in it."""

import re

import pytest
import yaml

from tests.support.gitops import (
    cluster_secret_keys_read,
    cluster_secret_stand_in,
    environments,
    list_elements,
)
from tests.support.paths import REPO

README = (REPO / "argocd" / "README.md").read_text()
ROW = re.compile(r"^\| `([^`]+)` \| (label|annotation) \|", re.M)
DOCUMENTED = {(kind, key) for key, kind in ROW.findall(README)}


def keys(document: dict) -> set[tuple[str, str]]:
    metadata = document["metadata"]
    return {("label", k) for k in metadata["labels"]} | {("annotation", k) for k in metadata["annotations"]}


@pytest.mark.parametrize("env", environments(REPO))
def test_every_label_and_annotation_is_documented_and_none_is_missing(env):
    assert keys(cluster_secret_stand_in(env)) == DOCUMENTED


def test_everything_the_applicationsets_read_is_in_the_contract():
    assert cluster_secret_keys_read() <= DOCUMENTED


@pytest.mark.parametrize("env", environments(REPO))
def test_secret_names_the_cluster_and_environment_of_its_folder(env):
    document = cluster_secret_stand_in(env)
    env_file = yaml.safe_load((REPO / "environments" / env / "env.yaml").read_text())["environment"]
    assert document["metadata"]["labels"]["environment"] == env == env_file["name"]
    assert document["metadata"]["name"] == document["stringData"]["name"] == env_file["cluster"]
    assert document["metadata"]["labels"]["argocd.argoproj.io/secret-type"] == "cluster"


def test_one_repository_url_everywhere():
    root = yaml.safe_load((REPO / "argocd" / "bootstrap" / "root-app.yaml").read_text())
    url = root["spec"]["source"]["repoURL"]
    projects = [d for d in yaml.safe_load_all((REPO / "argocd" / "platform" / "projects.yaml").read_text())]
    assert all(url in p["spec"]["sourceRepos"] for p in projects)
    assert {
        cluster_secret_stand_in(env)["metadata"]["annotations"]["platform_repo_url"]
        for env in environments(REPO)
    } == {url}


def test_every_addon_repository_is_allowed_by_the_addons_project():
    projects = {
        d["metadata"]["name"]: d
        for d in yaml.safe_load_all((REPO / "argocd" / "platform" / "projects.yaml").read_text())
    }
    allowed = set(projects["platform-addons"]["spec"]["sourceRepos"])
    assert {
        a["repoURL"] for a in list_elements("addons") if a["repoURL"]
    } <= allowed  # "": this repository (platform)
