"""Argo CD's notifications, as each environment's Argo CD is configured (the rendered
argocd-notifications-cm): every subscription names triggers and a service that exist, every
trigger sends templates that exist, every template renders with a sample Application into the
JSON the channel's webhook takes, and the service's `$secret-key` is a key of the Secret
charts/platform writes from Secrets Manager."""

import json
import re

import pytest
import yaml

from tests.support.gitops import render_go_templates

# What each environment is told about (prod also: OutOfSync for an hour, as it syncs by hand).
SUBSCRIBED = {
    "hml": {"on-sync-failed", "on-health-degraded"},
    "prod": {"on-sync-failed", "on-health-degraded", "on-out-of-sync-an-hour"},
}

# Shaped as ours are: multi-source, so Argo CD reports `revisions` (one per source), no `revision`.
REVISIONS = ["e9733df4fe61a73ebc9fcb1718b3163b48028586", "2fdd0f8d2df8f2589d5cc3ea37679cc3d8d3c3c3"]
SAMPLE_APPLICATION = {
    "metadata": {"name": "gene-api-prod", "namespace": "argocd"},
    "spec": {"project": "platform-apps", "sources": [{}, {}]},
    "status": {
        "sync": {"status": "OutOfSync", "revisions": REVISIONS},
        "health": {"status": "Degraded", "message": 'Deployment "gene-api" exceeded its progress deadline'},
        "operationState": {
            "phase": "Failed",
            "message": "one or more objects failed to apply",
            "finishedAt": "2026-12-07T10:00:00Z",
            "syncResult": {"revisions": REVISIONS},
        },
    },
}
# What a multi-source Application's status never holds (types.go: SyncStatus.Revision omitempty).
SINGLE_SOURCE_ONLY = ("app.status.sync.revision", "syncResult.revision")


def argo_cd(rendered) -> list[dict]:
    return rendered.objects(f"argo-cd-{rendered.env}")


@pytest.fixture
def config(rendered) -> dict[str, str]:
    return rendered.one(f"argo-cd-{rendered.env}", "ConfigMap", "argocd-notifications-cm")["data"]


def named(config: dict[str, str], kind: str) -> dict[str, object]:
    """`kind.<name>` entries (trigger, template), parsed, by name."""
    return {
        key.removeprefix(f"{kind}."): yaml.safe_load(v)
        for key, v in config.items()
        if key.startswith(f"{kind}.")
    }


def services(config: dict[str, str]) -> dict[str, dict]:
    """service.<type>.<name> entries by name (a webhook's name is the recipient's service)."""
    return {
        key.split(".", 2)[2]: yaml.safe_load(v) for key, v in config.items() if key.startswith("service.")
    }


def test_every_subscription_names_triggers_and_services_that_exist(rendered, config):
    subscriptions = yaml.safe_load(config["subscriptions"])
    triggers = named(config, "trigger")
    subscribed = set()
    for subscription in subscriptions:
        for recipient in subscription["recipients"]:
            assert recipient.split(":")[0] in services(config), recipient
        assert set(subscription["triggers"]) <= set(triggers)
        subscribed |= set(subscription["triggers"])
    assert subscribed == SUBSCRIBED[rendered.env]
    assert set(triggers) >= subscribed


def test_every_trigger_sends_templates_that_exist(config):
    templates = named(config, "template")
    for name, conditions in named(config, "trigger").items():
        for condition in conditions:
            assert set(condition["send"]) <= set(templates), name
            assert condition["when"].strip(), name
            # A field our Applications never have would make oncePer a constant: one message, ever.
            read = condition["when"] + " " + condition.get("oncePer", "")
            assert not [f for f in SINGLE_SOURCE_ONLY if re.search(rf"{re.escape(f)}\b(?!s)", read)], name


def test_no_template_reads_what_our_applications_never_have(config):
    for name, template in named(config, "template").items():
        for message in template["webhook"].values():
            assert ".status.sync.revision " not in message["body"] + " ", name
            assert not re.search(r"\.revision\b(?!s)", message["body"]), name


def test_every_template_renders_the_webhooks_json_for_a_sample_application(rendered, config):
    url = yaml.safe_load(config["context"])["argocdUrl"]
    jobs = []
    for name, template in named(config, "template").items():
        for service, message in template["webhook"].items():
            assert service in services(config), f"{name} posts to {service}, which is not a service"
            assert message["method"] == "POST"
            jobs.append((name, message["body"]))
    bodies = render_go_templates(
        [(body, {"app": SAMPLE_APPLICATION, "context": {"argocdUrl": url}}) for _, body in jobs]
    )
    for (name, _), body in zip(jobs, bodies, strict=True):
        text = json.loads(body)["text"]
        assert "gene-api-prod" in text, name
        assert f"{url}/applications/gene-api-prod" in text, name
    assert len(jobs) == len(named(config, "template"))


def test_the_channels_webhook_is_a_key_of_the_secret_platform_writes(rendered, config):
    argocd_namespace = rendered.applications()[f"argo-cd-{rendered.env}"]["spec"]["destination"]["namespace"]
    (secret_key,) = {
        s["url"].removeprefix("$") for s in services(config).values() if s["url"].startswith("$")
    }
    # The chart makes no Secret of that name to fight the ExternalSecret over it.
    assert not [o for o in argo_cd(rendered) if o["metadata"]["name"] == "argocd-notifications-secret"]
    (writer,) = [
        o
        for o in rendered.objects(f"platform-{rendered.env}")
        if o["kind"] == "ExternalSecret" and o["spec"]["target"]["name"] == "argocd-notifications-secret"
    ]
    assert writer["metadata"]["namespace"] == argocd_namespace
    assert [d["secretKey"] for d in writer["spec"]["data"]] == [secret_key]
    # The Slack webhook Alertmanager's receivers take, from the same Secrets Manager secret.
    receivers = rendered.one(f"platform-{rendered.env}", "ExternalSecret", "alertmanager-receivers")
    assert writer["spec"]["data"][0]["remoteRef"] == {
        "key": receivers["spec"]["dataFrom"][0]["extract"]["key"],
        "property": "slack-webhook-url",
    }
