"""The OpenAPI document, built without a database (it describes routes, not data)."""

from gene_api.core.config import Settings


def openapi_document() -> dict:
    from gene_api.main import create_app

    return create_app(Settings(database_url="sqlite://")).openapi()
