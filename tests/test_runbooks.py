"""docs/runbooks: every command of this repository's that a runbook gives (gitops, scripts/..., and
gene-api's, whether run here or in a pod through `kubectl exec ... --`) is run here as written,
in a copy of the repository or against a throwaway database, and does what the page says. A
new command in a runbook fails test_every_command_of_ours_is_run_here until it is run below;
every runbook is in the index, and the index links only runbooks that exist."""

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from chr21_common.db import make_engine
from chr21_common.jobs.state import JobStore
from chr21_common.models import Job
from gene_api.core.config import Settings
from tests.support.gitops import git, repository_copy
from tests.support.paths import REPO, helm_charts_dir
from tests.support.terraform import locals_, resources, unquoted

RUNBOOKS = REPO / "docs" / "runbooks"
OURS = ("scripts/", "gitops ", "terraform-bootstrap ", "images ", "gene-api ", "annotator ", "chr21-web ")
IN_A_POD = re.compile(r"^kubectl -n \S+ exec deploy/\S+ -- (.+)$")
VENV_BIN = Path(sys.executable).parent


def shell_blocks(path: Path) -> list[list[str]]:
    return [block.strip().splitlines() for block in re.findall(r"```sh\n(.*?)```", path.read_text(), re.S)]


def ours(line: str) -> str | None:
    """The command of ours a runbook line runs (the part after `kubectl exec ... --`), if any."""
    line = line.strip()
    match = IN_A_POD.match(line)
    command = match[1] if match else line
    return command if command.startswith(OURS) else None


def commands_of_ours() -> dict[str, str]:
    """Each command of ours => the runbook it is in."""
    return {
        command: path.name
        for path in sorted(RUNBOOKS.glob("*.md"))
        for block in shell_blocks(path)
        for command in map(ours, block)
        if command
    }


def run(command: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """A runbook line as a shell runs it, with the workspace's commands on PATH."""
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command],
        cwd=cwd,
        env={
            **os.environ,
            "PATH": f"{VENV_BIN}:{os.environ['PATH']}",
            # A copy of the repository elsewhere finds the chart archives where this checkout does.
            "HELM_CHARTS_DIR": str(helm_charts_dir()),
            **(env or {}),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )


# ---- the jobs table (stuck-or-failing-job.md, database-failover.md, failed-migration.md)

STUCK = "gene-api jobs stuck --older-than 3600"
FAIL = 'gene-api jobs fail <job-id> --reason "stopped by on-call: its runner was lost; submit the file again"'
FAILED = "gene-api jobs failed --since 3600"
UPGRADE = "gene-api db upgrade"
RECOVER = "gene-api jobs recover"


@pytest.fixture
def jobs_database(tmp_path) -> tuple[dict, JobStore, dict[str, str]]:
    """A database as on-call finds it: a job running for two hours (its runner lost), one
    queued a minute ago, one failed ten minutes ago on a bad line."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/jobs.sqlite3"}
    assert run(UPGRADE, tmp_path, env).returncode == 0
    store = JobStore(make_engine(Settings(database_url=env["DATABASE_URL"])))
    now = datetime.now(UTC)
    ids = {}
    for name, created in (("lost", now - timedelta(hours=2)), ("new", now - timedelta(minutes=1))):
        ids[name] = f"{len(ids):08d}-0000-4000-8000-000000000000"
        store.create(ids[name], "alice", f"{name}.bed", "bed", 10)
        with store.engine.begin() as connection:
            connection.execute(update(Job).where(Job.id == ids[name]).values(created_at=created))
    store.start(ids["lost"], timedelta(minutes=1))
    with store.engine.begin() as connection:
        connection.execute(
            update(Job)
            .where(Job.id == ids["lost"])
            .values(started_at=now - timedelta(hours=2), heartbeat_at=now - timedelta(hours=2))
        )
    ids["bad"] = "00000002-0000-4000-8000-000000000000"
    store.create(ids["bad"], "bob", "bad.bed", "bed", 10)
    store.fail(ids["bad"], "line 3: the end is before the start", 3)
    return env, store, ids


def test_on_call_finds_the_stuck_job_fails_it_and_reads_the_failures(jobs_database, tmp_path):
    env, store, ids = jobs_database
    found = run(STUCK, tmp_path, env)
    assert found.returncode == 0, found.stderr
    assert ids["lost"] in found.stdout
    assert ids["new"] not in found.stdout
    assert "running" in found.stdout
    failed = run(FAIL.replace("<job-id>", ids["lost"]), tmp_path, env)
    assert failed.returncode == 0, failed.stderr
    job = store.get(ids["lost"])
    assert job.status == "failed"
    assert job.error == "stopped by on-call: its runner was lost; submit the file again"
    assert "no job queued or running for over 3600 s" in run(STUCK, tmp_path, env).stdout
    again = run(FAIL.replace("<job-id>", ids["lost"]), tmp_path, env)
    assert again.returncode == 0
    assert "was already failed; left as it is" in again.stdout
    latest = run(FAILED, tmp_path, env)
    assert latest.returncode == 0, latest.stderr
    assert ids["bad"] in latest.stdout
    assert "line 3: the end is before the start (line 3)" in latest.stdout
    assert ids["lost"] in latest.stdout


def test_a_recovery_round_hands_back_the_silent_job_and_sends_it_again(jobs_database, tmp_path):
    env, store, ids = jobs_database
    broker = tmp_path / "broker"
    done = run(RECOVER, tmp_path, {**env, "BROKER_FOLDER": str(broker)})
    assert done.returncode == 0, done.stderr
    assert done.stdout == "recovered: 1 jobs silent for 60 s handed back, 1 jobs sent again\n"
    assert store.get(ids["lost"]).status == "queued"
    assert store.get(ids["new"]).status == "queued"  # queued a minute ago: its message is not lost
    assert len(list((broker / "queue").iterdir())) == 1


def test_the_migration_runs_twice_changing_nothing_the_second_time(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/m.sqlite3"}
    first, second = run(UPGRADE, tmp_path, env), run(UPGRADE, tmp_path, env)
    assert first.returncode == second.returncode == 0
    assert first.stdout.startswith("gene-api: database at revision ")
    assert second.stdout == first.stdout


# ---- the repository (roll-back-a-release.md, scaling.md, noisy-alert.md)

ROLLBACK = "gitops rollback gene-api prod"
DIFF = "gitops diff main HEAD prod"
RENDER = "gitops render prod out/prod"


@pytest.fixture
def repo(tmp_path) -> Path:
    return repository_copy(tmp_path / "repo")


def set_line(path: Path, pattern: str, line: str) -> None:
    text = path.read_text()
    changed = re.sub(pattern, line, text, count=1, flags=re.MULTILINE)
    assert changed != text, pattern
    path.write_text(changed)


def test_a_bad_release_is_rolled_back_as_the_runbook_says(repo):
    hml = repo / "environments" / "hml" / "apps" / "gene-api.yaml"
    set_line(hml, r'^  tag: ".*"$', '  tag: "0.9.0"')
    git(repo, "commit", "--quiet", "-am", "hml runs 0.9.0")
    assert run("gitops promote gene-api --from hml --to prod", repo).returncode == 0
    result = run(ROLLBACK, repo)
    assert result.returncode == 0, result.stderr
    prod = (repo / "environments" / "prod" / "apps" / "gene-api.yaml").read_text()
    assert 'tag: "0.9.0"' not in prod
    assert "Next: push this commit; sync gene-api-prod" in result.stdout


def test_a_size_change_is_seen_rendered_before_it_is_synced(repo):
    git(repo, "switch", "--quiet", "-c", "scale-worker-prod")
    set_line(
        repo / "environments" / "prod" / "apps" / "worker.yaml",
        r"^  maxReplicaCount: \d+$",
        "  maxReplicaCount: 17",
    )
    git(repo, "commit", "--quiet", "-am", "prod: workers up to 17")
    result = run(DIFF, repo)
    assert result.returncode == 0, result.stderr
    assert "+  maxReplicaCount: 17" in result.stdout


def test_a_threshold_is_read_as_prometheus_will_get_it(repo):
    block = next(b for b in shell_blocks(RUNBOOKS / "noisy-alert.md") if b[0] == RENDER)
    result = run("\n".join(block), repo)
    assert result.returncode == 0, result.stderr
    assert "alert: WorkerQueueBacklogOld" in result.stdout
    assert "gene_api_jobs_oldest_queued_seconds" in result.stdout


# ---- the pages themselves

RUN_HERE = {STUCK, FAIL, FAILED, RECOVER, UPGRADE, ROLLBACK, DIFF, RENDER}


def test_every_command_of_ours_is_run_here():
    assert set(commands_of_ours()) == RUN_HERE


def test_the_index_lists_every_runbook_and_only_those():
    index = (RUNBOOKS / "README.md").read_text()
    linked = set(re.findall(r"\]\(([a-z-]+\.md)\)", index))
    pages = {p.name for p in RUNBOOKS.glob("*.md")} - {"README.md"}
    assert linked == pages


def test_every_log_group_a_runbook_names_is_one_terraform_makes():
    """The pages name prod's groups; Terraform makes them for each environment by its name."""
    named = {
        group
        for path in RUNBOOKS.glob("*.md")
        for group in re.findall(r"(/aws/[a-z0-9/_.-]+[a-z0-9])", path.read_text())
    }
    containers = resources("aws_cloudwatch_log_group")["containers"]
    assert unquoted(containers["name"]) == "/aws/containerinsights/${local.name}/${each.key}"
    kinds = [unquoted(kind) for kind in locals_()["container_log_groups"]]
    made = {f"/aws/containerinsights/chr21-prod/{kind}" for kind in kinds}
    batch = resources("aws_cloudwatch_log_group")["batch"]
    assert unquoted(batch["name"]) == "/aws/batch/${local.batch_job_name}"
    assert unquoted(locals_()["batch_job_name"]) == "${local.name}-annotate"
    made.add("/aws/batch/chr21-prod-annotate")
    assert unquoted(locals_()["name"]) == "chr21-${var.environment}"
    assert named, "the runbooks name no log group"
    assert named <= made, sorted(named - made)
