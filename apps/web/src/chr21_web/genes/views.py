"""The gene browser's pages: everything comes from the gene API (api.py)."""

import re

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from chr21_web import api, pictures
from chr21_web.genes.forms import SORTABLE, RegionForm, SearchForm
from chr21_web.relay import relayed

PAGE_SIZE = 25
# The locus picture shows this many bp either side of the gene.
LOCUS_MARGIN_BP = 100_000
NEAREST = 6
# The overview's genes are cached this long (the catalogue changes by a release, rarely).
OVERVIEW_SECONDS = 300


def home(request: HttpRequest) -> HttpResponse:
    stats = api.stats()
    overview = cache.get("overview")
    if overview is None:
        overview = pictures.density(api.all_genes())
        cache.set("overview", overview, OVERVIEW_SECONDS)
    by_type = sorted(stats["by_gene_type"].items(), key=lambda item: -item[1])
    return render(
        request,
        "genes/home.html",
        {"stats": stats, "by_type": by_type, "overview": overview, "search": SearchForm()},
    )


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "genes/search.html", {"form": form}, status=400)
    data = form.cleaned_data if request.GET else {}
    page, sort = data.get("page") or 1, data.get("sort") or "start"
    found = api.genes(
        data.get("q", ""), data.get("gene_type", ""), data.get("strand", ""), sort, page, PAGE_SIZE
    )
    pages = max(1, -(-found["total"] // PAGE_SIZE))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "genes/search.html",
        {
            "form": form,
            "found": found,
            "page": page,
            "pages": pages,
            "query": query.urlencode(),
            "columns": _sort_links(request, sort),
        },
    )


def _sort_links(request: HttpRequest, sort: str) -> dict[str, dict]:
    """Each sortable column's header: a link to the list sorted by it (reversed when it is
    the order already), and which way the list is sorted by it now, if it is."""
    links = {}
    for column, label in SORTABLE.items():
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = f"-{column}" if sort == column else column
        now = {column: "ascending", f"-{column}": "descending"}.get(sort, "none")
        links[column] = {"label": label, "href": "?" + query.urlencode(), "aria_sort": now}
    return links


def gene(request: HttpRequest, gene_id: str) -> HttpResponse:
    found = api.gene(gene_id)
    if found is None:
        raise Http404(f"no chromosome 21 gene has the id {gene_id[:64]}")
    start = max(1, found["gene_start"] - LOCUS_MARGIN_BP)
    end = min(pictures.CHROMOSOME_LENGTH, found["gene_end"] + LOCUS_MARGIN_BP)
    around = api.region(f"21:{start}-{end}")["items"]
    nearest = [
        g
        for g in api.nearest(found["gene_start"], NEAREST + 1)
        if g["gene_stable_id"] != found["gene_stable_id"]
    ]
    return render(
        request,
        "genes/gene.html",
        {
            "gene": found,
            "locus": pictures.track(around, start, end, highlight=found["gene_stable_id"]),
            "nearest": nearest[:NEAREST],
        },
    )


def region(request: HttpRequest) -> HttpResponse:
    form = RegionForm(request.GET or None)
    if not request.GET:
        return render(request, "genes/region.html", {"form": form})
    if not form.is_valid():
        return render(request, "genes/region.html", {"form": form}, status=400)
    text = form.cleaned_data["r"]
    try:
        found = api.region(text)
    except api.ApiRefused as refused:
        form.add_error("r", refused.detail)
        return render(request, "genes/region.html", {"form": form}, status=400)
    bounds = _bounds(text)
    picture = pictures.track(found["items"], *bounds) if bounds and found["items"] else None
    return render(
        request, "genes/region.html", {"form": form, "found": found, "picture": picture, "region": text}
    )


def region_download(request: HttpRequest, fmt: str) -> HttpResponse:
    form = RegionForm(request.GET)
    if not form.is_valid():
        return HttpResponse("the region is missing or too long\n", status=400, content_type="text/plain")
    try:
        answer = api.region_export(form.cleaned_data["r"], fmt)
    except api.ApiRefused as refused:
        return HttpResponse(refused.detail + "\n", status=400, content_type="text/plain")
    return relayed(answer, f"chr21-region.{fmt}")


_REGION = re.compile(r"^[^:]+:([\d,]+)-([\d,]+)$")


def _bounds(text: str) -> tuple[int, int] | None:
    """The region's start and end (the API has read it already; this is for the picture)."""
    match = _REGION.match(text.strip())
    return (int(match[1].replace(",", "")), int(match[2].replace(",", ""))) if match else None
