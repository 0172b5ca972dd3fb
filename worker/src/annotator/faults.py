"""Fault injection for the tests that kill workers (worker/tests/test_no_job_lost.py).

With ANNOTATOR_FAULTS naming a JSON file `{job id: "point:process"}`, the named process (`main`:
the worker's main process, `job`: the job's own process, `main+job`: both, as when a pod dies)
is SIGKILLed when that job's run reaches that point, once (a marker file beside the plan records
it, across the worker's lives). Points: `received` in the main process (the job's message
received); `running`, `stored` and `recorded` in the job's process (its upload fetched, its
results stored, its success recorded). Nothing sets ANNOTATOR_FAULTS outside those tests;
unset, `point` only reads one module constant.
"""

import json
import multiprocessing
import os
import signal
from pathlib import Path

PLAN = os.environ.get("ANNOTATOR_FAULTS", "")


def point(name: str, job_id: str) -> None:
    if not PLAN:
        return
    planned = json.loads(Path(PLAN).read_text()).get(job_id)
    if planned is None or planned.partition(":")[0] != name:
        return
    whom = set(planned.partition(":")[2].split("+"))
    worker = multiprocessing.parent_process()  # in a job's process (job_process.py): its worker
    targets = []
    if "main" in whom:
        targets.append(worker.pid if worker is not None else os.getpid())
    if "job" in whom and worker is not None:
        targets.append(os.getpid())
    if not targets:
        return
    try:
        os.close(os.open(f"{PLAN}.{job_id}.fired", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return
    for target in targets:  # the job's own process last: it is the one running this
        os.kill(target, signal.SIGKILL)
