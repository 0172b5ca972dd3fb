"""What the jobs API and the runners share, built once from the settings: the job records,
the uploads and results storages, and (for the API) the dispatcher that starts a job."""

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine

from gene_api.core.config import Settings
from gene_api.jobs.queue import Dispatcher, dispatcher
from gene_api.jobs.state import JobStore
from gene_api.jobs.storage import Storage, storage_at


@dataclass
class JobServices:
    settings: Settings
    jobs: JobStore
    uploads: Storage
    results: Storage

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine) -> "JobServices":
        return cls(
            settings=settings,
            jobs=JobStore(engine),
            uploads=storage_at(settings.uploads_location, settings.upload_staging_folder),
            results=storage_at(settings.results_location),
        )

    @cached_property
    def dispatcher(self) -> Dispatcher:
        return dispatcher(self.settings)
