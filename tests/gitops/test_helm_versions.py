"""helm 3 (Argo CD up to 3.4) and helm 4 (Argo CD 3.5) render every Application of every
environment to the same objects, our charts and the upstream add-ons alike.

Compared as objects, not bytes: helm 4 orders some kinds differently, and Argo CD applies
by sync wave and kind whatever the order. Fields a chart generates anew at every render
(certificates) differ between any two renders; the test masks exactly the fields the
Application's ignoreDifferences declares, so each is one Argo CD keeps live too.
"""

import json

import pytest

from tests.support.gitops import applications, environments, load_manifests, masked, run_command
from tests.support.paths import HELM4, REPO


def rendered_objects(env: str, out, helm: str | None) -> dict[str, list[str]]:
    result = run_command("render", env, str(out), env={"GITOPS_HELM": helm} if helm else {})
    assert result.returncode == 0, result.stderr
    return objects_of(env, out)


def objects_of(env: str, out) -> dict[str, list[str]]:
    """Application => its objects, less the fields its ignoreDifferences names."""
    ignored = {a["metadata"]["name"]: a["spec"].get("ignoreDifferences", []) for a in applications(env)}
    return {
        p.parent.name: sorted(
            json.dumps(masked(obj, ignored[p.parent.name]), sort_keys=True)
            for obj in load_manifests(p.read_text())
        )
        for p in out.glob("*/manifests.yaml")
    }


# Charts helm 3 renders differently, and why. A field a template sets to null: helm 3 (3.19.4,
# Argo CD 3.4's) writes it as `null`, helm 4 leaves it out (its null coalescing). To the API
# server both mean unset, so the objects are the same once null fields are dropped
# (aws-load-balancer-controller: its webhooks' namespaceSelector and objectSelector).
NULL_FIELDS_IN_HELM_3 = {"aws-load-balancer-controller"}


def _without_nulls(value):
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


@pytest.mark.parametrize("env", environments(REPO))
def test_helm_3_and_helm_4_render_the_same_objects(env, renders, tmp_path):
    helm3 = objects_of(env, renders[env].out)  # the session's render: gitops render's default helm 3
    helm4 = rendered_objects(env, tmp_path / "helm4", str(HELM4))
    assert helm3.keys() == helm4.keys()
    differ = sorted(app for app in helm3 if helm3[app] != helm4[app])
    # The difference shows, so the check below has work; when it goes, so does the allowance.
    assert differ == sorted(f"{chart}-{env}" for chart in NULL_FIELDS_IN_HELM_3)
    for app in differ:
        new = {(o["kind"], o["metadata"]["name"]): o for o in map(json.loads, helm4[app])}
        old = {(o["kind"], o["metadata"]["name"]): o for o in map(json.loads, helm3[app])}
        assert old.keys() == new.keys()
        for key, obj in old.items():
            assert _without_nulls(obj) == new[key], f"{app}: {key} differs beyond null fields"


@pytest.mark.parametrize("env", environments(REPO))
def test_two_renders_are_the_same_once_ignored_fields_are_masked(env, renders, tmp_path):
    """What Argo CD compares at each refresh: a field that changes at every render and is not
    in ignoreDifferences would keep the Application OutOfSync for ever."""
    assert objects_of(env, renders[env].out) == rendered_objects(env, tmp_path / "again", None)
