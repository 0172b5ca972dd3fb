"""One input file in, the results folder out: the step every runner (the Celery worker, the
AWS Batch job) runs, so that both produce the same files from the same input."""

from collections.abc import Callable
from pathlib import Path

from annotator.engine import Annotator, GeneTable, ranges_within
from annotator.inputs import Counts, InputFile
from annotator.outputs import ResultBound, ResultWriter

Progress = Callable[[float], None]
# Pairs (record, gene) one engine call may find at most: a chunk's records are annotated in parts
# of at most this many overlaps (a record counts one more, for its nearest genes), so that records
# each spanning the chromosome (100,000 of them would find 113 million pairs) keep memory bounded.
MAX_PAIRS = 500_000


def annotate_file(
    input_path: Path,
    folder: Path,
    genes: GeneTable,
    progress: Progress | None = None,
    bound: ResultBound | None = None,
) -> dict:
    """Annotate `input_path` into `folder` (results, summary, picture); the summary.

    Raises `annotator.inputs.InputError` when the file cannot be read at all, or its results
    would pass `bound` (`annotator.outputs.ResultTooLarge`)."""
    annotator = Annotator(genes)
    counts = Counts()
    with InputFile(input_path) as source:
        writer = ResultWriter(folder, genes, bound)
        try:
            for chunk in source.chunks(counts, genes):
                pairs = annotator.overlap_counts(chunk.starts, chunk.ends) + 1
                for low, high in ranges_within(pairs, MAX_PAIRS):
                    part = chunk.slice(low, high)
                    writer.write(part, annotator.annotate(part.starts, part.ends))
                if progress:
                    progress(source.fraction_read())
        finally:
            writer.close()
        summary = writer.summary(source.format.value, counts)
    writer.write_summary(summary)
    writer.write_plot(summary)
    return summary
