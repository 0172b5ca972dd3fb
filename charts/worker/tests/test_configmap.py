"""The worker's settings as the ConfigMap passes them, and the values a cluster must give."""

import pytest


def test_sqs_broker_settings(render):
    data = render()["ConfigMap"]["data"]
    assert data["BROKER_URL"] == "sqs://"
    assert data["SQS_QUEUE_URL"] == "https://sqs.eu-west-1.amazonaws.com/123456789012/chr21-hml-jobs"
    assert (data["UPLOADS_LOCATION"], data["RESULTS_LOCATION"]) == (
        "s3://chr21-hml-uploads",
        "s3://chr21-hml-results",
    )
    assert data["JOB_QUEUE"] == "annotate"
    assert data["WORKER_METRICS_HOST"] == "0.0.0.0"


def test_other_brokers_get_no_queue_url(render):
    values = {"pipeline": {"brokerUrl": "redis://redis:6379/0"}, "keda": {"enabled": False}}
    assert "SQS_QUEUE_URL" not in render(values)["ConfigMap"]["data"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"pipeline": {"sqsQueueUrl": ""}}, "pipeline.sqsQueueUrl is required"),
        ({"pipeline": {"uploadsLocation": ""}}, "pipeline.uploadsLocation is required"),
        ({"pipeline": {"resultsLocation": ""}}, "pipeline.resultsLocation is required"),
        ({"database": {"host": ""}}, "database.host is required"),
    ],
)
def test_what_a_cluster_must_give_is_required(failure, values, message):
    assert message in failure(values)
