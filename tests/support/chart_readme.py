"""A chart's README.md documents every value of its values.yaml, by its dotted key."""

import yaml

from tests.support.paths import CHARTS


def value_keys(values: dict, blocks: set[str], prefix: str = ""):
    """Dotted keys of `values`; a key in `blocks` is one entry (its inside is Kubernetes' own)."""
    for key, value in values.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and value and dotted not in blocks:
            yield from value_keys(value, blocks, f"{dotted}.")
        else:
            yield dotted


def undocumented(chart: str, blocks: set[str]) -> list[str]:
    readme = (CHARTS / chart / "README.md").read_text()
    values = yaml.safe_load((CHARTS / chart / "values.yaml").read_text())
    return [key for key in value_keys(values, blocks) if f"`{key}`" not in readme]
