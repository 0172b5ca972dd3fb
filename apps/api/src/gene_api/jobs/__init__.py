"""The API's side of the annotation pipeline: taking uploads, recovering and expiring jobs,
their metrics and on-call commands. The contract it shares with the worker (formats, storage,
job records, queue) is chr21_common.jobs."""
