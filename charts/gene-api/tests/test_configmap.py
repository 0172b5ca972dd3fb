"""templates/configmap.yaml: the API's non-secret settings as environment variables."""

import pytest

from tests.support.chart_values import REQUIRED, merged
from tests.support.helm import render_error, render_one

DB = REQUIRED["gene-api"]


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
                "minBodyBytesPerSecond": 8192,
                "keepaliveSeconds": 90,
                "maxConnectionsPerWorker": 500,
            },
        }
    }
    data = render_one("ConfigMap", values=merged(DB, values), show_only=["templates/configmap.yaml"])["data"]
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
        "MIN_BODY_BYTES_PER_SECOND": "8192",
        "KEEPALIVE_SECONDS": "90",
        "MAX_CONNECTIONS_PER_WORKER": "500",
        "PIPELINE_BACKEND": "celery",
        "UPLOADS_LOCATION": "s3://chr21-hml-uploads",
        "RESULTS_LOCATION": "s3://chr21-hml-results",
        "UPLOAD_STAGING_FOLDER": "/staging",
        "MAX_UPLOAD_BYTES": "2147483648",
        "RESULT_URL_SECONDS": "300",
        "BROKER_URL": "sqs://",
        "JOB_QUEUE": "annotate",
        "SQS_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/chr21-hml-jobs",
    }


def configmap(pipeline: dict) -> dict:
    values = merged(DB, {"pipeline": pipeline})
    return render_one("ConfigMap", values=values, show_only=["templates/configmap.yaml"])["data"]


def test_a_large_upload_cap_is_written_in_full():
    # helm's numbers are float64: without int64 the value would be written as 6.8719476736e+10.
    assert configmap({"maxUploadBytes": 64 * 1024**3})["MAX_UPLOAD_BYTES"] == str(64 * 1024**3)


def test_other_brokers_get_no_queue_url():
    data = configmap({"brokerUrl": "redis://redis:6379/0"})
    assert data["BROKER_URL"] == "redis://redis:6379/0"
    assert "SQS_QUEUE_URL" not in data


def test_step_functions_backend_names_its_state_machine_and_no_broker():
    arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:chr21-hml-annotate"
    data = configmap({"backend": "stepfunctions", "stateMachineArn": arn})
    assert (data["PIPELINE_BACKEND"], data["STATE_MACHINE_ARN"]) == ("stepfunctions", arn)
    assert not {"BROKER_URL", "JOB_QUEUE", "SQS_QUEUE_URL"} & set(data)


@pytest.mark.parametrize(
    ("pipeline", "message"),
    [
        ({"uploadsLocation": ""}, "pipeline.uploadsLocation is required"),
        ({"resultsLocation": ""}, "pipeline.resultsLocation is required"),
        ({"sqsQueueUrl": ""}, "pipeline.sqsQueueUrl is required with brokerUrl sqs://"),
        ({"backend": "stepfunctions"}, "pipeline.stateMachineArn is required with backend stepfunctions"),
    ],
)
def test_what_a_cluster_must_give_is_required(pipeline, message):
    assert message in render_error(values=merged(DB, {"pipeline": pipeline}))
