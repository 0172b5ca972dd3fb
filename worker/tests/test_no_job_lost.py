"""No job lost or stuck, whichever process dies when, on every broker.

Per broker, one job per point where a process can die (annotator/faults.py): the worker's main
process after receiving a job's message, while it runs, after its results are stored, after its
success is recorded (before the message is acknowledged); the job's own process while it runs,
after storing and after recording. Jobs queued behind them see
the main process die before they are received. As a cluster would, the test starts the worker
again whenever one of its two replicas dies and runs `gene-api jobs recover`'s round
(jobs/recovery.py) as its CronJob does. Every job must succeed, within a bound, once: one success
logged per job across all of the worker's lives, its results the bytes one undisturbed run
writes; every planned kill must have happened; and no job's process outlives its worker.
"""

import json
import re
import time
from collections import Counter
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from annotator.engine import GeneTable
from annotator.pipeline import annotate_file
from chr21_common.db import make_engine
from chr21_common.jobs.services import JobServices
from chr21_common.jobs.state import PLOT_FILE, RESULT_FILES, SUMMARY_FILE
from gene_api.dataset import read_genes
from gene_api.jobs.recovery import recover
from gene_api.main import create_app
from tests.support.jobs import bearer
from worker.tests.test_celery_worker import BROKERS
from worker.tests.workers import Worker, api_settings, own_queue, wait_for, worker, worker_settings

# A worker's main process killed alone (its job's process must die with it), or with its job's
# process, as a pod's death kills both; a job's process killed alone.
KILLS = [
    "received:main",
    "running:main",
    "stored:main+job",
    "recorded:main+job",
    "running:job",
    "stored:job",
    "recorded:job",
]
UNDISTURBED = 2  # jobs no kill is planned for
# Worker replicas at once, as KEDA may run: while one starts again, the other goes on.
REPLICAS = 2
# From the first submission to the last job finished, worker restarts included.
BOUND_SECONDS = 120
BED = b"chr21\t25880535\t25880600\tin_app\nchr21\t10\t20\tfar_left\nchr21\t33000000\t33100000\twide\n"


def live_processes_in_group(group: int) -> list[int]:
    """Processes (zombies aside) in a process group: a worker's main process and its jobs'."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        if fields[0] != "Z" and int(fields[2]) == group:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.parametrize("broker", BROKERS.values(), ids=BROKERS.keys())
def test_every_job_ends_once_whichever_process_dies_when(broker, own_postgres_url, tmp_path, request):
    settings = worker_settings(
        own_postgres_url,
        tmp_path,
        **own_queue(broker, request, prefix="test-lost"),
        worker_concurrency=1,  # one job at a time per replica: each kill of a main process ends one life
        # Short, for the test: production's are 10, 60 and 900 s.
        job_heartbeat_seconds=1,
        job_stale_after_seconds=4,  # well above the beat: a busy machine delays a beat, not 3
    )
    api_side = api_settings(settings, job_redispatch_after_seconds=3)
    reference = tmp_path / "reference"
    reference.mkdir()
    (tmp_path / "input.bed").write_bytes(BED)
    annotate_file(tmp_path / "input.bed", reference, GeneTable.from_rows(read_genes()))
    engine = make_engine(settings)
    services = JobServices.from_settings(api_side, engine)
    log = tmp_path / "worker.log"
    plan = tmp_path / "faults.json"
    started = time.monotonic()
    with TestClient(create_app(api_side)) as api:
        ids = []
        for _ in range(len(KILLS) + UNDISTURBED):
            response = api.post("/jobs", files={"file": ("input.bed", BED)}, headers=bearer("unlucky"))
            assert response.status_code == 202, response.text
            ids.append(response.json()["id"])
        plan.write_text(json.dumps(dict(zip(ids, KILLS, strict=False))))

        def unfinished() -> int:
            with engine.connect() as connection:
                query = text(
                    "SELECT count(*) FROM jobs WHERE owner = 'unlucky' AND status IN ('queued', 'running')"
                )
                return connection.execute(query).scalar()

        lives = 0

        def replica() -> tuple[ExitStack, Worker]:
            nonlocal lives
            lives += 1
            stack = ExitStack()
            return stack, stack.enter_context(worker(settings, log, ready=False, ANNOTATOR_FAULTS=str(plan)))

        replicas = [replica() for _ in range(REPLICAS)]
        try:
            while unfinished():
                assert time.monotonic() - started < BOUND_SECONDS, f"jobs unfinished: {unfinished()}"
                for number, (stack, running) in enumerate(replicas):
                    if running.process.poll() is not None:  # dead: its jobs' processes follow it
                        wait_for(
                            lambda group=running.process.pid: not live_processes_in_group(group),
                            timeout=10,
                            what="the dead worker's job processes to end with it",
                        )
                        stack.close()
                        replicas[number] = replica()
                recover(services, datetime.now(UTC))  # the CronJob's round
                time.sleep(0.2)  # polling a condition, with a deadline
        finally:
            for stack, _ in replicas:
                stack.close()
    took = time.monotonic() - started

    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, status, error FROM jobs WHERE owner = 'unlucky'")).all()
    engine.dispose()
    assert {row.id: (row.status, row.error) for row in rows} == dict.fromkeys(ids, ("succeeded", None))
    assert sorted(path.name for path in tmp_path.glob("faults.json.*.fired")) == sorted(
        f"faults.json.{job_id}.fired" for job_id in ids[: len(KILLS)]
    )
    assert lives == REPLICAS + sum(":main" in kill for kill in KILLS)
    successes = Counter(re.findall(r"job ([0-9a-f-]{36}): succeeded", log.read_text()))
    assert successes == Counter(dict.fromkeys(ids, 1))
    expected = {
        name: (reference / name).read_bytes() for name in (*RESULT_FILES.values(), SUMMARY_FILE, PLOT_FILE)
    }
    for job_id in ids:
        folder = tmp_path / "results" / job_id
        assert {path.name: path.read_bytes() for path in folder.iterdir()} == expected, job_id
    print(f"{broker}: {len(ids)} jobs, {lives} worker lives, {took:.1f} s")
