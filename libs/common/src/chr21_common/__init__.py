"""What every process of the chromosome 21 platform shares: the gene and job models and the
database, the job records, storage, queue and input formats of the annotation pipeline,
chromosome 21's coordinates, the request-id JSON logs and the shared settings. Used by the
gene API, the worker and the frontend; it imports none of them."""
