"""The frontend's Prometheus metrics: by view name, method and status, with labels no request
can multiply (chr21_web/metrics.py). The summed metrics of gunicorn's workers are checked on
the running stack (tests/test_make_run.py)."""

from prometheus_client import REGISTRY


def samples(name: str) -> list[dict[str, str]]:
    return [s.labels for metric in REGISTRY.collect() for s in metric.samples if s.name == name]


def count(name: str, **labels: str) -> float:
    return sum(
        s.value
        for metric in REGISTRY.collect()
        for s in metric.samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


def test_a_page_is_counted_by_view_method_and_status(client, with_api):
    gene_pages = {"view": "gene", "method": "GET", "status": "200"}
    before = count("django_http_responses_total_by_status_view_method_total", **gene_pages)
    assert client.get("/genes/ENSG00000142192/").status_code == 200
    assert count("django_http_responses_total_by_status_view_method_total", **gene_pages) == before + 1
    assert count("django_http_requests_latency_seconds_by_view_method_count", view="gene", method="GET") >= 1


def test_an_invented_method_makes_no_series_of_its_own(client):
    for method in ("BREW", "X-ATTACK-1", "X-ATTACK-2"):
        client.generic(method, "/genes/")
    for name in (
        "django_http_requests_total_by_method_total",
        "django_http_responses_total_by_status_view_method_total",
        "django_http_requests_latency_seconds_by_view_method_count",
    ):
        methods = {labels["method"] for labels in samples(name)}
        assert not methods & {"BREW", "X-ATTACK-1", "X-ATTACK-2"}, name
        assert "<invalid method>" in methods, name


def test_a_url_no_view_has_is_one_series_whatever_the_path(client):
    for path in ("/no/such/page", "/another/one", "/x" * 50):
        assert client.get(path).status_code == 404
    views = {labels["view"] for labels in samples("django_http_responses_total_by_status_view_method_total")}
    assert not any("/" in view for view in views)
    assert "<unnamed view>" in views
