"""Reading input files in chunks: plain or gzip/BGZF (detected by their bytes, not their name),
BED records (3 or more tab-separated columns, 0-based half-open; `track`, `browser` and `#`
lines skipped). Records on other chromosomes are counted, invalid ones counted with their
first line numbers; neither stops the reading."""

import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np

# GRCh38 chromosome 21 (NC_000021.9) is 46,709,983 bp long.
CHROMOSOME_LENGTH = 46_709_983
CHROMOSOME_NAMES = frozenset({"21", "chr21", "nc_000021.9"})
GZIP_MAGIC = b"\x1f\x8b"
# Records a chunk holds: bounds the memory of one step, whatever the file's size.
CHUNK_RECORDS = 100_000
# Invalid line numbers kept for the summary.
FIRST_INVALID = 10


class InputError(ValueError):
    """The file cannot be read at all; the message says why, in one line."""


@dataclass
class Counts:
    read: int = 0  # records, valid or not
    other_chromosome: int = 0
    invalid: int = 0
    first_invalid: list[tuple[int, str]] = field(default_factory=list)  # (line number, why)

    def reject(self, line_number: int, why: str) -> None:
        self.invalid += 1
        if len(self.first_invalid) < FIRST_INVALID:
            self.first_invalid.append((line_number, why))


@dataclass(frozen=True)
class Chunk:
    lines: np.ndarray  # 1-based line numbers
    starts: np.ndarray  # 0-based
    ends: np.ndarray  # exclusive
    fields: list[list[str]]  # each record's own columns, for the output


def open_text(path: Path) -> TextIO:
    """The file as UTF-8 text, gunzipped when its first bytes are gzip's (BGZF is gzip too)."""
    with path.open("rb") as handle:
        magic = handle.read(2)
    raw = gzip.open(path, "rb") if magic == GZIP_MAGIC else path.open("rb")  # noqa: SIM115 -- the caller closes it
    return io.TextIOWrapper(raw, encoding="utf-8", errors="strict", newline=None)


def _parse(line: str, number: int, counts: Counts) -> tuple[int, int, list[str]] | None:
    columns = line.split("\t")
    if len(columns) < 3:
        counts.reject(number, f"{len(columns)} column(s); BED needs chrom, start, end separated by tabs")
        return None
    chrom, start_text, end_text = columns[0], columns[1], columns[2]
    if not (start_text.isdigit() and end_text.isdigit()) or len(start_text) > 12 or len(end_text) > 12:
        counts.reject(number, "start and end must be whole numbers of at most 12 digits")
        return None
    if chrom.strip().lower() not in CHROMOSOME_NAMES:
        counts.other_chromosome += 1
        return None
    start, end = int(start_text), int(end_text)
    if start > end:
        counts.reject(number, f"start {start} is after end {end}")
        return None
    if end > CHROMOSOME_LENGTH:
        counts.reject(number, f"end {end} lies past the end of chromosome 21 ({CHROMOSOME_LENGTH:,} bp)")
        return None
    return start, end, columns


def read_bed(stream: TextIO, counts: Counts, chunk_records: int = CHUNK_RECORDS) -> Iterator[Chunk]:
    """The chr21 records of a BED stream, `chunk_records` at a time."""
    lines, starts, ends, fields = [], [], [], []
    try:
        for number, raw in enumerate(stream, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            counts.read += 1
            parsed = _parse(line, number, counts)
            if parsed is None:
                continue
            lines.append(number)
            starts.append(parsed[0])
            ends.append(parsed[1])
            fields.append(parsed[2])
            if len(lines) == chunk_records:
                yield _chunk(lines, starts, ends, fields)
                lines, starts, ends, fields = [], [], [], []
    except UnicodeDecodeError:
        raise InputError("the file is not UTF-8 text (or gzip of it)") from None
    except (gzip.BadGzipFile, EOFError, OSError) as error:
        raise InputError(f"the file cannot be decompressed: {error}") from None
    if lines:
        yield _chunk(lines, starts, ends, fields)


def _chunk(lines: list, starts: list, ends: list, fields: list) -> Chunk:
    return Chunk(
        lines=np.array(lines, dtype=np.int64),
        starts=np.array(starts, dtype=np.int64),
        ends=np.array(ends, dtype=np.int64),
        fields=fields,
    )
