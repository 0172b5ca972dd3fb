"""The frontend's own tables are PostgreSQL's in production: its suite (views, forms, the API
client, settings; the browser tests run on the stack's own database) passes there too. pytest-django
makes and drops its test database on the loopback server (TEST_POSTGRES_URL names another)."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import make_url

from tests.support.databases import postgres_admin_url
from tests.support.paths import REPO

HERE = Path(__file__).resolve().parent


def test_the_suite_passes_on_postgresql(tmp_path):
    # pytest-django creates test_<name> beside it and drops it at the end.
    url = make_url(postgres_admin_url()).set(drivername="postgres", database="chr21_web")
    env = {**os.environ, "WEB_TEST_DATABASE_URL": url.render_as_string(hide_password=False)}
    others = [str(HERE / "test_on_postgresql.py"), str(HERE / "test_in_a_browser.py")]
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider", str(HERE)]
    command += [f"--ignore={path}" for path in others] + ["--create-db", f"--basetemp={tmp_path}"]
    run = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout.splitlines()[-1]
    assert "failed" not in run.stdout.splitlines()[-1]
