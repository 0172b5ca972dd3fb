"""The hand-off from terraform-bootstrap to Argo CD, both ways: the cluster secret Terraform
writes carries exactly the labels and annotations of its offline stand-ins
(argocd/cluster-secrets/<env>.yaml), which are exactly what the ApplicationSets read; every
IAM role a rendered ServiceAccount names is one Terraform makes, trusting that service account;
every Secrets Manager secret a rendered ExternalSecret reads is one Terraform makes, and every one
it makes is read, holding the keys its readers take; Argo CD's first install
is the chart and values file the argo-cd Application syncs, and the root Application is
argocd/bootstrap/root-app.yaml."""

import re

import pytest
import yaml

from tests.support.gitops import (
    applications,
    cluster_secret_keys_read,
    cluster_secret_stand_in,
    environments,
)
from tests.support.helm import render_chart
from tests.support.paths import REPO
from tests.support.terraform import (
    BOOTSTRAP,
    alert_receivers_secret,
    blocks,
    evaluate,
    locals_,
    locals_blocks,
    plain,
    resources,
    tfvars,
    unquoted,
)

ENVIRONMENTS = environments(REPO)
VARIABLES = blocks("variable")


def variable(environment: str, name: str):
    """A variable's value in an environment: its tfvars, else its default."""
    return plain(tfvars(environment).get(name, VARIABLES[name].get("default")))


def written_by_terraform(environment: str) -> set[tuple[str, str]]:
    values = locals_()
    labels = {unquoted(key) for key in values["cluster_secret_base_labels"]}
    labels |= {f"enable_{unquoted(addon)}" for addon in variable(environment, "addons")}
    annotations = {unquoted(key) for key in values["cluster_secret_annotations"]}
    return {("label", key) for key in labels} | {("annotation", key) for key in annotations}


def read_by_applicationsets() -> set[tuple[str, str]]:
    # And Argo CD's own: what makes a Secret a cluster.
    return cluster_secret_keys_read() | {("label", "argocd.argoproj.io/secret-type")}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_terraform_writes_exactly_the_keys_of_the_stand_in(environment):
    metadata = cluster_secret_stand_in(environment)["metadata"]
    stand_in_keys = {("label", k) for k in metadata["labels"]} | {
        ("annotation", k) for k in metadata["annotations"]
    }
    assert written_by_terraform(environment) == stand_in_keys


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_everything_written_is_read_and_everything_read_is_written(environment):
    written, read = written_by_terraform(environment), read_by_applicationsets()
    assert read <= written, f"read but never written: {sorted(read - written)}"
    assert written <= read, f"written but read by nothing: {sorted(written - read)}"


def irsa_role(role_name: str, environment: str) -> tuple[str, str]:
    """(namespace, service account) the Terraform role of that name trusts."""
    prefix = f"chr21-{environment}-"
    assert role_name.startswith(prefix), role_name
    key = role_name.removeprefix(prefix)
    roles = locals_()["irsa_roles"]
    assert key in roles, f"no role {role_name} in Terraform"
    role = roles[key]
    return unquoted(role["namespace"]).replace(
        "${var.apps_namespace}", variable(environment, "apps_namespace")
    ), unquoted(role["service_account"])


def test_every_role_a_service_account_names_exists_and_trusts_that_service_account(rendered):
    applications = rendered.applications()
    annotated = 0
    for name, application in applications.items():
        for obj in rendered.objects(name):
            if obj["kind"] != "ServiceAccount":
                continue
            arn = (obj["metadata"].get("annotations") or {}).get("eks.amazonaws.com/role-arn")
            if not arn:
                continue
            namespace = obj["metadata"].get("namespace") or application["spec"]["destination"]["namespace"]
            trusted = irsa_role(arn.rsplit("/", 1)[-1], rendered.env)
            assert trusted == (namespace, obj["metadata"]["name"]), f"{name}: {arn}"
            annotated += 1
    assert annotated >= 6  # gene-api, worker, web, the load balancer controller, External Secrets, KEDA


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_database_secrets_are_where_the_charts_read_them(environment):
    made = {f"chr21/{environment}/{user}/database" for user in variable(environment, "database_users")}
    assert (
        'name       = "chr21/${var.environment}/${each.key}/database"'
        in (BOOTSTRAP / "aurora.tf").read_text()
    )
    read = set()
    for path in sorted((REPO / "environments" / environment / "apps").glob("*.yaml")):
        key = (yaml.safe_load(path.read_text()) or {}).get("externalSecret", {}).get("databaseCredentialsKey")
        if key:
            read.add(key)
    assert read == made


@pytest.mark.parametrize("environment", environments(REPO))
def test_argo_cds_first_install_is_the_chart_and_values_of_its_own_application(environment):
    text = (BOOTSTRAP / "argocd.tf").read_text()
    assert 'file("${path.module}/../environments/${var.environment}/addons/argo-cd.yaml")' in text
    first_install = evaluate(
        "{repository = local.argo_cd.repoURL, chart = local.argo_cd.chart, version = local.argo_cd_version}",
        environment,
        [locals_blocks(BOOTSTRAP / "argocd.tf")[0]],
    )
    name = f"argo-cd-{environment}"
    (application,) = [a for a in applications(environment) if a["metadata"]["name"] == name]
    chart = application["spec"]["sources"][0]
    assert first_install == {
        "repository": chart["repoURL"],
        "chart": chart["chart"],
        "version": chart["targetRevision"],
    }


def test_the_root_application_is_the_one_in_git():
    root = yaml.safe_load((REPO / "argocd" / "bootstrap" / "root-app.yaml").read_text())
    objects = render_chart(
        chart=BOOTSTRAP / "charts" / "resources", release="root", values={"resources": [root]}
    )
    assert objects == [root]


def secrets_read(rendered) -> dict[str, set[str]]:
    """Secrets Manager key => the properties read of it ("" for the whole value, "*" for all
    of a JSON secret's keys), over every ExternalSecret the environment renders."""
    read: dict[str, set[str]] = {}
    for application in rendered.applications():
        for obj in rendered.objects(application):
            if obj["kind"] != "ExternalSecret":
                continue
            for item in obj["spec"].get("data", []):
                read.setdefault(item["remoteRef"]["key"], set()).add(item["remoteRef"].get("property", ""))
            for item in obj["spec"].get("dataFrom", []):
                read.setdefault(item["extract"]["key"], set()).add("*")
    return read


def secrets_made(environment: str) -> set[str]:
    values = locals_()
    made = {f"chr21/{environment}/{user}/database" for user in variable(environment, "database_users")}
    others = {unquoted(k) for k in values["generated_keys"]} | {unquoted(k) for k in values["json_secrets"]}
    assert 'name       = "chr21/${var.environment}/${each.key}"' in (BOOTSTRAP / "secrets.tf").read_text()
    return made | {f"chr21/{environment}/{name}" for name in others}


def test_every_secret_read_is_made_and_every_one_made_is_read(rendered):
    assert set(secrets_read(rendered)) == secrets_made(rendered.env)


def test_the_json_secrets_hold_what_their_readers_take(rendered):
    """Grafana's admin Secret: the keys Grafana's pod reads; the receivers': the files
    Alertmanager's receivers read."""
    kube_prometheus_stack = rendered.objects(f"kube-prometheus-stack-{rendered.env}")
    grafana_keys = {
        env["valueFrom"]["secretKeyRef"]["key"]
        for obj in kube_prometheus_stack
        if obj["kind"] == "Deployment"
        for container in obj["spec"]["template"]["spec"]["containers"]
        for env in container.get("env", [])
        if env.get("valueFrom", {}).get("secretKeyRef", {}).get("name") == "grafana-admin"
    }
    grafana = locals_()["json_secrets"]['"grafana/admin"']
    assert grafana_keys == {"admin-user", "admin-password"} == set(grafana)
    # What Terraform writes for this environment's receivers (prod pages: a PagerDuty key too).
    receivers = {"slack_webhook_url": "https://hooks.slack.com/services/T/B/X"}
    if rendered.env == "prod":
        receivers["pagerduty_routing_key"] = "R0UT1NGKEY"
    made = set(alert_receivers_secret(rendered.env, receivers))
    config = (REPO / "environments" / rendered.env / "addons" / "kube-prometheus-stack.yaml").read_text()
    files = set(re.findall(r"/etc/alertmanager/secrets/alertmanager-receivers/([a-z-]+)", config))
    assert files
    assert files <= made, sorted(files - made)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_stand_ins_data_is_what_terraform_writes(environment):
    """Argo CD reaches its own cluster in-cluster (no awsAuthConfig: it calls no AWS API,
    terraform-bootstrap/README.md, "Who calls AWS, as whom")."""
    data = {
        key: unquoted(value) for key, value in resources("kubernetes_secret_v1")["cluster"]["data"].items()
    }
    assert data == {
        "name": "${local.name}",
        "server": "https://kubernetes.default.svc",
        "config": "${jsonencode({tlsClientConfig = {insecure = false}})}",
    }
    written = cluster_secret_stand_in(environment)["stringData"]
    assert written == {
        "name": f"chr21-{environment}",
        "server": data["server"],
        "config": '{"tlsClientConfig": {"insecure": false}}',
    }
