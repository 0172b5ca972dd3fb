"""Jobs survive their worker being killed: 50 jobs through RabbitMQ, the worker (main process
and children) SIGKILLed three times while jobs run, and restarted. Every job succeeds exactly
once (one success logged per job across all the worker's lives) with complete results, the
same bytes a single undisturbed run writes, and nothing else in its results folder."""

import random
import re
import uuid
from collections import Counter

from fastapi.testclient import TestClient
from sqlalchemy import text

from annotator.engine import GeneTable
from annotator.pipeline import annotate_file
from gene_api.dataset import read_genes
from gene_api.db import make_engine
from gene_api.jobs.state import PLOT_FILE, RESULT_FILES, SUMMARY_FILE
from gene_api.main import create_app
from tests.support.jobs import bearer
from worker.tests.test_celery_worker import BROKERS
from worker.tests.workers import wait_for, worker, worker_settings

JOBS = 50
KILLS = 3
RECORDS = 60_000  # per job: long enough (about half a second) to be caught running


def intervals(seed: int) -> bytes:
    rng = random.Random(seed)
    lines = []
    for number in range(RECORDS):
        start = rng.randrange(0, 46_000_000)
        lines.append(f"chr21\t{start}\t{start + rng.randrange(0, 5_000)}\tr{number}\n")
    return "".join(lines).encode()


def test_every_job_succeeds_exactly_once_although_the_worker_is_killed(postgres_url, tmp_path):
    settings = worker_settings(
        postgres_url,
        tmp_path,
        broker_url=BROKERS["rabbitmq"],
        job_queue=f"test-killed-{uuid.uuid4().hex[:8]}",
        worker_concurrency=2,
    )
    content = intervals(seed=21)
    reference = tmp_path / "reference"
    reference.mkdir()
    (tmp_path / "input.bed").write_bytes(content)
    annotate_file(tmp_path / "input.bed", reference, GeneTable.from_rows(read_genes()))
    engine = make_engine(settings)

    def count(status: str) -> int:
        with engine.connect() as connection:
            query = text("SELECT count(*) FROM jobs WHERE owner = 'killed' AND status = :status")
            return connection.execute(query, {"status": status}).scalar()

    log = tmp_path / "worker.log"
    with TestClient(create_app(settings)) as api:
        ids = []
        for _ in range(JOBS):
            response = api.post("/jobs", files={"file": ("input.bed", content)}, headers=bearer("killed"))
            assert response.status_code == 202, response.text
            ids.append(response.json()["id"])
        caught_running = 0
        for kill in range(KILLS):
            with worker(settings, log) as running:
                wait_for(
                    lambda kill=kill: count("succeeded") >= (kill + 1) * 10 and count("running") > 0,
                    timeout=180,
                    what=f"10 more jobs done and one running before kill {kill + 1}",
                )
                caught_running += count("running")
                running.kill()
        with worker(settings, log):
            wait_for(lambda: count("queued") + count("running") == 0, timeout=300, what="every job to finish")

    assert caught_running >= KILLS  # each kill hit at least one running job
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, status, attempts FROM jobs WHERE owner = 'killed'")).all()
    engine.dispose()
    assert sorted(row.id for row in rows) == sorted(ids)
    assert {row.status for row in rows} == {"succeeded"}
    assert any(row.attempts > 1 for row in rows)  # some job was started again after a kill
    successes = Counter(re.findall(r"job ([0-9a-f-]{36}): succeeded", log.read_text()))
    assert successes == Counter(dict.fromkeys(ids, 1))
    expected = {
        name: (reference / name).read_bytes() for name in (*RESULT_FILES.values(), SUMMARY_FILE, PLOT_FILE)
    }
    results = settings.results_location
    for job_id in ids:
        folder = tmp_path / "results" / job_id
        assert str(folder).startswith(results)
        assert {path.name: path.read_bytes() for path in folder.iterdir()} == expected, job_id
