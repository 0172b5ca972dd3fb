"""The OpenAPI document: FastAPI's, with every error answer documented as a problem document.

FastAPI documents its 422 with its own `HTTPValidationError` shape; the API answers every
4xx and 5xx with `Problem` (core/problems.py), so each operation's error responses say
so, and a `default` response covers the statuses any endpoint can give (406, 413, 500...).
"""

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from gene_api.core.config import Settings
from gene_api.core.problems import MEDIA_TYPE

PROBLEM = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
DEFAULT = {"description": "An error, as an RFC 9457 problem document", "content": PROBLEM}


def problem_openapi(app: FastAPI) -> dict:
    if app.openapi_schema is None:
        document = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        for path in document["paths"].values():
            for operation in path.values():
                responses = operation["responses"]
                for status, response in responses.items():
                    if status.startswith(("4", "5")):
                        response["content"] = PROBLEM
                        if status == "422":
                            response["description"] = "The request is not valid: `errors` lists each field"
                responses["default"] = DEFAULT
        schemas = document["components"]["schemas"]
        for framework_shape in ("HTTPValidationError", "ValidationError"):
            schemas.pop(framework_shape, None)
        app.openapi_schema = document
    return app.openapi_schema


def openapi_document() -> dict:
    from gene_api.main import create_app

    return create_app(Settings(database_url="sqlite://")).openapi()
