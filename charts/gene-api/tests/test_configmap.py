"""templates/configmap.yaml: the API's non-secret settings as environment variables."""

from tests.support.helm import render_one

DB = {"database": {"host": "db.example.internal"}}


def test_every_app_value_becomes_its_variable():
    values = {
        "app": {
            "port": 9000,
            "logLevel": "WARNING",
            "webConcurrency": 3,
            "gracefulTimeout": 25,
            "dbPoolSize": 7,
            "catalogueRefreshSeconds": 12,
        }
    }
    data = render_one("ConfigMap", values={**DB, **values}, show_only=["templates/configmap.yaml"])["data"]
    assert data == {
        "API_HOST": "0.0.0.0",
        "API_PORT": "9000",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "3",
        "GRACEFUL_TIMEOUT": "25",
        "DB_POOL_SIZE": "7",
        "CATALOGUE_REFRESH_SECONDS": "12",
    }
