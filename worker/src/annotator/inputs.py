"""Reading an input file in chunks, whatever its size: BED, VCF or a gene list (told apart by
content, `gene_api.jobs.formats.sniff`), plain or gzip/BGZF (told by its first bytes).

Each reader turns lines into records: a 0-based half-open interval on chromosome 21 plus the
record's own fields, which the output repeats. Records on other chromosomes are counted;
invalid records are counted with the first line numbers and why, and the reading goes on. What
makes the whole file unreadable (not text, a line over 1 MiB, a broken gzip stream, a gzip bomb)
raises `InputError` with the reason and the line, in one line.
"""

import gzip
import io
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np

from annotator.engine import GeneTable
from gene_api.coordinates import CHROMOSOME_ALIASES, CHROMOSOME_LENGTH
from gene_api.jobs.formats import (
    BASES,
    BED_HEADER_PREFIXES,
    GENE_ID,
    GZIP_MAGIC,
    SNIFF_BYTES,
    InputFormat,
    UnsupportedInput,
    sniff,
)

# Records a chunk holds: bounds the memory of one step, whatever the file's size.
CHUNK_RECORDS = 100_000
# Invalid line numbers kept for the summary.
FIRST_INVALID = 10
# A longer line is no BED, VCF or gene list line; reading it whole would let one line fill memory.
MAX_LINE_CHARS = 1024 * 1024
# A gzip file may decompress to at most this many times its size (plus MAX_LINE_CHARS): text of
# intervals compresses 3-10 times; a gzip bomb, a thousand times.
MAX_EXPANSION = 100
# VCF columns a record must have (VCF 4.x: CHROM POS ID REF ALT QUAL FILTER INFO) and those
# the output repeats.
VCF_COLUMNS = 8
VCF_OWN_FIELDS = 5


class InputError(ValueError):
    """The file cannot be read at all; the message says why, in one line, and `line` where."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


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
    own: list[str]  # each record's own fields, tab-separated, as the output repeats them


class _BoundedReader(io.RawIOBase):
    """A decompressing stream that refuses to produce more than `limit` bytes."""

    def __init__(self, stream: gzip.GzipFile, limit: int) -> None:
        self._stream = stream
        self._left = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._stream.readinto(buffer)
        self._left -= count
        if self._left < 0:
            raise InputError(
                f"the file decompresses to over {MAX_EXPANSION} times its size: refused as a gzip bomb"
            )
        return count


class InputFile:
    """An input file opened for reading: its format, its numbered lines, the share read so far."""

    def __init__(self, path: Path) -> None:
        self.size = path.stat().st_size
        self._raw = path.open("rb")
        head = self._raw.read(SNIFF_BYTES)
        self._raw.seek(0)
        try:
            self.format = sniff(head, complete=len(head) < SNIFF_BYTES)
        except UnsupportedInput as error:
            self._raw.close()
            raise InputError(str(error)) from None
        binary: io.RawIOBase | io.BufferedIOBase = self._raw
        if head.startswith(GZIP_MAGIC):
            limit = MAX_EXPANSION * self.size + MAX_LINE_CHARS
            binary = io.BufferedReader(_BoundedReader(gzip.GzipFile(fileobj=self._raw), limit))
        # newline=None: CRLF and CR line endings read as LF.
        # surrogateescape: a byte that is not UTF-8 is found in its own line (lines()), not in
        # whichever line the decoder's buffer had reached.
        self._text = io.TextIOWrapper(binary, encoding="utf-8", errors="surrogateescape", newline=None)

    def __enter__(self) -> "InputFile":
        return self

    def __exit__(self, *exc) -> None:
        self._text.close()
        self._raw.close()

    def fraction_read(self) -> float:
        """How much of the file (compressed bytes, when compressed) has been read, 0 to 1."""
        return min(1.0, self._raw.tell() / self.size) if self.size else 1.0

    def lines(self) -> Iterator[tuple[int, str]]:
        """(line number, line without its end), each line at most MAX_LINE_CHARS long."""
        number = 0
        readline = self._text.readline
        try:
            while line := readline(MAX_LINE_CHARS):
                number += 1
                if line[-1] != "\n" and len(line) == MAX_LINE_CHARS:
                    raise InputError(f"line {number} is longer than {MAX_LINE_CHARS:,} characters", number)
                if not line.isascii():
                    _check_utf8(line, number)
                yield number, line.rstrip("\n")
        except (gzip.BadGzipFile, EOFError, zlib.error) as error:
            raise InputError(f"the gzip stream breaks off after line {number}: {error}") from None

    def records(self, counts: Counts, genes: GeneTable) -> Iterator[tuple[int, int, int, str]]:
        """(line number, start, end, own fields) of each chromosome 21 record."""
        if self.format is InputFormat.vcf:
            return vcf_records(self.lines(), counts)
        if self.format is InputFormat.genes:
            return gene_list_records(self.lines(), counts, genes)
        return bed_records(self.lines(), counts)

    def chunks(self, counts: Counts, genes: GeneTable, size: int = CHUNK_RECORDS) -> Iterator[Chunk]:
        return chunked(self.records(counts, genes), size)


def _check_utf8(line: str, number: int) -> None:
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"line {number} is not UTF-8 text", number) from None


def _number(text: str) -> bool:
    """A whole number, 0 or more, of at most 12 digits (ASCII only: isdigit alone takes '²')."""
    return text.isascii() and text.isdigit() and len(text) <= 12


def _on_chromosome_21(chrom: str, number: int, counts: Counts) -> bool:
    if chrom.strip().lower() in CHROMOSOME_ALIASES:
        return True
    counts.other_chromosome += 1
    return False


def _interval(start: int, end: int, number: int, counts: Counts) -> bool:
    if start > end:
        counts.reject(number, f"start {start} is after end {end}")
        return False
    if end > CHROMOSOME_LENGTH:
        counts.reject(number, f"end {end} lies past the end of chromosome 21 ({CHROMOSOME_LENGTH:,} bp)")
        return False
    return True


def bed_records(lines: Iterable[tuple[int, str]], counts: Counts) -> Iterator[tuple[int, int, int, str]]:
    """BED: chrom, start, end (0-based, half-open) and any further columns, tab-separated."""
    for number, line in lines:
        if not line.strip() or line.startswith(BED_HEADER_PREFIXES):
            continue
        counts.read += 1
        columns = line.split("\t", 3)
        if len(columns) < 3:
            counts.reject(number, f"{len(columns)} column(s); BED needs chrom, start, end separated by tabs")
            continue
        if not (_number(columns[1]) and _number(columns[2])):
            counts.reject(number, "start and end must be whole numbers (0 or more) of at most 12 digits")
            continue
        if not _on_chromosome_21(columns[0], number, counts):
            continue
        start, end = int(columns[1]), int(columns[2])
        if _interval(start, end, number, counts):
            yield number, start, end, line


def vcf_records(lines: Iterable[tuple[int, str]], counts: Counts) -> Iterator[tuple[int, int, int, str]]:
    """VCF 4.x: POS is 1-based; a record spans REF's bases, [POS - 1, POS - 1 + len(REF))."""
    header_seen = False
    for number, line in lines:
        if line.startswith("##") or not line.strip():
            continue
        if line.startswith("#CHROM"):
            header_seen = True
            continue
        if not header_seen:
            raise InputError(f"line {number}: a VCF record before the '#CHROM' header line", number)
        counts.read += 1
        columns = line.split("\t", VCF_COLUMNS)
        if len(columns) < VCF_COLUMNS:
            counts.reject(number, f"{len(columns)} column(s); a VCF record has at least {VCF_COLUMNS}")
            continue
        pos, ref = columns[1], columns[3]
        if not _number(pos) or int(pos) < 1:
            counts.reject(number, "POS must be a whole number, 1 or more, of at most 12 digits")
            continue
        if not BASES.fullmatch(ref):
            counts.reject(number, "REF must be bases (A, C, G, T, N)")
            continue
        if not _on_chromosome_21(columns[0], number, counts):
            continue
        start = int(pos) - 1
        if _interval(start, start + len(ref), number, counts):
            yield number, start, start + len(ref), "\t".join(columns[:VCF_OWN_FIELDS])


def gene_list_records(
    lines: Iterable[tuple[int, str]], counts: Counts, genes: GeneTable
) -> Iterator[tuple[int, int, int, str]]:
    """A gene list: one Ensembl gene id or gene name a line; each becomes the gene's interval."""
    by_key = genes.lookup()
    for number, line in lines:
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        counts.read += 1
        if len(entry.split()) > 1:
            counts.reject(number, "a gene list holds one gene id or name a line")
            continue
        key = entry.split(".")[0] if GENE_ID.fullmatch(entry) else entry
        index = by_key.get(key.upper())
        if index is None:
            counts.reject(number, f"no chromosome 21 gene has the id or name {entry[:64]!r}")
            continue
        yield number, int(genes.starts[index]), int(genes.ends[index]), entry


def chunked(records: Iterable[tuple[int, int, int, str]], size: int) -> Iterator[Chunk]:
    batch = list(islice(records, size))
    while batch:
        lines, starts, ends, own = zip(*batch, strict=True)
        yield Chunk(
            lines=np.array(lines, dtype=np.int64),
            starts=np.array(starts, dtype=np.int64),
            ends=np.array(ends, dtype=np.int64),
            own=list(own),
        )
        batch = list(islice(records, size))
