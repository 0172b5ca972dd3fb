"""Which files the pipeline takes, told from their content, never from their name.

`sniff` looks at the first bytes (gunzipped when the file is gzip or BGZF) and answers BED,
VCF or a gene list, or raises `UnsupportedInput` with the reason in one line. The API calls
it on an upload's first bytes (415 when it raises); the worker calls it again before parsing.
"""

import re
import zlib
from enum import StrEnum

GZIP_MAGIC = b"\x1f\x8b"
# UTF-8's byte-order mark, which spreadsheet programs write at the start of a text file: not
# part of the first line, so both the sniffing and the worker's reading drop it.
UTF8_BOM = b"\xef\xbb\xbf"
# How much of a file sniffing reads (after decompression).
SNIFF_BYTES = 64 * 1024
# A gene list's line: an Ensembl gene id (a version suffix allowed) or a gene name.
GENE_ID = re.compile(r"ENSG[0-9]{11}(?:\.[0-9]+)?", re.IGNORECASE)
GENE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-@]{0,63}")
NUMBER = re.compile(r"[0-9]{1,12}")
BASES = re.compile(r"[ACGTNacgtn]+")
# Lines neither BED nor VCF records: UCSC's `track` and `browser` lines, comments.
BED_HEADER_PREFIXES = ("#", "track", "browser")


class InputFormat(StrEnum):
    bed = "bed"
    vcf = "vcf"
    genes = "genes"


class UnsupportedInput(ValueError):
    """Not a file the pipeline reads; the message says why, in one line."""


def decompressed_head(head: bytes, size: int = SNIFF_BYTES) -> bytes:
    """The first `size` bytes of the content: `head` itself, or gunzipped when it is gzip."""
    if not head.startswith(GZIP_MAGIC):
        return head[:size]
    try:
        # wbits 16 + MAX_WBITS: a gzip member; BGZF is a series of them, the first one suffices.
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, size)
    except zlib.error as error:
        raise UnsupportedInput(f"the file starts like gzip but cannot be decompressed ({error})") from None


def _looks_utf16(sample: bytes) -> bool:
    """ASCII text in UTF-16 without a byte order mark: every other byte is NUL, the rest not."""
    even, odd = sample[0::2], sample[1::2]
    if len(sample) < 8:
        return False
    return (odd.count(0) == len(odd) and even.count(0) == 0) or (
        even.count(0) == len(even) and odd.count(0) == 0
    )


def _text(head: bytes) -> str:
    head = head.removeprefix(UTF8_BOM)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head[:200]):
        raise UnsupportedInput("the file is UTF-16 text; save it as UTF-8 (or ASCII) text")
    if b"\x00" in head:
        raise UnsupportedInput("the file is binary, not text: BED, VCF or a gene list is expected")
    # The head may end inside a multi-byte character: decode what is complete.
    for cut in range(4):
        try:
            return head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
    raise UnsupportedInput("the file is not UTF-8 text: BED, VCF or a gene list is expected")


def _first_lines(text: str, complete: bool) -> list[tuple[int, str]]:
    lines = text.splitlines()
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut short
    return [(number, line) for number, line in enumerate(lines, 1) if line.strip()]


def sniff(head: bytes, complete: bool = False) -> InputFormat:
    """The format of a file whose first bytes are `head`; `complete` says `head` is all of it."""
    text = _text(decompressed_head(head))
    lines = _first_lines(text, complete or text.endswith("\n"))
    if not lines:
        raise UnsupportedInput("the file is empty (or holds only blank lines)")
    first = lines[0][1]
    if first.startswith("##fileformat=VCF"):
        return InputFormat.vcf
    records = [(number, line) for number, line in lines if not line.startswith(BED_HEADER_PREFIXES)]
    if not records:
        raise UnsupportedInput("the file holds header or comment lines but no record")
    number, line = records[0]
    columns = line.split("\t")
    if len(columns) >= 3 and NUMBER.fullmatch(columns[1]) and NUMBER.fullmatch(columns[2]):
        return InputFormat.bed
    if len(columns) >= 5 and NUMBER.fullmatch(columns[1]) and BASES.fullmatch(columns[3]):
        raise UnsupportedInput(
            f"line {number} looks like a VCF record, but the file lacks VCF's first line "
            "'##fileformat=VCFv4.x'"
        )
    if len(columns) == 1 and (GENE_ID.fullmatch(line.strip()) or GENE_NAME.fullmatch(line.strip())):
        return InputFormat.genes
    words = line.split()
    if len(columns) < 3 and len(words) >= 3 and NUMBER.fullmatch(words[1]) and NUMBER.fullmatch(words[2]):
        raise UnsupportedInput(f"line {number} has columns separated by spaces; BED separates them by tabs")
    raise UnsupportedInput(
        f"line {number} is neither a BED record (chrom, start, end separated by tabs), nor a VCF "
        "file's first line, nor a gene id or name"
    )
