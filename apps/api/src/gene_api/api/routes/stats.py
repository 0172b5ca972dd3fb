"""Summary of the catalogue and of the data file it was loaded from."""

from fastapi import APIRouter

from gene_api import dataset, genes
from gene_api.api.deps import SessionDep
from gene_api.schemas import DatasetInfo, Stats

router = APIRouter(tags=["stats"])


@router.get("/stats", response_model=Stats)
def stats(session: SessionDep) -> Stats:
    summary = genes.catalogue_stats(session)
    loaded = summary.pop("dataset")
    info = None
    if loaded is not None:
        info = DatasetInfo(
            assembly=dataset.ASSEMBLY,
            source=dataset.SOURCE,
            coordinates=dataset.COORDINATES,
            file_name=loaded.file_name,
            sha256=loaded.sha256,
            loaded_at=loaded.loaded_at,
        )
    return Stats(**summary, dataset=info)
