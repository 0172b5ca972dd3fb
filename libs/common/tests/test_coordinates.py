"""Region and position strings, chromosome aliases, and the BED conversion."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chr21_common.coordinates import (
    CHROMOSOME_LENGTH,
    CoordinateError,
    Region,
    normalize_chromosome,
    parse_position,
    parse_region,
    signed_distance,
    to_bed_interval,
)


@pytest.mark.parametrize("name", ["21", "chr21", "CHR21", "Chr21", "NC_000021.9", "nc_000021.9"])
def test_aliases_of_chromosome_21(name):
    assert normalize_chromosome(name) == "21"


@pytest.mark.parametrize("name", ["22", "chr2", "X", "NC_000021.8", "211"])
def test_other_chromosomes_are_unknown(name):
    assert normalize_chromosome(name) is None


@pytest.mark.parametrize(
    "text",
    [
        "21:25880535-26171128",
        "chr21:25,880,535-26,171,128",
        "NC_000021.9:25880535-26171128",
        " 21:25880535-26171128 ",
    ],
)
def test_region_forms(text):
    assert parse_region(text) == Region("21", 25_880_535, 26_171_128)


def test_single_base_region():
    assert parse_region("21:100-100") == Region("21", 100, 100)


def test_region_on_another_chromosome_is_kept_without_a_name():
    assert parse_region("chr22:1-10") == Region(None, 1, 10)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("21:200-100", "after end"),
        ("21:0-100", "1 or more"),
        ("21:-5-100", "1 or more"),
        ("21:abc-100", "not of the form"),
        ("21:100", "not of the form"),
        ("25880535-26171128", "not of the form"),
        (f"21:1-{CHROMOSOME_LENGTH + 1}", "beyond the end of chromosome 21"),
        ("", "not of the form"),
        ("21:1,,000-2000", "not of the form"),
        ("21:1,00-2000", "not of the form"),
        ("21:,100-2000", "not of the form"),
        ("21:100,-2000", "not of the form"),
        ("21:1-" + "9" * 13, "not of the form"),
        ("21:1-" + "9" * 5000, "not of the form"),
    ],
)
def test_bad_regions_say_what_is_wrong(text, says):
    with pytest.raises(CoordinateError, match=says):
        parse_region(text)


def test_whole_chromosome_is_a_region():
    assert parse_region(f"21:1-{CHROMOSOME_LENGTH}").end == CHROMOSOME_LENGTH


def test_positions():
    assert parse_position("chr21:30,000,000") == ("21", 30_000_000)
    assert parse_position("7:5") == (None, 5)
    with pytest.raises(CoordinateError, match="beyond the end"):
        parse_position(f"21:{CHROMOSOME_LENGTH + 1}")


def test_bed_interval_of_a_gene_boundary():
    # APP: 1-based inclusive 25,880,535-26,171,128 is BED 25,880,534-26,171,128.
    assert to_bed_interval(25_880_535, 26_171_128) == (25_880_534, 26_171_128)


@given(st.integers(1, CHROMOSOME_LENGTH), st.integers(0, 10_000))
def test_bed_interval_keeps_length(start, extra):
    bed_start, bed_end = to_bed_interval(start, start + extra)
    assert bed_end - bed_start == extra + 1
    assert bed_start == start - 1


@pytest.mark.parametrize(
    ("position", "expected"),
    [(99, 1), (100, 0), (150, 0), (200, 0), (201, -1), (1, 99), (300, -100)],
)
def test_signed_distance_at_the_boundaries(position, expected):
    assert signed_distance(position, 100, 200) == expected


@given(st.integers(1, 10**8), st.integers(1, 10**8), st.integers(0, 10**6))
def test_region_string_round_trip(position, start, length):
    region = (
        parse_region(f"chr21:{start:,}-{start + length:,}") if start + length <= CHROMOSOME_LENGTH else None
    )
    if region is not None:
        assert (region.start, region.end) == (start, start + length)
