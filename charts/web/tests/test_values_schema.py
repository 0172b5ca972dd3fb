"""values.schema.json refuses what would deploy a broken frontend, naming the value."""

import pytest


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"app": {"threads": 0}}, "app.threads"),
        ({"app": {"typo": 1}}, "Additional property typo"),
        ({"app": {"apiUrl": "gene-api"}}, "app.apiUrl"),
        ({"app": {"extraAllowedHosts": ["https://chr21.example.org"]}}, "app.extraAllowedHosts"),
        ({"app": {"uploadsSizeLimit": "lots"}}, "app.uploadsSizeLimit"),
        ({"ingress": {"host": "Chr21 Example"}}, "ingress.host"),
        ({"networkPolicy": {"apiPodLabels": {"app.kubernetes.io/name": 1}}}, "networkPolicy.apiPodLabels"),
        ({"image": {"digest": "latest"}}, "image.digest"),
    ],
)
def test_bad_values_are_refused_by_name(failure, values, message):
    assert message in failure(values)
