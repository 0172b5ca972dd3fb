"""Links and facts on every Application: Argo CD shows each `link.argocd.argoproj.io/<name>`
annotation ("title|url") among the Application's URLs and each `spec.info` entry in its
summary. Every link must target something this repository ships, read from the other side:
the app's own Ingress host, its chart's Grafana dashboard (by uid) on Grafana's Ingress host,
the runbooks' index at the revision the cluster follows; the info must say what the
Application deploys (its image as rendered, where the image came from, an add-on's chart)."""

import json
import re
from urllib.parse import urlsplit

import yaml

from tests.support.gitops import cluster_secret_stand_in, context_for, expand, repository_copy
from tests.support.paths import REPO

LINK = "link.argocd.argoproj.io/"
APPS = ("gene-api", "web", "worker")


def links(application: dict) -> dict[str, tuple[str, str]]:
    """name => (title, url) of the Application's link annotations."""
    found = {}
    for key, value in (application["metadata"].get("annotations") or {}).items():
        if key.startswith(LINK):
            title, _, url = value.partition("|")
            found[key.removeprefix(LINK)] = (title, url)
    return found


def info(application: dict) -> dict[str, str]:
    return {entry["name"]: entry["value"] for entry in application["spec"].get("info", [])}


def environment(env: str) -> dict:
    return yaml.safe_load((REPO / "environments" / env / "env.yaml").read_text())["environment"]


def ingress_hosts(rendered, application: str) -> list[str]:
    return [
        rule["host"]
        for obj in rendered.objects(application)
        if obj["kind"] == "Ingress"
        for rule in obj["spec"]["rules"]
    ]


def dashboard_uids(rendered, application: str) -> set[str]:
    """The uids of the Grafana dashboards the Application ships (ConfigMaps Grafana's sidecar
    loads: label grafana_dashboard)."""
    uids = set()
    for obj in rendered.objects(application):
        if obj["kind"] == "ConfigMap" and "grafana_dashboard" in (obj["metadata"].get("labels") or {}):
            uids |= {json.loads(text)["uid"] for text in obj["data"].values()}
    return uids


def grafana_host(rendered) -> str:
    (host,) = ingress_hosts(rendered, f"kube-prometheus-stack-{rendered.env}")
    return host


def test_every_application_links_the_runbooks_at_the_revision_its_cluster_follows(rendered):
    facts = cluster_secret_stand_in(rendered.env)["metadata"]["annotations"]
    repository = facts["platform_repo_url"].removesuffix(".git")
    for name, application in rendered.applications().items():
        title, url = links(application)["runbooks"]
        assert title == "Runbooks", name
        prefix = f"{repository}/blob/{facts['platform_repo_revision']}/"
        assert url.startswith(prefix), name
        assert (REPO / url.removeprefix(prefix)).is_file(), url


def test_every_link_is_an_https_url_argo_cd_shows(rendered):
    """Argo CD drops a link whose URL is not http(s) (settings.ValidateExternalURL)."""
    for name, application in rendered.applications().items():
        for key, (title, url) in links(application).items():
            parts = urlsplit(url)
            assert title, (name, key)
            assert parts.scheme == "https", (name, key, url)
            assert parts.netloc, (name, key, url)


def test_an_apps_link_is_its_own_ingress_host_and_only_where_it_has_one(rendered):
    for app in APPS:
        application = rendered.applications()[f"{app}-{rendered.env}"]
        hosts = ingress_hosts(rendered, f"{app}-{rendered.env}")
        if hosts:
            assert links(application)["app"] == ("Application", f"https://{hosts[0]}"), app
        else:
            assert "app" not in links(application), app
    assert any("app" in links(a) for a in rendered.applications().values())


def test_an_apps_dashboard_link_names_a_dashboard_its_chart_ships_on_grafanas_host(rendered):
    host = grafana_host(rendered)
    assert host == f"grafana.{environment(rendered.env)['domain']}"
    for app in APPS:
        name = f"{app}-{rendered.env}"
        title, url = links(rendered.applications()[name])["dashboard"]
        assert title == "Grafana dashboard", app
        parts = urlsplit(url)
        assert parts.netloc == host, app
        uid = re.fullmatch(r"/d/([A-Za-z0-9_-]+)", parts.path)[1]
        assert uid in dashboard_uids(rendered, name), (app, uid)


def test_grafana_is_linked_from_its_add_on_and_served_inside_the_vpc(rendered):
    name = f"kube-prometheus-stack-{rendered.env}"
    assert links(rendered.applications()[name])["grafana"] == ("Grafana", f"https://{grafana_host(rendered)}")
    (ingress,) = [o for o in rendered.objects(name) if o["kind"] == "Ingress"]
    annotations = ingress["metadata"]["annotations"]
    facts = cluster_secret_stand_in(rendered.env)["metadata"]["annotations"]
    assert annotations["alb.ingress.kubernetes.io/scheme"] == "internal"
    assert annotations["alb.ingress.kubernetes.io/certificate-arn"] == facts["certificate_arn"]
    assert annotations["alb.ingress.kubernetes.io/listen-ports"] == '[{"HTTPS": 443}]'
    # Grafana's own redirects and links use the same host, over https (TLS ends at the ALB).
    values = yaml.safe_load(
        (REPO / "environments" / rendered.env / "addons" / "kube-prometheus-stack.yaml").read_text()
    )
    assert values["grafana"]["grafana.ini"]["server"]["root_url"] == f"https://{grafana_host(rendered)}"


def test_an_apps_image_info_is_the_image_its_workloads_run(rendered):
    for app in APPS:
        name = f"{app}-{rendered.env}"
        images = {
            container["image"]
            for obj in rendered.objects(name)
            if obj["kind"] == "Deployment"
            for container in obj["spec"]["template"]["spec"]["containers"]
        }
        assert images == {info(rendered.applications()[name])["Image"]}, app


def test_an_apps_image_origin_info_is_what_env_yaml_records(rendered):
    origins = environment(rendered.env)["imageOrigins"]
    assert sorted(origins) == sorted(APPS)  # an entry per app, so promote has a line to write
    for app in APPS:
        shown = info(rendered.applications()[f"{app}-{rendered.env}"]).get("Image from")
        assert shown == (origins[app] or None), app


def test_an_image_origin_is_shown_as_written(tmp_path):
    """A recorded origin reaches the Application (hml's files record none today)."""
    repo = repository_copy(tmp_path / "repo")
    env_yaml = repo / "environments" / "hml" / "env.yaml"
    origin = "built from " + "a" * 40
    env_yaml.write_text(env_yaml.read_text().replace('    web: ""', f'    web: "{origin}"', 1))
    appset = yaml.safe_load((repo / "argocd" / "platform" / "apps-applicationset.yaml").read_text())
    generated = {a["metadata"]["name"]: a for a in expand(appset, context_for("hml", repo))}
    assert info(generated["web-hml"])["Image from"] == origin
    assert "Image from" not in info(generated["gene-api-hml"])


def test_an_add_ons_info_is_the_chart_and_version_its_environment_pins(rendered):
    settings = environment(rendered.env)
    for name, application in rendered.applications().items():
        addon = application["metadata"]["labels"].get("chr21.io/addon")
        if addon is None:
            continue
        (source,) = [s for s in application["spec"]["sources"] if "ref" not in s]
        if addon == "platform":
            assert info(application)["Chart"] == f"charts/platform at {source['targetRevision']}"
        else:
            chart = source.get("chart") or source["repoURL"].rsplit("/", 1)[-1]
            assert info(application)["Chart"] == f"{chart} {settings['addonVersions'][addon]}", name
            assert source["targetRevision"] == settings["addonVersions"][addon], name


def test_the_runbooks_name_grafanas_host(rendered):
    assert f"https://{grafana_host(rendered)}" in (REPO / "docs" / "runbooks" / "README.md").read_text()
