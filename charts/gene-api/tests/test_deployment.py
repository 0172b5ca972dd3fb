"""templates/deployment.yaml, what one render cannot show: a settings change rolls the pods.

The rest of the Deployment's tests are helm-unittest's (deployment_test.yaml); an assertion there
sees one render, and this compares two.
"""

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_one

DB = REQUIRED["gene-api"]


def config_checksum(values=None):
    deployment = render_one(
        "Deployment", values={**DB, **(values or {})}, show_only=["templates/deployment.yaml"]
    )
    return deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"]


def test_a_settings_change_rolls_the_pods():
    assert config_checksum() != config_checksum({"app": {"logLevel": "DEBUG"}})
