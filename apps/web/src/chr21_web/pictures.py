"""Pictures drawn on the server as SVG: the geometry is computed here, the templates write
the elements (templates/pictures/). Coordinates are 1-based, inclusive, as the API gives them."""

from collections import Counter
from dataclasses import dataclass

# GRCh38 chromosome 21, bp: the overview's x axis.
CHROMOSOME_LENGTH = 46_709_983
# The overview counts genes in bins of this many bp.
DENSITY_BIN_BP = 1_000_000
# Gene types drawn in their own colour; the rest are "other".
TYPE_COLOURS = {
    "protein_coding": "#1f6feb",
    "lncRNA": "#8250df",
    "processed_pseudogene": "#bf8700",
    "miRNA": "#1a7f37",
    "snRNA": "#cf222e",
}
OTHER_COLOUR = "#8c959f"
WIDTH = 960


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str


def density(genes: list[dict], height: int = 160) -> dict:
    """Genes per DENSITY_BIN_BP along the chromosome, stacked by type."""
    bins = CHROMOSOME_LENGTH // DENSITY_BIN_BP + 1
    counts: list[Counter] = [Counter() for _ in range(bins)]
    for gene in genes:
        kind = gene["gene_type"] if gene["gene_type"] in TYPE_COLOURS else "other"
        counts[(gene["gene_start"] - 1) // DENSITY_BIN_BP][kind] += 1
    tallest = max((sum(c.values()) for c in counts), default=0) or 1
    step = WIDTH / bins
    bars = []
    for index, count in enumerate(counts):
        bottom = height
        for kind, n in sorted(count.items()):
            size = n / tallest * height
            bottom -= size
            colour = TYPE_COLOURS.get(kind, OTHER_COLOUR)
            label = f"{index}-{index + 1} Mb: {n} {kind}"
            bars.append(
                Bar(
                    round(index * step, 2),
                    round(bottom, 2),
                    round(step - 1, 2),
                    round(size, 2),
                    colour,
                    label,
                )
            )
    legend = [(kind, colour) for kind, colour in TYPE_COLOURS.items()] + [("other", OTHER_COLOUR)]
    return {
        "width": WIDTH,
        "height": height,
        "bars": bars,
        "legend": legend,
        "tallest": tallest,
        "ticks": [(round(mb * 1_000_000 / CHROMOSOME_LENGTH * WIDTH, 2), mb) for mb in range(0, 47, 5)],
    }


def track(genes: list[dict], start: int, end: int, highlight: str = "") -> dict:
    """The genes of [start, end] as arrows in rows that do not overlap (a genome browser's track)."""
    span = max(end - start + 1, 1)
    rows_end: list[int] = []
    items = []
    for gene in sorted(genes, key=lambda g: g["gene_start"]):
        row = next((i for i, last in enumerate(rows_end) if last < gene["gene_start"]), len(rows_end))
        if row == len(rows_end):
            rows_end.append(gene["gene_end"])
        else:
            rows_end[row] = gene["gene_end"]
        left = (max(gene["gene_start"], start) - start) / span * WIDTH
        right = (min(gene["gene_end"], end) - start + 1) / span * WIDTH
        items.append(
            {
                "x": round(left, 2),
                "width": round(max(right - left, 1), 2),
                "y": 20 + row * 22,
                "label": gene["gene_name"] or gene["gene_stable_id"],
                "id": gene["gene_stable_id"],
                "forward": gene["strand"] == 1,
                "colour": TYPE_COLOURS.get(gene["gene_type"], OTHER_COLOUR),
                "highlight": gene["gene_stable_id"] == highlight,
            }
        )
    return {
        "width": WIDTH,
        "height": 30 + 22 * max(len(rows_end), 1),
        "items": items,
        "start": start,
        "end": end,
    }
