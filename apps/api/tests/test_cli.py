"""`gene-api` commands: migrate and seed, and one clear line with exit 1 on a user's error."""

import os
import subprocess
import sys

import pytest

from gene_api import migrate
from gene_api.cli import main


def gene_api(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Runs the installed command as a user would, in its own process."""
    command = [sys.executable, "-m", "gene_api.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env={**os.environ, **env}, check=False)


@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
def test_upgrade_then_seed_twice(empty_database_url):
    upgraded = gene_api("db", "upgrade", DATABASE_URL=empty_database_url)
    assert f"revision {migrate.head_revision()}" in upgraded.stdout
    first = gene_api("db", "seed", DATABASE_URL=empty_database_url)
    assert "1134 inserted" in first.stdout
    second = gene_api("db", "seed", DATABASE_URL=empty_database_url)
    assert "0 inserted, 0 updated, 0 deleted, 1134 unchanged" in second.stdout


def test_unreachable_database_is_one_line_and_exit_1():
    result = gene_api(
        "db", "upgrade", DATABASE_URL="postgresql+psycopg://u:secret@127.0.0.1:9/db?connect_timeout=2"
    )
    assert result.returncode == 1
    assert result.stderr.startswith("gene-api: error: database 127.0.0.1:9/db")
    assert "Traceback" not in result.stderr
    assert "secret" not in result.stderr


def test_unreadable_data_file(tmp_path):
    url = f"sqlite:///{tmp_path}/db.sqlite3"
    gene_api("db", "upgrade", DATABASE_URL=url)
    result = gene_api("db", "seed", "--file", str(tmp_path / "missing.csv"), DATABASE_URL=url)
    assert result.returncode == 1
    assert "missing.csv: cannot read" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_setting_is_named():
    result = gene_api("db", "upgrade", API_PORT="not-a-port")
    assert result.returncode == 1
    assert "invalid setting: API_PORT" in result.stderr


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["nope"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["jobs", "fail", "../../etc/passwd", "--reason", "x"], "is not a job id (a UUID)"),
        (["jobs", "fail", "00000000-0000-4000-8000-000000000009", "--reason", "   "], "a reason of 1 to 500"),
        (
            ["jobs", "fail", "00000000-0000-4000-8000-000000000009", "--reason", "x" * 501],
            "a reason of 1 to 500",
        ),
        (["jobs", "stuck", "--older-than", "0"], "between 1 second and a year"),
        (["jobs", "stuck", "--older-than", "soon"], "is not a number of seconds"),
        (["jobs", "failed", "--limit", "100000"], "invalid choice"),
    ],
)
def test_on_call_job_commands_refuse_what_is_not_theirs_to_take(args, says, tmp_path):
    result = gene_api(*args, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    assert result.returncode == 2
    assert says in result.stderr
    assert "Traceback" not in result.stderr


def test_failing_a_job_that_does_not_exist_is_one_line_and_exit_1(tmp_path):
    url = f"sqlite:///{tmp_path}/db.sqlite3"
    assert gene_api("db", "upgrade", DATABASE_URL=url).returncode == 0
    result = gene_api(
        "jobs", "fail", "00000000-0000-4000-8000-000000000009", "--reason", "lost", DATABASE_URL=url
    )
    assert result.returncode == 1
    assert result.stderr == "gene-api: error: no job 00000000-0000-4000-8000-000000000009\n"
