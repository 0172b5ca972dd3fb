"""`make test` (scripts/check.py) fails on a broken file and names it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def check(tree: Path, *names: str) -> subprocess.CompletedProcess:
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    for config in ("pyproject.toml", ".yamllint.yaml"):
        shutil.copy(REPO / config, tree / config)
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / "check.py"), "--root", str(tree), *names],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("check_name", "file_name", "content"),
    [
        ("yamllint", "environments/broken.yaml", "key: [unclosed\n"),
        ("shellcheck", "scripts/broken", "#!/usr/bin/env bash\necho $undefined_var_unquoted\n"),
        ("ruff", "apps/broken.py", "import os\n"),
        ("hadolint", "apps/x/Dockerfile", "FROM python:latest\nRUN cd /tmp\n"),
        ("actionlint", ".github/workflows/broken.yaml", "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n"),
    ],
)
def test_a_broken_file_fails_the_check_and_is_named(tmp_path, check_name, file_name, content):
    broken = tmp_path / file_name
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text(content)
    result = check(tmp_path, check_name)
    assert result.returncode == 1, result.stdout
    assert file_name in result.stdout
    assert f"checks: 0 passed, 1 failed: {check_name}" in result.stdout


def test_a_clean_tree_passes(tmp_path):
    (tmp_path / "ok.yaml").write_text("key: value\n")
    (tmp_path / "ok.py").write_text('"""Fine."""\n')
    result = check(tmp_path, "yamllint", "ruff")
    assert result.returncode == 0, result.stdout
    assert "checks: 2 passed, 0 failed" in result.stdout


def test_unknown_check_is_refused(tmp_path):
    result = check(tmp_path, "nosuchcheck")
    assert result.returncode == 2
    assert "unknown check nosuchcheck" in result.stderr
