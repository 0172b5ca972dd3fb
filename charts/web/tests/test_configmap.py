"""templates/configmap.yaml: the frontend's settings, each one a variable the app reads."""

import re

from tests.support.paths import REPO

APP = REPO / "apps" / "web" / "src" / "chr21_web"


def read_variables() -> set[str]:
    """The environment variables the settings modules and gunicorn's config read."""
    sources = [*(APP / "settings").glob("*.py"), APP / "gunicorn_conf.py"]
    text = "\n".join(p.read_text() for p in sources)
    return set(re.findall(r'(?:env(?:\.\w+)?|environ\.get|environ\.setdefault)\(\s*"([A-Z_]+)"', text))


def test_every_setting_is_one_the_app_reads(render):
    data = render()["ConfigMap"]["data"]
    assert set(data) <= read_variables(), set(data) - read_variables()


def test_values_map_to_their_variables(render):
    data = render(
        {"app": {"port": 8080, "metricsPort": 9100, "workers": 3, "threads": 6, "apiTimeoutSeconds": 4}}
    )["ConfigMap"]["data"]
    assert (data["WEB_HOST"], data["WEB_PORT"], data["WEB_METRICS_PORT"]) == ("0.0.0.0", "8080", "9100")
    assert (data["WEB_WORKERS"], data["WEB_THREADS"], data["API_TIMEOUT_SECONDS"]) == ("3", "6", "4")
    assert data["MAX_UPLOAD_BYTES"] == "2147483648"  # not 2.147483648e+09


def test_the_ingress_host_is_allowed_and_trusted_for_csrf(render):
    data = render(
        {"app": {"extraAllowedHosts": ["www.chr21.example.org"]}, "ingress": {"host": "chr21.example.org"}}
    )["ConfigMap"]["data"]
    assert data["DJANGO_ALLOWED_HOSTS"] == "chr21.example.org,www.chr21.example.org"
    assert data["DJANGO_CSRF_TRUSTED_ORIGINS"] == "https://chr21.example.org,https://www.chr21.example.org"


def test_a_host_is_required(failure):
    assert "ingress.host or app.extraAllowedHosts is required" in failure({"app": {"extraAllowedHosts": []}})


def test_a_settings_change_rolls_the_pods(render):
    before = render()["Deployment"]["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
    after = render({"app": {"apiTimeoutSeconds": 3}})["Deployment"]["spec"]["template"]["metadata"]
    assert after["annotations"]["checksum/config"] != before
