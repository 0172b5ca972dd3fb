"""Production settings refuse to start without their secrets, and turn on what the ALB and the
browser need (secure cookies, HSTS, the forwarded protocol); the tests' settings are not them."""

import os
import subprocess
import sys

import pytest

SECRET = "s" * 64
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "chr21_web.settings.production",
    "DJANGO_SECRET_KEY": SECRET,
    "DJANGO_ALLOWED_HOSTS": "chr21.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://chr21.example.org",
    "WEB_DATABASE_URL": "postgres://web@db.example.org:5432/web",
    "TOKEN_SIGNING_KEY": "k" * 32,
}
SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
    "s.SECURE_PROXY_SSL_HEADER, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'])"
)


def settings_of(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "WEB_"))}
    return subprocess.run([sys.executable, "-c", SHOW], env={**clean, **env}, capture_output=True, text=True)


def test_production_turns_on_what_the_alb_and_browsers_need():
    shown = settings_of(PRODUCTION)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split(" ", 4)[:4] == ["False", "True", "True", "31536000"]
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in shown.stdout
    assert "['chr21.example.org']" in shown.stdout
    assert "postgresql" in shown.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY"),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS"),
        ("DJANGO_CSRF_TRUSTED_ORIGINS", "DJANGO_CSRF_TRUSTED_ORIGINS"),
        ("TOKEN_SIGNING_KEY", "TOKEN_SIGNING_KEY"),
    ],
)
def test_production_refuses_to_start_without_a_setting(missing, message):
    shown = settings_of({k: v for k, v in PRODUCTION.items() if k != missing})
    assert shown.returncode != 0
    assert message in shown.stderr


def test_production_refuses_a_short_or_the_local_secret_key():
    assert "at least 50 characters" in settings_of({**PRODUCTION, "DJANGO_SECRET_KEY": "short"}).stderr
    assert "at least 32 bytes" in settings_of({**PRODUCTION, "TOKEN_SIGNING_KEY": "short"}).stderr


PROBE_AND_PAGES = (
    "import django; django.setup(); from django.core.management import call_command; "
    "call_command('migrate', verbosity=0); call_command('collectstatic', verbosity=0, interactive=False); "
    "from django.test import Client; c = Client(); "
    "pod = {'HTTP_HOST': '10.1.2.3:8000'}; site = {'HTTP_HOST': 'chr21.example.org'}; "
    "print(c.get('/healthz', **pod).status_code, c.get('/readyz', **pod).status_code, "
    "c.get('/', **pod).status_code, c.get('/genes/', **site).status_code, "
    "c.get('/genes/', **site, HTTP_X_FORWARDED_PROTO='https').status_code)"
)


def test_probes_answer_the_kubelet_by_pod_ip_over_http_where_pages_do_not(tmp_path):
    # The kubelet and the ALB's health checks ask http://<pod IP>:8000/...: a Host production
    # refuses (400) for pages, and plain HTTP, which it redirects to HTTPS (301).
    env = {
        **PRODUCTION,
        "WEB_DATABASE_URL": f"sqlite:///{tmp_path}/web.sqlite3",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "API_URL": "http://127.0.0.1:9",
    }
    shown = subprocess.run(
        [sys.executable, "-c", PROBE_AND_PAGES],
        env={**{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "WEB_"))}, **env},
        capture_output=True,
        text=True,
    )
    assert shown.returncode == 0, shown.stderr
    # The last line: the log's JSON lines (the refusals, the API down) are on stdout before it.
    assert shown.stdout.splitlines()[-1].split() == ["200", "200", "400", "301", "503"]
