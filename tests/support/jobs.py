"""Helpers of the jobs API and worker tests: settings with the pipeline on, bearer tokens."""

from pathlib import Path

from gene_api.core.config import Settings
from gene_api.core.security import mint_token

# The jobs API's signing key in tests (any 32 bytes or more).
TEST_SIGNING_KEY = "test-signing-key-of-at-least-32-bytes"


def jobs_settings(database_url: str, folder: Path, **overrides) -> Settings:
    """Settings with the jobs API on: storages and the filesystem broker under `folder`."""
    values = {
        "database_url": database_url,
        "token_signing_key": TEST_SIGNING_KEY,
        "uploads_location": str(folder / "uploads"),
        "results_location": str(folder / "results"),
        "broker_folder": str(folder / "broker"),
        # The suites submit many jobs with no worker running them; the limit's own tests set it.
        "max_jobs_in_flight": 1_000_000,
        **overrides,
    }
    return Settings(**values)


def bearer(user: str = "alice") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(TEST_SIGNING_KEY, user)}"}
