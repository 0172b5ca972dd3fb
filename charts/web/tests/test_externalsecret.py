"""templates/externalsecret.yaml: the database URL, Django's secret key and the gene API's
token signing key from AWS Secrets Manager."""

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_one


def test_writes_the_three_keys_the_pods_read(render):
    spec = render({"database": {"host": "web.cluster-x.rds.amazonaws.com", "port": 5432, "name": "web"}})[
        "ExternalSecret"
    ]["spec"]
    assert spec["target"]["name"] == "web"
    assert spec["target"]["template"]["data"] == {
        "WEB_DATABASE_URL": "postgres://{{ .username | urlquery }}:{{ .password | urlquery }}"
        "@web.cluster-x.rds.amazonaws.com:5432/web",
        "DJANGO_SECRET_KEY": "{{ .djangoSecretKey }}",
        "TOKEN_SIGNING_KEY": "{{ .tokenSigningKey }}",
    }
    remote = {item["secretKey"]: item["remoteRef"] for item in spec["data"]}
    assert remote == {
        "username": {"key": "chr21/web/database", "property": "username"},
        "password": {"key": "chr21/web/database", "property": "password"},
        "djangoSecretKey": {"key": "chr21/web/django-secret-key"},
        "tokenSigningKey": {"key": "chr21/gene-api/token-signing-key"},
    }


def test_signs_with_the_key_the_gene_api_checks_with(render):
    # The frontend mints the tokens the API verifies: both read one Secrets Manager secret.
    api = render_one(
        "ExternalSecret", values=REQUIRED["gene-api"], show_only=["templates/externalsecret.yaml"]
    )
    api_key = {i["secretKey"]: i["remoteRef"] for i in api["spec"]["data"]}["tokenSigningKey"]
    web_key = {i["secretKey"]: i["remoteRef"] for i in render()["ExternalSecret"]["spec"]["data"]}[
        "tokenSigningKey"
    ]
    assert web_key == api_key


def test_database_host_is_required(failure):
    assert "database.host is required" in failure({"database": {"host": ""}})


def test_can_be_replaced_by_a_secret_you_manage(render):
    assert "ExternalSecret" not in render({"externalSecret": {"enabled": False}, "database": {"host": ""}})
