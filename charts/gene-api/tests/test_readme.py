"""README.md documents every value of values.yaml."""

import yaml

from tests.support.paths import CHARTS

CHART = CHARTS / "gene-api"
# Keys documented as one block in the README (their inside is Kubernetes' own schema).
BLOCKS = {
    "podSecurityContext",
    "containerSecurityContext",
    "resources",
    "migration.resources",
    "probes.startup",
    "probes.liveness",
    "probes.readiness",
    "externalSecret.secretStoreRef",
    "networkPolicy.webPodLabels",
}


def keys(values: dict, prefix: str = ""):
    for key, value in values.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and value and dotted not in BLOCKS:
            yield from keys(value, f"{dotted}.")
        else:
            yield dotted


def test_every_value_is_in_the_readme_table():
    readme = (CHART / "README.md").read_text()
    missing = [
        key for key in keys(yaml.safe_load((CHART / "values.yaml").read_text())) if f"`{key}`" not in readme
    ]
    assert not missing, f"README.md does not document {missing}"
