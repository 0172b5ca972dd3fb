"""environments/: every app has its values in every environment, with one image line."""

import pytest
import yaml

import chr21_ops.gitops.promote as promote
from tests.support.gitops import environments, list_elements
from tests.support.paths import REPO

ENVS = environments(REPO)


def listed_apps() -> list[str]:
    return [e["chart"] for e in list_elements("apps")]


def test_environment_folders_match_the_cluster_secrets():
    assert sorted(p.parent.name for p in (REPO / "environments").glob("*/env.yaml")) == ENVS


@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize("app", listed_apps())
def test_each_app_has_one_valid_image_reference_per_environment(env, app):
    path = promote.values_path(app, env, REPO)
    reference = promote.image_of(yaml.safe_load(path.read_text()), str(path))
    assert reference.key in ("tag", "digest")


@pytest.mark.parametrize("env", ENVS)
def test_sync_policy_and_public_names(env):
    settings = yaml.safe_load((REPO / "environments" / env / "env.yaml").read_text())["environment"]
    assert settings["syncPolicy"] == ("automated" if env == "hml" else "manual")
    for app in listed_apps():
        values = yaml.safe_load((REPO / "environments" / env / "apps" / f"{app}.yaml").read_text())
        host = values.get("ingress", {}).get("host")
        assert host is None or host.endswith("." + settings["domain"])


@pytest.mark.parametrize("env", ENVS)
def test_every_addon_has_its_values_file(env):
    addons = [e["addon"] for e in list_elements("addons")]
    assert sorted(p.stem for p in (REPO / "environments" / env / "addons").glob("*.yaml")) == sorted(addons)
