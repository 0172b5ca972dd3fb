"""values.schema.json refuses what would deploy a broken worker, naming the value."""

import pytest


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"app": {"concurrency": 0}}, "app.concurrency"),
        ({"app": {"typo": 1}}, "Additional property typo"),
        ({"pipeline": {"brokerUrl": "kafka://x"}}, "pipeline.brokerUrl"),
        ({"pipeline": {"sqsQueueUrl": "http://sqs.example.org/q"}}, "pipeline.sqsQueueUrl"),
        ({"pipeline": {"uploadsLocation": "/data/uploads"}}, "pipeline.uploadsLocation"),
        ({"pipeline": {"queue": "a queue"}}, "pipeline.queue"),
        ({"keda": {"maxReplicaCount": 0}}, "keda.maxReplicaCount"),
        ({"image": {"digest": "latest"}}, "image.digest"),
    ],
)
def test_bad_values_are_refused_by_name(failure, values, message):
    assert message in failure(values)
