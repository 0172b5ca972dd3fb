"""Reading a Prometheus /metrics page the way Prometheus does (prometheus_client's parser)."""

from prometheus_client.parser import text_string_to_metric_families


def sample_values(page: str, name: str, **labels: str) -> list[float]:
    """The values of the samples called `name` whose labels include `labels`."""
    return [
        sample.value
        for family in text_string_to_metric_families(page)
        for sample in family.samples
        if sample.name == name and labels.items() <= sample.labels.items()
    ]
