"""No job lost or stuck: jobs whose message may be gone are sent again, from the job records.

A broker can lose a job's message: the filesystem broker of `make run` hands a message over by
removing its file, so a worker killed after receiving it takes it along; Redis and SQS return an
unacknowledged one only after their visibility timeout (over an hour). The job records say which
jobs wait in vain: one queued with no message sent for JOB_REDISPATCH_AFTER_SECONDS, or running
with no heartbeat for JOB_STALE_AFTER_SECONDS (its process died with its worker). `recover`
hands each such running job back (`JobStore.lost`: one more attempt, or failed past
MAX_ATTEMPTS) and sends a message for every such queued job. A message too many does nothing:
`JobStore.start` starts a job only when no run with a fresh heartbeat has it and never after it
finished, and a run given up on can record nothing.

Run by `gene-api jobs recover` (the gene-api chart's CronJob, every minute; `make run`, every
15 s). With PIPELINE_BACKEND=stepfunctions there is nothing to do: Step Functions keeps each
execution, and retries it, itself.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from chr21_common.jobs.services import JobServices
from chr21_common.logs import request_id_or_new

log = logging.getLogger("gene_api.jobs.recovery")
# Jobs handled per round: a backlog is worked through in bounded rounds.
BATCH = 500


@dataclass(frozen=True)
class Recovered:
    lost: int  # running jobs whose run was given up on (queued again, or failed for good)
    sent: int  # messages sent again


def recover(services: JobServices, at: datetime) -> Recovered:
    settings, store = services.settings, services.jobs
    if settings.pipeline_backend != "celery":
        return Recovered(0, 0)
    found = store.stalled(
        at,
        queued_for=timedelta(seconds=settings.job_redispatch_after_seconds),
        stale_after=timedelta(seconds=settings.job_stale_after_seconds),
        limit=BATCH,
    )
    lost = sent = 0
    for job in found:
        if job.status == "running":
            moved = store.lost(job.id, job.attempts)
            if moved is None:
                continue  # its run spoke up, or it finished, meanwhile
            lost += 1
            log.warning("job %s: no heartbeat from its run (attempt %s): %s", job.id, job.attempts, moved)
            if moved != "queued":
                continue  # failed: its runs died MAX_ATTEMPTS times
        services.dispatcher.start(job.id, request_id_or_new(None))
        store.dispatched(job.id)
        log.info("job %s: sent again", job.id)
        sent += 1
    return Recovered(lost, sent)
