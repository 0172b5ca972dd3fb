"""templates/externalsecret.yaml against the gene-api chart (externalsecret_test.yaml has the rest)."""

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_one


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
