"""Hostile inputs beyond what the schema-driven fuzzing (test_fuzz.py) generates: extreme
lengths, huge and non-finite numbers, deep nesting, odd headers. No input reaches a 500,
every error is a problem document, and no error answer is larger than a few KB."""

import json
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.hostile import SEGMENTS, texts

EXAMPLES = 60
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# An error answer echoes at most excerpts: a bound far below any input below.
MAX_ERROR_BYTES = 8_000

numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e309", "0x10", "1_000", "١٢٣", " 7 ", ""]),
)
values = st.one_of(numbers, texts)
QUERIES = {
    "/genes": ["page", "page_size", "chromosome", "gene_type", "search", "strand", "sort", "format"],
    "/genes/nearest": ["position", "k", "gene_type"],
    "/regions/21:1-1000000/genes": ["gene_type", "strand", "page", "page_size", "format"],
}
PATH_TEMPLATES = ["/genes/{}", "/genes/by-name/{}", "/regions/{}/genes"]

json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.text(max_size=100),
    st.integers(min_value=100, max_value=5_000).map(lambda n: "n" * n),
)
json_values = st.recursive(
    json_leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.sampled_from(["ids", "names", "x"]), children)
    ),
    max_leaves=30,
)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v, allow_nan=True)),
    st.dictionaries(st.sampled_from(["ids", "names"]), json_values, min_size=1).map(
        lambda v: json.dumps(v, allow_nan=True)
    ),
    st.integers(min_value=1, max_value=100_000).map(lambda d: '{"ids": ' + nested(d) + "}"),
    st.sampled_from(
        ['{"ids": [NaN]}', '{"names": [Infinity]}', '{"ids": ["a"], "names": ["b"]}', "{", "\ufeff{}"]
    ),
)


def printable(text: str) -> str:
    """What a header value can hold on the wire (the real-server suite sends raw bytes too)."""
    return "".join(c for c in text if " " <= c <= "~")


def assert_handled(response) -> None:
    assert response.status_code < 500, response.text[:500]
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        assert len(response.content) < MAX_ERROR_BYTES


@SETTINGS
@given(path=st.sampled_from(sorted(QUERIES)), data=st.data())
def test_query_parameters(client, path, data):
    names = data.draw(st.lists(st.sampled_from(QUERIES[path]), max_size=4, unique=True))
    params = {name: data.draw(values) for name in names}
    assert_handled(client.get(path, params=params))


@SETTINGS
@given(template=st.sampled_from(PATH_TEMPLATES), value=texts)
def test_path_parameters(client, template, value):
    segment = quote(value, safe="")
    assert_handled(client.get(template.format(segment)))


def test_every_hostile_segment_of_the_shared_list(client):
    for template in PATH_TEMPLATES:
        for value in SEGMENTS:
            assert_handled(client.get(template.format(quote(value, safe=""))))


@SETTINGS
@given(body=bodies)
def test_batch_bodies(client, body):
    response = client.post(
        "/genes/batch", content=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert_handled(response)


@SETTINGS
@given(
    accept=st.one_of(texts, st.sampled_from(["text/*;q=NaN", "*/*;q=-1", ";;;", ",,,", "a/b;q=1e999"])),
    content_type=st.one_of(texts, st.just("application/json; charset=" + "x" * 5_000)),
)
def test_headers(client, accept, content_type):
    headers = {"Accept": printable(accept)}
    assert_handled(client.get("/genes", headers=headers))
    headers["Content-Type"] = printable(content_type)
    assert_handled(client.post("/genes/batch", content=b'{"ids": []}', headers=headers))
