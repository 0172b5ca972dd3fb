"""The offline expansion follows Argo CD's template semantics where this repository relies on them."""

import pytest

import chr21_ops.gitops.appset as appset
from chr21_ops.gitops.gotemplate import TemplateError, fields, render_all
from tests.support.gitops import expand
from tests.support.paths import REPO


def test_sprig_functions_and_nested_fields_render():
    assert render_all(
        [
            (
                '{{ .app | replace "-" "_" }}-{{ .metadata.labels.env }}',
                {"app": "gene-api", "metadata": {"labels": {"env": "hml"}}},
            )
        ]
    ) == ["gene_api-hml"]


def test_a_missing_key_is_an_error_as_with_missingkey_error():
    with pytest.raises(TemplateError, match=r"missingkey=error: \.metadata\.annotations\.nope"):
        render_all([("{{ .metadata.annotations.nope }}", {"metadata": {"annotations": {}}})])


def test_variables_are_followed_to_what_they_hold():
    template = "{{- $a := .metadata.annotations }}{{ $a.region }}"
    assert fields(template) == {".metadata.annotations", ".metadata.annotations.region"}
    with pytest.raises(TemplateError, match="region"):
        render_all([(template, {"metadata": {"annotations": {}}})])


def test_strings_inside_actions_are_not_fields():
    assert fields('{{ index .metadata.annotations (printf "%s.x" .app) }}') == {
        ".metadata.annotations",
        ".app",
    }


def context(*secrets):
    return appset.Context(repo=REPO, repo_urls=frozenset({"https://example.org/repo.git"}), clusters=secrets)


def cluster(name, **labels):
    return {
        "metadata": {"name": name, "labels": labels, "annotations": {"owner": name}},
        "stringData": {"name": name, "server": f"https://{name}"},
    }


def appset_of(generators, template_name="{{ .name }}", patch=None):
    spec = {
        "goTemplate": True,
        "goTemplateOptions": ["missingkey=error"],
        "generators": generators,
        "template": {
            "metadata": {"name": template_name},
            "spec": {"project": "p", "destination": {"name": "{{ .name }}"}},
        },
    }
    if patch:
        spec["templatePatch"] = patch
    return {"metadata": {"name": "t", "namespace": "argocd"}, "spec": spec}


def test_matrix_second_generator_is_templated_with_the_first_ones_parameters():
    generators = [
        {
            "matrix": {
                "generators": [
                    {"list": {"elements": [{"addon": "keda"}, {"addon": "metrics-server"}]}},
                    {
                        "clusters": {
                            "selector": {
                                "matchExpressions": [
                                    {
                                        "key": 'enable_{{ .addon | replace "-" "_" }}',
                                        "operator": "In",
                                        "values": ["true"],
                                    }
                                ]
                            }
                        }
                    },
                ]
            }
        }
    ]
    apps = expand(
        appset_of(generators, "{{ .addon }}-{{ .name }}"),
        context(
            cluster("a", enable_keda="true"), cluster("b", enable_metrics_server="true", enable_keda="false")
        ),
    )
    assert [a["metadata"]["name"] for a in apps] == ["keda-a", "metrics-server-b"]


def test_template_patch_merges_maps_and_replaces_lists():
    patch = "spec:\n  destination:\n    namespace: ns-{{ .name }}\n  sources: [{repoURL: x}]\n"
    (app,) = expand(appset_of([{"clusters": {}}], patch=patch), context(cluster("a")))
    assert app["spec"]["destination"] == {"name": "a", "namespace": "ns-a"}
    assert app["spec"]["sources"] == [{"repoURL": "x"}]


def test_duplicate_application_names_are_refused():
    with pytest.raises(appset.ExpansionError, match="duplicate Application names"):
        expand(appset_of([{"clusters": {}}], template_name="same"), context(cluster("a"), cluster("b")))


def test_go_template_with_missingkey_error_is_required():
    plain = appset_of([{"clusters": {}}])
    plain["spec"]["goTemplateOptions"] = []
    with pytest.raises(appset.ExpansionError, match="missingkey=error"):
        expand(plain, context(cluster("a")))


def test_git_generator_must_read_this_repository():
    generator = [
        {
            "git": {
                "repoURL": "https://elsewhere.example.org/x.git",
                "revision": "main",
                "files": [{"path": "*.yaml"}],
            }
        }
    ]
    with pytest.raises(appset.ExpansionError, match="not this repository"):
        expand(appset_of(generator), context())
