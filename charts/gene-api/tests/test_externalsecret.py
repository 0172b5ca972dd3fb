"""templates/externalsecret.yaml: DATABASE_URL from AWS Secrets Manager, ready before the PreSync Job."""

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_chart, render_error, render_one

DB = {
    **REQUIRED["gene-api"],
    "database": {"host": "genes.cluster-x.eu-west-1.rds.amazonaws.com", "port": 5432, "name": "genes"},
}


def external_secret(values=None):
    return render_one(
        "ExternalSecret", values={**DB, **(values or {})}, show_only=["templates/externalsecret.yaml"]
    )


def test_is_a_presync_hook_in_an_earlier_wave_than_the_migration():
    secret_annotations = external_secret()["metadata"]["annotations"]
    job = render_one("Job", values=DB)
    assert secret_annotations["argocd.argoproj.io/hook"] == "PreSync"
    assert int(secret_annotations["argocd.argoproj.io/sync-wave"]) < int(
        job["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]
    )
    assert not any(key.startswith("helm.sh/hook") for key in secret_annotations)


def test_writes_the_secret_the_pods_read_and_keeps_it_through_hook_replacement():
    target = external_secret()["spec"]["target"]
    assert target["name"] == "gene-api"
    assert (target["creationPolicy"], target["deletionPolicy"]) == ("Orphan", "Retain")


def test_database_url_is_templated_from_the_credentials_and_values():
    spec = external_secret()["spec"]
    url = spec["target"]["template"]["data"]["DATABASE_URL"]
    assert url == (
        "postgresql+psycopg://{{ .username | urlquery }}:{{ .password | urlquery }}"
        "@genes.cluster-x.eu-west-1.rds.amazonaws.com:5432/genes"
    )
    remote = {item["secretKey"]: item["remoteRef"] for item in spec["data"]}
    assert remote["username"] == {"key": "chr21/gene-api/database", "property": "username"}
    assert remote["password"] == {"key": "chr21/gene-api/database", "property": "password"}
    assert remote["tokenSigningKey"] == {"key": "chr21/gene-api/token-signing-key"}


def test_store_from_values():
    store = external_secret({"externalSecret": {"secretStoreRef": {"name": "team", "kind": "SecretStore"}}})
    assert store["spec"]["secretStoreRef"] == {"name": "team", "kind": "SecretStore"}


def test_database_host_is_required():
    assert "database.host is required" in render_error(values={})


def test_can_be_replaced_by_a_secret_you_manage():
    objects = render_chart(values={"pipeline": DB["pipeline"], "externalSecret": {"enabled": False}})
    assert not [o for o in objects if o["kind"] == "ExternalSecret"]
