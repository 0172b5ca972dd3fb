"""templates/configmap.yaml against the app, and across renders (configmap_test.yaml has the rest)."""

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


def test_a_settings_change_rolls_the_pods(render):
    # Two renders compared: helm-unittest asserts one render at a time (deployment_test.yaml
    # checks the annotation is a sha256; only a pinned hash could say it changes).
    before = render()["Deployment"]["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
    after = render({"app": {"apiTimeoutSeconds": 3}})["Deployment"]["spec"]["template"]["metadata"]
    assert after["annotations"]["checksum/config"] != before
