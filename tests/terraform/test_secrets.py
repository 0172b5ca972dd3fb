"""The platform's other secrets (secrets.tf), evaluated by Terraform itself where they are
expressions: the alert receivers' credentials come from a secret variable, checked before
anything is made (a Slack webhook; a PagerDuty key in prod, which pages), and are written under
the file names Alertmanager's receivers read."""

import pytest

from tests.support.terraform import alert_receivers_secret

SLACK = "https://hooks.slack.com/services/T000/B000/XXXX"


def test_hml_notifies_a_channel_only():
    assert alert_receivers_secret("hml", {"slack_webhook_url": SLACK}) == {"slack-webhook-url": SLACK}


def test_prod_pages_too():
    secret = alert_receivers_secret(
        "prod", {"slack_webhook_url": SLACK, "pagerduty_routing_key": "R0UT1NGKEY"}
    )
    assert secret == {"slack-webhook-url": SLACK, "pagerduty-routing-key": "R0UT1NGKEY"}


@pytest.mark.parametrize(
    ("environment", "receivers", "says"),
    [
        ("prod", {"slack_webhook_url": SLACK}, "pagerduty_routing_key is required"),
        ("hml", {"slack_webhook_url": "http://attacker.example/hook"}, "must be a Slack incoming webhook"),
    ],
)
def test_what_would_not_deliver_is_refused_before_anything_is_made(environment, receivers, says):
    with pytest.raises(RuntimeError, match=says):
        alert_receivers_secret(environment, receivers)
