"""The gene data file shipped with the API: where it is, what it is, and how to read it."""

import csv
import hashlib
import re
from importlib.resources import files
from pathlib import Path

DATA_FILE = Path(str(files("gene_api") / "data" / "chr21_genes_grch38.csv"))
ASSEMBLY = "GRCh38"
SOURCE = "Ensembl BioMart export, Human genes (GRCh38), chromosome 21"
COORDINATES = "1-based, inclusive (Ensembl); BED output is 0-based, half-open"

COLUMNS = {
    "Gene description": "gene_description",
    "Gene stable ID": "gene_stable_id",
    "Gene name": "gene_name",
    "Chromosome/scaffold name": "chromosome",
    "Gene start (bp)": "gene_start",
    "Gene end (bp)": "gene_end",
    "Strand": "strand",
    "Gene type": "gene_type",
}
_HGNC = re.compile(r"\[Source:HGNC Symbol;Acc:(HGNC:\d+)\]")


class DatasetError(ValueError):
    """The data file cannot be loaded; the message names the file and the row."""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parse_hgnc_id(description: str | None) -> str | None:
    match = _HGNC.search(description or "")
    return match[1] if match else None


def _gene_row(raw: dict[str, str], where: str) -> dict:
    row = {field: (raw[column] or "").strip() or None for column, field in COLUMNS.items()}
    if not row["gene_stable_id"]:
        raise DatasetError(f"{where}: empty 'Gene stable ID'")
    try:
        for field in ("gene_start", "gene_end", "strand"):
            row[field] = int(row[field])
    except (TypeError, ValueError) as error:
        raise DatasetError(f"{where}: start, end and strand must be integers ({error})") from None
    if not 1 <= row["gene_start"] <= row["gene_end"]:
        raise DatasetError(
            f"{where}: start {row['gene_start']} and end {row['gene_end']} are not an interval"
        )
    if row["strand"] not in (1, -1):
        raise DatasetError(f"{where}: strand must be 1 or -1, got {row['strand']}")
    row["hgnc_id"] = parse_hgnc_id(row["gene_description"])
    row["length"] = row["gene_end"] - row["gene_start"] + 1
    return row


def read_genes(path: Path = DATA_FILE) -> list[dict]:
    """Every gene of a BioMart CSV export as a dict of Gene column values."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = set(COLUMNS) - set(reader.fieldnames or [])
            if missing:
                raise DatasetError(f"{path}: missing columns {sorted(missing)}")
            rows = [_gene_row(raw, f"{path}, line {reader.line_num}") for raw in reader]
    except (OSError, UnicodeDecodeError) as error:
        raise DatasetError(f"{path}: cannot read ({error})") from None
    ids = [row["gene_stable_id"] for row in rows]
    if len(set(ids)) != len(ids):
        raise DatasetError(f"{path}: a Gene stable ID occurs more than once")
    return rows
