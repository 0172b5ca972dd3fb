"""Hostile values for path segments and query parameters, one list for every suite that drives
URLs with them: the gene API's own hostile-input tests and the frontend's. Dot segments and
slashes among them: a client or server that collapses `.`/`..` (RFC 3986 5.2.4) or splits on
a decoded `/` would reach another route than the one item named."""

from hypothesis import strategies as st

# Each names no item, and each must reach exactly one route's 4xx, never another route or a 500.
SEGMENTS = [
    ".",
    "..",
    "...",
    "../..",
    "./x",
    "a/b",
    "/",
    "%",
    "%2E",
    "%2E%2E",
    "%2F",
    "%00",
    "\x00",
    "_",
    "?",
    "#",
    "\\",
    "..;",
    " ",
    "é",
    "ENSG00000142192" * 500,
    "21:" + "9" * 5000,
]

texts = st.one_of(
    st.text(max_size=50),
    st.integers(min_value=1_000, max_value=30_000).map(lambda n: "x" * n),
    st.sampled_from(SEGMENTS),
)
