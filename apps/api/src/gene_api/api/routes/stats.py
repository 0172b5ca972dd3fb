"""Summary of the catalogue and of the data file it was loaded from."""

from fastapi import APIRouter

from gene_api.api.deps import UNAVAILABLE, CatalogueDep
from gene_api.core.routing import CatalogueRoute
from gene_api.schemas import Stats

router = APIRouter(tags=["stats"], route_class=CatalogueRoute)


@router.get("/stats", response_model=Stats, responses=UNAVAILABLE)
async def stats(catalogue: CatalogueDep) -> Stats:
    return catalogue.stats()
