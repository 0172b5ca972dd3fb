"""The offline expansion does what Argo CD's ApplicationSet controller does, point by point,
each pinned by an expected output. The source that settled each point is named in the test
(Argo CD's code at commit 37ee0097, August 2026; argocd/README.md lists them all)."""

import copy

import pytest
import yaml

from tests.support.gitops import cluster_secret_stand_in, context_for, expand
from tests.support.paths import REPO

CLUSTER = cluster_secret_stand_in("hml")


def appset(generators: list[dict], template: dict, patch: str | None = None) -> dict:
    spec = {
        "goTemplate": True,
        "goTemplateOptions": ["missingkey=error"],
        "generators": generators,
        "template": template,
    }
    if patch:
        spec["templatePatch"] = patch
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "ApplicationSet",
        "metadata": {"name": "t"},
        "spec": spec,
    }


TEMPLATE = {
    "metadata": {"name": "{{ .name }}-{{ .addon }}"},
    "spec": {
        "project": "platform-addons",
        "destination": {"name": "{{ .name }}", "namespace": "x"},
        "sources": [],
    },
}


def context(secret=CLUSTER):
    return context_for("hml", REPO).__class__(repo=REPO, repo_urls=frozenset(), clusters=(secret,))


def test_a_matrix_templates_the_second_generators_selector_with_the_first_ones_parameters():
    """applicationset/generators/matrix.go + utils.RenderGeneratorParams: every string of the
    second generator, its clusters selector included, is a template of the first's parameters."""
    generators = [
        {
            "matrix": {
                "generators": [
                    {
                        "list": {
                            "elements": [
                                {"addon": "keda", "label": "enable_keda"},
                                {"addon": "x", "label": "nope"},
                            ]
                        }
                    },
                    {
                        "clusters": {
                            "selector": {
                                "matchExpressions": [
                                    {"key": "{{ .label }}", "operator": "In", "values": ["true"]}
                                ]
                            }
                        }
                    },
                ]
            }
        }
    ]
    names = [a["metadata"]["name"] for a in expand(appset(generators, TEMPLATE), context())]
    assert names == ["chr21-hml-keda"]


def test_in_a_matrix_the_first_generators_parameters_win_and_maps_merge_deeply():
    """matrix.go: mergo.Merge(tmp, second), then mergo.Merge(tmp, first, WithOverride)."""
    generators = [
        {
            "matrix": {
                "generators": [
                    {
                        "list": {
                            "elements": [
                                {"addon": "a", "name": "from-list", "metadata": {"labels": {"extra": "1"}}}
                            ]
                        }
                    },
                    {"clusters": {}},
                ]
            }
        }
    ]
    template = copy.deepcopy(TEMPLATE)
    template["metadata"]["labels"] = {
        "env": "{{ .metadata.labels.environment }}",
        "extra": "{{ .metadata.labels.extra }}",
    }
    (app,) = expand(appset(generators, template), context())
    assert app["metadata"]["name"] == "from-list-a"  # the list's `name` beat the cluster's
    assert app["metadata"]["labels"] == {"env": "hml", "extra": "1"}  # both labels maps survive


def test_a_template_patch_merges_maps_replaces_lists_and_never_changes_the_project():
    """controllers/template/patch.go: a strategic merge patch against the Application type,
    whose lists carry no merge key (so they are replaced), then the template's project back."""
    template = copy.deepcopy(TEMPLATE)
    template["spec"]["syncPolicy"] = {"syncOptions": ["A=true", "B=true"], "retry": {"limit": 5}}
    patch = """
spec:
  project: default
  syncPolicy:
    syncOptions: [C=true]
    retry: {backoff: {duration: 5s}}
"""
    (app,) = expand(
        appset([{"clusters": {}}], template | {"metadata": {"name": "{{ .name }}"}}, patch), context()
    )
    assert app["spec"]["project"] == "platform-addons"
    assert app["spec"]["syncPolicy"] == {
        "syncOptions": ["C=true"],
        "retry": {"limit": 5, "backoff": {"duration": "5s"}},
    }


@pytest.mark.parametrize("function", ["required", "include", "tpl"])
def test_a_helm_only_function_is_refused_as_argo_cd_would(function):
    """applicationset/utils/utils.go: sprig's generic functions (less env, expandenv,
    getHostByName) plus normalize, slugify, toYaml, fromYaml, fromYamlArray; nothing of Helm's."""
    template = copy.deepcopy(TEMPLATE)
    template["metadata"]["name"] = f'{{{{ {function} "x" .name }}}}'
    with pytest.raises(ValueError, match=f"{function}: not a function of Argo CD's templates"):
        expand(appset([{"clusters": {}}], template), context())


def test_missingkey_error_fails_on_a_missing_field():
    template = copy.deepcopy(TEMPLATE)
    template["metadata"]["name"] = "{{ .metadata.annotations.no_such_annotation }}"
    with pytest.raises(ValueError, match="missingkey=error"):
        expand(appset([{"clusters": {}}], template), context())


def test_a_cluster_secret_without_an_apps_role_fails_the_apps_generation():
    """Go's text/template: `index` of a missing map key is the zero value, missingkey=error or
    not; so the apps ApplicationSet checks with hasKey and calls sprig's fail."""
    secret = copy.deepcopy(CLUSTER)
    del secret["metadata"]["annotations"]["gene_api_iam_role_arn"]
    apps = yaml.safe_load((REPO / "argocd" / "platform" / "apps-applicationset.yaml").read_text())
    real = context_for("hml", REPO)
    with pytest.raises(ValueError, match="the cluster secret has no annotation gene_api_iam_role_arn"):
        expand(apps, real.__class__(repo=REPO, repo_urls=real.repo_urls, clusters=(secret,)))
