"""Chromosome names, region strings and coordinate conventions.

The API speaks Ensembl style: chromosome "21", 1-based inclusive coordinates.
BED is 0-based half-open, so a gene at 1-based [start, end] is BED [start - 1, end).
"""

import re
from dataclasses import dataclass

CHROMOSOME = "21"
# GRCh38 chromosome 21 (NC_000021.9) is 46,709,983 bp long.
CHROMOSOME_LENGTH = 46_709_983
# Names accepted for chromosome 21, compared case-insensitively: Ensembl, UCSC, RefSeq (GRCh38).
CHROMOSOME_ALIASES = frozenset({"21", "chr21", "nc_000021.9"})
# The name BED output uses: BED is a UCSC format, and UCSC tools expect "chr21".
BED_CHROMOSOME = "chr21"
ONLY_CHROMOSOME_21 = "the data set covers chromosome 21 (GRCh38) only"

# Plain digits, or digits grouped by thousands with commas (25,880,535); at most 12 digits,
# so every number converts quickly and stays far from Python's int-from-text limit.
_NUMBER = r"-?(?:[0-9]{1,3}(?:,[0-9]{3}){1,3}|[0-9]{1,12})"
_REGION = re.compile(rf"(?P<chrom>[^:\s]+):(?P<start>{_NUMBER})-(?P<end>{_NUMBER})")
_POSITION = re.compile(rf"(?P<chrom>[^:\s]+):(?P<pos>{_NUMBER})")
REGION_EXAMPLE = "21:25880535-26171128"
POSITION_EXAMPLE = "21:30000000"


class CoordinateError(ValueError):
    """A region or position a user sent that cannot be read; the message says why."""


def normalize_chromosome(name: str) -> str | None:
    """'21', 'chr21' or 'NC_000021.9' -> '21'; any other chromosome -> None."""
    return CHROMOSOME if name.strip().lower() in CHROMOSOME_ALIASES else None


@dataclass(frozen=True)
class Region:
    """A 1-based inclusive interval. ``chromosome`` is None for a chromosome the data set lacks."""

    chromosome: str | None
    start: int
    end: int


def _coordinate(text: str, what: str) -> int:
    value = int(text.replace(",", ""))
    if value < 1:
        raise CoordinateError(f"{what} must be 1 or more (coordinates are 1-based), got {value}")
    return value


def _check_on_chromosome(chromosome: str | None, value: int, what: str) -> None:
    if chromosome == CHROMOSOME and value > CHROMOSOME_LENGTH:
        raise CoordinateError(
            f"{what} {value:,} lies beyond the end of chromosome 21 ({CHROMOSOME_LENGTH:,} bp)"
        )


def parse_region(text: str) -> Region:
    """Read '21:25880535-26171128', 'chr21:25,880,535-26,171,128' or 'NC_000021.9:...'."""
    match = _REGION.fullmatch(text.strip())
    if match is None:
        raise CoordinateError(
            f"region {text!r} is not of the form CHROMOSOME:START-END, e.g. {REGION_EXAMPLE}"
        )
    chromosome = normalize_chromosome(match["chrom"])
    start = _coordinate(match["start"], "start")
    end = _coordinate(match["end"], "end")
    if start > end:
        raise CoordinateError(f"start {start:,} is after end {end:,}")
    _check_on_chromosome(chromosome, end, "end")
    return Region(chromosome, start, end)


def parse_position(text: str) -> tuple[str | None, int]:
    """Read '21:30000000' or 'chr21:30,000,000' into (chromosome or None, 1-based position)."""
    match = _POSITION.fullmatch(text.strip())
    if match is None:
        raise CoordinateError(
            f"position {text!r} is not of the form CHROMOSOME:POSITION, e.g. {POSITION_EXAMPLE}"
        )
    chromosome = normalize_chromosome(match["chrom"])
    position = _coordinate(match["pos"], "position")
    _check_on_chromosome(chromosome, position, "position")
    return chromosome, position


def to_bed_interval(start: int, end: int) -> tuple[int, int]:
    """1-based inclusive [start, end] -> 0-based half-open [start - 1, end)."""
    return start - 1, end


def signed_distance(position: int, start: int, end: int) -> int:
    """Distance from a position to a gene: 0 inside it, positive when the gene lies after it."""
    if position < start:
        return start - position
    if position > end:
        return end - position
    return 0
