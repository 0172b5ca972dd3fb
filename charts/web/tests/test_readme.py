"""README.md documents every value of values.yaml."""

from tests.support.chart_readme import undocumented

# Keys documented as one block in the README (their inside is Kubernetes' own schema).
BLOCKS = {
    "podSecurityContext",
    "containerSecurityContext",
    "resources",
    "migration.resources",
    "networkPolicy.apiPodLabels",
    "probes.startup",
    "probes.liveness",
    "probes.readiness",
    "externalSecret.secretStoreRef",
}


def test_every_value_is_in_the_readme_table():
    missing = undocumented("web", BLOCKS)
    assert not missing, f"README.md does not document {missing}"
