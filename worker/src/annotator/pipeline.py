"""One input file in, the results folder out: the step every runner (the Celery worker, the
AWS Batch job) runs, so that both produce the same files from the same input."""

from collections.abc import Callable
from pathlib import Path

from annotator.engine import Annotator, GeneTable
from annotator.inputs import Counts, InputFile
from annotator.outputs import ResultWriter

Progress = Callable[[float], None]


def annotate_file(input_path: Path, folder: Path, genes: GeneTable, progress: Progress | None = None) -> dict:
    """Annotate `input_path` into `folder` (results, summary, picture); the summary.

    Raises `annotator.inputs.InputError` when the file cannot be read at all."""
    annotator = Annotator(genes)
    counts = Counts()
    with InputFile(input_path) as source:
        writer = ResultWriter(folder, genes)
        try:
            for chunk in source.chunks(counts, genes):
                writer.write(chunk, annotator.annotate(chunk.starts, chunk.ends))
                if progress:
                    progress(source.fraction_read())
        finally:
            writer.close()
        summary = writer.summary(source.format.value, counts)
    writer.write_summary(summary)
    writer.write_plot(summary)
    return summary
