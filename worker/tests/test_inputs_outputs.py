"""The engine's reading and writing in pieces: the vectorised BED path gives exactly what the
line-by-line path gives, blocks cut anywhere (CRLF split between two reads, a last line without
its end) read as whole lines, and the bounds on one step's memory (pairs per engine call, bytes
per write) change nothing in the results."""

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator import inputs, outputs, pipeline
from annotator.engine import Annotator, GeneTable
from annotator.inputs import Counts, InputError, InputFile, bed_chunk, bed_records, chunk_of, numbered_lines
from chr21_common.coordinates import CHROMOSOME_LENGTH
from chr21_common.jobs.state import RESULT_FILES, SUMMARY_FILE
from gene_api.dataset import read_genes


@pytest.fixture(scope="module")
def genes() -> GeneTable:
    return GeneTable.from_rows(read_genes())


# Fields that a BED line's first columns may hold: clean values and every kind of refusal.
CHROMS = st.sampled_from(
    ["chr21", "21", "NC_000021.9", "nc_000021.9", "Chr21", " chr21", "chr1", "chr21_alt", ""]
)
NUMBERS = st.one_of(
    st.integers(0, CHROMOSOME_LENGTH + 10).map(str),
    st.sampled_from(["", "-5", "+5", "1.5", "abc", " 7", "7 ", "0012", "0000000000012", "1234567890123"]),
    st.sampled_from(["1_000", "²", "٣"]),
)
LINES = st.one_of(
    st.builds(lambda c, s, e: f"{c}\t{s}\t{e}", CHROMS, NUMBERS, NUMBERS),
    st.builds(
        lambda c, s, e, rest: f"{c}\t{s}\t{e}\t{rest}",
        CHROMS,
        NUMBERS,
        NUMBERS,
        st.text('ab\t"\\x', max_size=8),
    ),
    st.sampled_from(["", "   ", "#comment", "track name=x", "browser position chr21", "chr21\t5", "chr21"]),
)


def records_of(chunk) -> list[tuple[int, int, int, str]]:
    return list(
        zip(
            chunk.lines.tolist(),
            chunk.starts.tolist(),
            chunk.ends.tolist(),
            chunk.own.to_pylist(),
            strict=True,
        )
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=40), st.integers(1, 1000))
def test_the_vectorised_bed_path_is_the_line_by_line_path(lines, first):
    block = "".join(line + "\n" for line in lines).encode()
    fast_counts, slow_counts = Counts(), Counts()
    fast = bed_chunk(first, block, fast_counts)
    slow = chunk_of(list(bed_records(numbered_lines(first, block), slow_counts)))
    assert records_of(fast) == records_of(slow)
    assert fast_counts == slow_counts


def read_blocks(path: Path, monkeypatch, block_bytes: int) -> list[tuple[int, bytes]]:
    monkeypatch.setattr(inputs, "BLOCK_BYTES", block_bytes)
    with InputFile(path) as source:
        return list(source.blocks())


@pytest.mark.parametrize("block_bytes", [1, 2, 3, 7, 64, 4096])
@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_blocks_hold_whole_numbered_lines_however_the_reads_fall(tmp_path, monkeypatch, block_bytes, ending):
    lines = [f"chr21\t{i}\t{i + 10}\tr{i}" for i in range(40)]
    path = tmp_path / "in.bed"
    path.write_bytes(ending.join(lines).encode())  # the last line has no end
    blocks = read_blocks(path, monkeypatch, block_bytes)
    assert all(block.endswith(b"\n") and b"\r" not in block for _, block in blocks)
    assert [number for number, _ in blocks] == [
        1 + sum(block.count(b"\n") for _, block in blocks[:i]) for i in range(len(blocks))
    ]
    assert b"".join(block for _, block in blocks).decode().splitlines() == lines


BOM = b"\xef\xbb\xbf"
# One file a format, its first line a chromosome 21 record (or the VCF's first header line):
# what a spreadsheet program's "UTF-8" export writes, with a byte-order mark.
BOM_CASES = {
    "bed": b"chr21\t25880535\t25880600\tfirst\nchr21\t100\t200\tsecond\n",
    "vcf": b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    b"21\t25880536\trs1\tA\tG\t.\t.\t.\n21\t101\trs2\tA\tG\t.\t.\t.\n",
    "genes": b"APP\nSOD1\n",
}


def read_all(path: Path, genes: GeneTable) -> tuple[str, Counts, list]:
    counts = Counts()
    with InputFile(path) as source:
        records = [r for chunk in source.chunks(counts, genes) for r in records_of(chunk)]
        return source.format, counts, records


@pytest.mark.parametrize("block_bytes", [1, 2, 4096])
@pytest.mark.parametrize("packing", ["plain", "gzip"])
@pytest.mark.parametrize("ending", ["\n", "\r\n"])
@pytest.mark.parametrize("form", sorted(BOM_CASES))
def test_a_byte_order_mark_is_dropped_and_every_record_read_as_it_is(
    tmp_path, monkeypatch, genes, form, ending, packing, block_bytes
):
    """With the mark, the same format, records and counts as without it: the first record is
    never taken for another chromosome or an invalid line (the BED case was)."""
    monkeypatch.setattr(inputs, "BLOCK_BYTES", block_bytes)
    content = BOM_CASES[form].replace(b"\n", ending.encode())
    results = []
    for name, data in (("plain", content), ("marked", BOM + content)):
        path = tmp_path / name
        path.write_bytes(gzip.compress(data, mtime=0) if packing == "gzip" else data)
        results.append(read_all(path, genes))
    (format_, counts, records), marked = results
    assert marked == (format_, counts, records)
    assert format_ == form
    assert counts.read == 2
    assert counts.other_chromosome == counts.invalid == 0
    assert len(records) == 2


def test_a_file_of_only_a_byte_order_mark_is_empty(tmp_path):
    path = tmp_path / "bom-only.bed"
    path.write_bytes(BOM)
    with pytest.raises(InputError, match="empty"):
        InputFile(path)


def test_a_line_past_the_limit_is_refused_with_its_number(tmp_path, monkeypatch):
    monkeypatch.setattr(inputs, "MAX_LINE_CHARS", 100)
    path = tmp_path / "in.bed"
    for block_bytes in (16, 4096):  # across reads, and inside one block
        path.write_bytes(b"chr21\t1\t2\n" * 3 + b"chr21\t1\t2\t" + b"x" * 100 + b"\n" + b"chr21\t1\t2\n")
        with pytest.raises(InputError, match="line 4 is longer than 100 characters") as error:
            read_blocks(path, monkeypatch, block_bytes)
        assert error.value.line == 4


def test_a_truncated_gzip_stream_names_the_last_whole_line(tmp_path, monkeypatch):
    whole = gzip.compress(b"chr21\t1\t2\n" * 20_000, mtime=0)
    path = tmp_path / "in.bed.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InputError, match=r"the gzip stream breaks off after line \d+"):
        read_blocks(path, monkeypatch, 4096)


def test_overlap_counts_are_the_pairs_the_engine_finds(genes):
    rng = np.random.default_rng(5)
    starts = rng.integers(0, CHROMOSOME_LENGTH - 2_000_000, 20_000)
    ends = starts + rng.choice([0, 1, 100, 100_000, 2_000_000], 20_000)
    annotator = Annotator(genes)
    hits = annotator.annotate(starts, ends)
    found = np.bincount(hits.overlap_records, minlength=len(starts))
    assert np.array_equal(annotator.overlap_counts(starts, ends), found)


def test_bounded_steps_write_the_same_bytes(genes, tmp_path, monkeypatch):
    """Whole-chromosome records find every gene: with small bounds on the pairs of one engine
    call and on the bytes of one write, the results are byte for byte those of one step."""
    rng = np.random.default_rng(7)
    rows = [f"chr21\t0\t{CHROMOSOME_LENGTH}\twhole{i}" for i in range(20)]
    rows += [
        f'chr21\t{s}\t{s + 5000}\t"q\\{i}' for i, s in enumerate(rng.integers(0, 46_000_000, 2000).tolist())
    ]
    path = tmp_path / "in.bed"
    path.write_text("\n".join(rows) + "\n")
    one, many = tmp_path / "one", tmp_path / "many"
    one.mkdir(), many.mkdir()
    pipeline.annotate_file(path, one, genes)
    monkeypatch.setattr(pipeline, "MAX_PAIRS", 700)
    monkeypatch.setattr(outputs, "ROW_BYTES_PER_WRITE", 5000)
    monkeypatch.setattr(inputs, "BLOCK_BYTES", 999)
    summary = pipeline.annotate_file(path, many, genes)
    for name in (*RESULT_FILES.values(), SUMMARY_FILE):
        assert (many / name).read_bytes() == (one / name).read_bytes(), name
    tsv_rows = (one / RESULT_FILES["tsv"]).read_text().count("\n") - 1
    assert tsv_rows == summary["rows"] >= 20 * len(genes)
    rows = json.loads((many / RESULT_FILES["json"]).read_text())
    assert len(rows) == tsv_rows
    assert rows[-1]["record"][3] == '"q\\1999'
