"""What the jobs API and the runners share, built once from the settings: the job records,
the uploads and results storages, and (for the API) the dispatcher that starts a job."""

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine

from chr21_common.jobs.queue import Dispatcher, dispatcher
from chr21_common.jobs.state import JobStore
from chr21_common.jobs.storage import Storage, storage_at
from chr21_common.settings import SharedSettings


@dataclass
class JobServices:
    settings: SharedSettings
    jobs: JobStore
    uploads: Storage
    results: Storage

    @classmethod
    def from_settings(cls, settings: SharedSettings, engine: Engine) -> "JobServices":
        return cls(
            settings=settings,
            jobs=JobStore(engine),
            uploads=storage_at(settings.uploads_location, settings.upload_staging_folder),
            results=storage_at(settings.results_location),
        )

    @cached_property
    def dispatcher(self) -> Dispatcher:
        return dispatcher(self.settings)
