"""Reading an input file in chunks, whatever its size: BED, VCF or a gene list (told apart by
content, `chr21_common.jobs.formats.sniff`), plain or gzip/BGZF (told by its first bytes).

The file is read in blocks of whole lines (`InputFile.blocks`). Each reader turns lines into
records: a 0-based half-open interval on chromosome 21 plus the record's own fields, which the
output repeats. BED, the format of large files, is parsed a block at a time with pyarrow's
compute functions; VCF and gene lists line by line. Records on other chromosomes are counted;
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
import pyarrow as pa
import pyarrow.compute as pc

from annotator.engine import GeneTable
from chr21_common.coordinates import CHROMOSOME_ALIASES, CHROMOSOME_LENGTH
from chr21_common.jobs.formats import (
    BASES,
    BED_HEADER_PREFIXES,
    GENE_ID,
    GZIP_MAGIC,
    SNIFF_BYTES,
    UTF8_BOM,
    InputFormat,
    UnsupportedInput,
    sniff,
)

_ALIASES = pa.array(sorted(CHROMOSOME_ALIASES))
_EMPTY = np.array([], dtype=np.int64)

# Records a chunk holds: bounds the memory of one step, whatever the file's size.
CHUNK_RECORDS = 100_000
# Bytes read at a time (whole lines: a block ends at a line's end).
BLOCK_BYTES = 512 * 1024
NEWLINE = ord("\n")
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
    """Records of the file, in its order, in arrays indexed alike."""

    lines: np.ndarray  # 1-based line numbers
    starts: np.ndarray  # 0-based
    ends: np.ndarray  # exclusive
    own: pa.StringArray  # each record's own fields, tab-separated, as the output repeats them

    def __len__(self) -> int:
        return len(self.lines)

    def slice(self, low: int, high: int) -> "Chunk":
        return Chunk(self.lines[low:high], self.starts[low:high], self.ends[low:high], self.own[low:high])


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
        self._binary: io.RawIOBase | io.BufferedIOBase = self._raw
        if head.startswith(GZIP_MAGIC):
            limit = MAX_EXPANSION * self.size + MAX_LINE_CHARS
            self._binary = io.BufferedReader(_BoundedReader(gzip.GzipFile(fileobj=self._raw), limit))

    def __enter__(self) -> "InputFile":
        return self

    def __exit__(self, *exc) -> None:
        self._binary.close()
        self._raw.close()

    def fraction_read(self) -> float:
        """How much of the file (compressed bytes, when compressed) has been read, 0 to 1."""
        return min(1.0, self._raw.tell() / self.size) if self.size else 1.0

    def blocks(self) -> Iterator[tuple[int, bytes]]:
        """(number of the block's first line, whole lines each ending in LF): the file in blocks
        of about BLOCK_BYTES, each line at most MAX_LINE_CHARS long. CRLF and CR read as LF; a
        UTF-8 byte-order mark before the first line is dropped (sniff drops it too)."""
        number, rest = 1, b""
        start = True
        try:
            while data := self._binary.read(BLOCK_BYTES):
                data = rest + data
                if start:
                    if len(data) < len(UTF8_BOM) and UTF8_BOM.startswith(data):
                        rest = data  # too short to tell yet
                        continue
                    data, start = data.removeprefix(UTF8_BOM), False
                # A CR at the end may be the first half of a CRLF: it waits for the next read.
                held = b"\r" if data.endswith(b"\r") else b""
                data = _lf(data[: len(data) - len(held)])
                cut = data.rfind(b"\n") + 1
                block, rest = data[:cut], data[cut:] + held
                _check_line_lengths(block, number)
                if len(rest) > MAX_LINE_CHARS:
                    raise InputError(_too_long(number + block.count(b"\n")), number + block.count(b"\n"))
                if block:
                    yield number, block
                    number += block.count(b"\n")
        except (gzip.BadGzipFile, EOFError, zlib.error) as error:
            raise InputError(f"the gzip stream breaks off after line {number - 1}: {error}") from None
        rest = _lf(rest.removeprefix(UTF8_BOM) if start else rest)
        if rest:
            yield number, rest if rest.endswith(b"\n") else rest + b"\n"

    def lines(self) -> Iterator[tuple[int, str]]:
        """(line number, line without its end) of every line, in order."""
        for first, block in self.blocks():
            yield from numbered_lines(first, block)

    def records(self, counts: Counts, genes: GeneTable) -> Iterator[tuple[int, int, int, str]]:
        """(line number, start, end, own fields) of each chromosome 21 record of a VCF or gene list."""
        if self.format is InputFormat.vcf:
            return vcf_records(self.lines(), counts)
        return gene_list_records(self.lines(), counts, genes)

    def chunks(self, counts: Counts, genes: GeneTable, size: int = CHUNK_RECORDS) -> Iterator[Chunk]:
        """The chromosome 21 records, at most `size` to a chunk, in the file's order."""
        if self.format is InputFormat.bed:
            whole = (bed_chunk(first, block, counts) for first, block in self.blocks())
        else:
            whole = chunked(self.records(counts, genes), size)
        for chunk in whole:
            for low in range(0, len(chunk), size):
                yield chunk.slice(low, low + size)


def _lf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n") if b"\r" in data else data


def _too_long(number: int) -> str:
    return f"line {number} is longer than {MAX_LINE_CHARS:,} characters"


def _check_line_lengths(block: bytes, first: int) -> None:
    ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == NEWLINE)
    lengths = np.diff(ends, prepend=-1) - 1
    if len(lengths) and lengths.max() > MAX_LINE_CHARS:
        number = first + int(np.argmax(lengths > MAX_LINE_CHARS))
        raise InputError(_too_long(number), number)


def numbered_lines(first: int, block: bytes) -> Iterator[tuple[int, str]]:
    """(line number, line) of a block's lines, each checked to be UTF-8.

    surrogateescape: a byte that is not UTF-8 is found in its own line, not the block's."""
    text = block.decode("utf-8", errors="surrogateescape")
    for number, line in enumerate(text.split("\n")[:-1], start=first):
        if not line.isascii():
            _check_utf8(line, number)
        yield number, line


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


def chunk_of(records: list[tuple[int, int, int, str]]) -> Chunk:
    if not records:
        return Chunk(_EMPTY, _EMPTY, _EMPTY, pa.array([], type=pa.string()))
    lines, starts, ends, own = zip(*records, strict=True)
    return Chunk(
        lines=np.array(lines, dtype=np.int64),
        starts=np.array(starts, dtype=np.int64),
        ends=np.array(ends, dtype=np.int64),
        own=pa.array(own, type=pa.string()),
    )


def chunked(records: Iterable[tuple[int, int, int, str]], size: int) -> Iterator[Chunk]:
    while batch := list(islice(records, size)):
        yield chunk_of(batch)


def bed_chunk(first: int, block: bytes, counts: Counts) -> Chunk:
    """A block of BED lines as a chunk.

    The clean records (chromosome spelled as in CHROMOSOME_ALIASES, start and end of at most 12
    digits, start <= end <= the chromosome's length) are parsed by pyarrow's compute functions,
    a block at a time; every other line (headers, blank lines, other chromosomes, what is
    invalid, a block that is not ASCII) goes through `bed_records`, line by line, which says
    why a record is refused. Both give the same records: the clean ones are records
    `bed_records` accepts as they are."""
    if not block.isascii():
        return chunk_of(list(bed_records(numbered_lines(first, block), counts)))
    lines = pc.split_pattern(pa.array([block.decode("ascii")]), "\n").flatten()
    lines = lines.slice(0, len(lines) - 1)  # the empty string after the last LF
    fields = pc.split_pattern(lines, "\t", max_splits=3)
    enough = np.flatnonzero(pc.list_value_length(fields).to_numpy(zero_copy_only=False) >= 3)
    fields = fields.take(enough)
    chrom, start, end = (pc.list_element(fields, i) for i in range(3))
    ok = pc.and_(pc.is_in(chrom, value_set=_ALIASES), pc.and_(_is_number(start), _is_number(end)))
    starts = pc.cast(pc.if_else(ok, start, "0"), pa.int64()).to_numpy()
    ends = pc.cast(pc.if_else(ok, end, "0"), pa.int64()).to_numpy()
    ok = ok.to_numpy(zero_copy_only=False) & (starts <= ends) & (ends <= CHROMOSOME_LENGTH)
    clean = enough[ok]
    counts.read += len(clean)
    others = np.ones(len(lines), dtype=bool)
    others[clean] = False
    others = np.flatnonzero(others)
    numbers = first + np.arange(len(lines), dtype=np.int64)
    slow = chunk_of(
        list(bed_records(zip(numbers[others].tolist(), lines.take(others).to_pylist(), strict=True), counts))
    )
    fast = Chunk(numbers[clean], starts[ok], ends[ok], lines.take(clean))
    if not len(slow):
        return fast
    order = np.argsort(np.concatenate([fast.lines, slow.lines]), kind="stable")
    return Chunk(
        lines=np.concatenate([fast.lines, slow.lines])[order],
        starts=np.concatenate([fast.starts, slow.starts])[order],
        ends=np.concatenate([fast.ends, slow.ends])[order],
        own=pa.concat_arrays([fast.own, slow.own]).take(order),
    )


def _is_number(text: pa.StringArray) -> pa.BooleanArray:
    """`_number` of each element, for ASCII text."""
    return pc.and_(pc.utf8_is_digit(text), pc.less_equal(pc.utf8_length(text), 12))
