"""templates/configmap.yaml against the app (configmap_test.yaml has the rest; a settings change
rolling the pods: charts/test_app_charts.py)."""

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
