"""KEDA scales the worker on its queue: with SQS, a trigger on the queue's URL read through the
worker's own IAM role; with another broker, the triggers the values give."""


def test_sqs_trigger_reads_the_queue_through_the_workers_role(render):
    objects = render({"keda": {"maxReplicaCount": 7, "jobsPerPod": 2}})
    scaled = objects["ScaledObject"]["spec"]
    assert scaled["scaleTargetRef"] == {"name": objects["Deployment"]["metadata"]["name"]}
    assert (scaled["minReplicaCount"], scaled["maxReplicaCount"]) == (0, 7)
    (trigger,) = scaled["triggers"]
    assert trigger["type"] == "aws-sqs-queue"
    assert trigger["metadata"] == {
        "queueURL": "https://sqs.eu-west-1.amazonaws.com/123456789012/chr21-hml-jobs",
        "awsRegion": "eu-west-1",
        "queueLength": "2",
        "scaleOnInFlight": "true",
    }
    assert trigger["authenticationRef"] == {"name": objects["TriggerAuthentication"]["metadata"]["name"]}
    assert objects["TriggerAuthentication"]["spec"] == {
        "podIdentity": {"provider": "aws", "identityOwner": "workload"}
    }


def test_the_region_comes_from_the_queue_url(render, failure):
    url = "https://sqs.us-east-2.amazonaws.com/123456789012/jobs"
    (trigger,) = render({"pipeline": {"sqsQueueUrl": url}})["ScaledObject"]["spec"]["triggers"]
    assert trigger["metadata"]["awsRegion"] == "us-east-2"


def test_another_broker_needs_triggers_of_its_own(render, failure):
    assert "keda.triggers is required" in failure({"pipeline": {"brokerUrl": "redis://redis:6379/0"}})
    redis = {
        "type": "redis",
        "metadata": {"address": "redis:6379", "listName": "annotate", "listLength": "1"},
    }
    objects = render({"pipeline": {"brokerUrl": "redis://redis:6379/0"}, "keda": {"triggers": [redis]}})
    assert objects["ScaledObject"]["spec"]["triggers"] == [redis]
    assert "TriggerAuthentication" not in objects


def test_off_means_no_keda_objects(render):
    objects = render({"keda": {"enabled": False}})
    assert "ScaledObject" not in objects
    assert "TriggerAuthentication" not in objects
