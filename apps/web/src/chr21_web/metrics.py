"""Prometheus metrics of the frontend: django-prometheus's request, response and latency
metrics by view name, method and status.

Every label comes from a fixed set, so no request can create a series: views are the URL
names of urls.py ("<unnamed view>" for what matches none), and a method outside HTTP's own
counts as "<invalid method>" in every metric (django-prometheus leaves the raw method in its
latency histogram; `label_metric` below is the one place every label passes through).
Under gunicorn each worker is its own process; they write to PROMETHEUS_MULTIPROC_DIR and the
master serves the sum on WEB_METRICS_PORT (gunicorn_conf.py), a port the Ingress never routes.
"""

from django_prometheus.middleware import PrometheusAfterMiddleware


class BoundedLabelsAfterMiddleware(PrometheusAfterMiddleware):
    def label_metric(self, metric, request, response=None, **labels):
        if "method" in labels:
            labels["method"] = self._method(request)
        return super().label_metric(metric, request, response, **labels)
