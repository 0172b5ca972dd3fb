"""The shipped data file: its provenance, its shape and the derived fields."""

import re
from collections import Counter
from pathlib import Path

import pytest

from gene_api.dataset import DATA_FILE, DatasetError, parse_hgnc_id, read_genes, sha256_of


def test_sha256_matches_provenance():
    provenance = (DATA_FILE.parent / "PROVENANCE.md").read_text()
    recorded = re.search(r"SHA-256: `([0-9a-f]{64})`", provenance)[1]
    assert sha256_of(DATA_FILE) == recorded


def test_shape_stated_in_provenance():
    genes = read_genes()
    names = Counter(gene["gene_name"] for gene in genes if gene["gene_name"])
    assert len(genes) == 1134
    assert sum(gene["gene_name"] is None for gene in genes) == 550
    assert sorted(name for name, count in names.items() if count > 1) == sorted(
        ["Y_RNA", "SNORA70", "LINC01667", "TEKT4P2", "CYP4F29P", "ABCC13", "SSR4P1"]
    )
    assert sum(gene["hgnc_id"] is not None for gene in genes) == 558
    assert {gene["chromosome"] for gene in genes} == {"21"}


def test_derived_fields_of_app():
    app = next(gene for gene in read_genes() if gene["gene_name"] == "APP")
    assert app["hgnc_id"] == "HGNC:620"
    assert app["length"] == 26_171_128 - 25_880_535 + 1


def test_quoted_commas_stay_in_the_description():
    first = read_genes()[0]
    assert first["gene_description"].startswith("novel protein, similar to")


@pytest.mark.parametrize(
    ("description", "hgnc"),
    [
        ("amyloid [Source:HGNC Symbol;Acc:HGNC:620]", "HGNC:620"),
        ("Y RNA [Source:RFAM;Acc:RF00019]", None),
        (None, None),
    ],
)
def test_parse_hgnc_id(description, hgnc):
    assert parse_hgnc_id(description) == hgnc


def test_a_broken_row_names_file_and_line(tmp_path: Path):
    lines = DATA_FILE.read_text().splitlines()
    lines[3] = lines[3].replace(",21,", ",21,x", 1)
    broken = tmp_path / "genes.csv"
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(DatasetError, match=r"genes\.csv, line 4"):
        read_genes(broken)


def test_missing_columns_are_named(tmp_path: Path):
    broken = tmp_path / "genes.csv"
    broken.write_text("Gene stable ID,Gene name\nENSG00000000001,X\n")
    with pytest.raises(DatasetError, match="missing columns"):
        read_genes(broken)
