"""What env.yaml says the cluster serves (helm's --api-versions, as Argo CD passes them) is
exactly what the CRDs rendered for that environment serve: no more (a chart would render
objects for an API the cluster lacks), no fewer (a chart would leave out what it should
render, such as ServiceMonitors)."""

import yaml

from tests.support.paths import REPO


def test_api_versions_are_those_the_rendered_crds_serve(rendered):
    declared = yaml.safe_load((REPO / "environments" / rendered.env / "env.yaml").read_text())["environment"]
    served = {
        f"{crd['spec']['group']}/{version['name']}"
        for name in rendered.applications()
        for crd in rendered.objects(name)
        if crd["kind"] == "CustomResourceDefinition"
        for version in crd["spec"]["versions"]
        if version.get("served")
    }
    assert sorted(declared["apiVersions"]) == sorted(served)
    assert declared["kubeVersion"].startswith("1.33.")
