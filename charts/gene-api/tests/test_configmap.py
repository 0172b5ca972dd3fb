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
            "metricsPort": 9100,
            "cacheMaxAgeSeconds": 30,
            "limits": {
                "batchBodyBytes": 100000,
                "headerTimeoutSeconds": 5,
                "bodyTimeoutSeconds": 15,
                "keepaliveSeconds": 90,
                "maxConnectionsPerWorker": 500,
            },
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
        "METRICS_PORT": "9100",
        "CACHE_MAX_AGE_SECONDS": "30",
        "BATCH_BODY_LIMIT_BYTES": "100000",
        "HEADER_TIMEOUT_SECONDS": "5",
        "BODY_TIMEOUT_SECONDS": "15",
        "KEEPALIVE_SECONDS": "90",
        "MAX_CONNECTIONS_PER_WORKER": "500",
    }
