"""The annotation pipeline's contract, shared by the API (which takes uploads and starts jobs)
and the worker (`worker/`, which runs them): the input formats, the storage of uploads and
results, the job records in the API's database, and how a job is handed to a runner."""
