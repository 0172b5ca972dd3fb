"""CloudWatch alarms: each of what the issues ask watched (the state machine's failures, the
jobs queue's age, Aurora's connections and CPU, the ALB's target 5xx, its own 5xx and its
latency) has an alarm; every alarm tells the one SNS topic when it fires and when it clears;
and prod's topic has someone to tell (its plan refuses an empty `alarm_emails`)."""

import fnmatch
import json
import re

import pytest

from tests.support.paths import REPO
from tests.support.terraform import evaluate, locals_, resources, tfvars, unquoted, variable_block

ALARMS = resources("aws_cloudwatch_metric_alarm")


def watched() -> set[tuple[str, str]]:
    found = {(unquoted(a["namespace"]), unquoted(a["metric"])) for a in locals_()["alarms"].values()}
    for alarm in locals_()["alb_alarms"].values():
        metric = unquoted(alarm["query"]).split("(")[1].split(")")[0]
        found.add(("AWS/ApplicationELB", metric))
    return found


def test_what_the_issue_asks_is_watched():
    assert {
        ("AWS/States", "ExecutionsFailed"),
        ("AWS/SQS", "ApproximateAgeOfOldestMessage"),
        ("AWS/RDS", "DatabaseConnections"),
        ("AWS/RDS", "CPUUtilization"),
        ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"),
        ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count"),
        ("AWS/ApplicationELB", "TargetResponseTime"),
    } <= watched()


def test_every_alarm_tells_the_topic_when_it_fires_and_when_it_clears():
    assert set(ALARMS) == {"platform", "alb"}
    for name, alarm in ALARMS.items():
        assert alarm["alarm_actions"] == ["${aws_sns_topic.alarms.arn}"], name
        assert alarm["ok_actions"] == ["${aws_sns_topic.alarms.arn}"], name
        assert unquoted(alarm["treat_missing_data"]) == "notBreaching", name
    assert resources("aws_sns_topic")["alarms"]["kms_master_key_id"] == "${aws_kms_key.data.arn}"


def alarm_emails(environment: str, addresses: list[str]):
    return evaluate(
        "var.alarm_emails",
        environment,
        [variable_block("alarm_emails")],
        variables={"alarm_emails": json.dumps(addresses)},
    )


def test_prod_refuses_to_plan_without_someone_to_tell():
    with pytest.raises(RuntimeError, match="prod's alarms must reach someone"):
        alarm_emails("prod", [])
    assert alarm_emails("prod", ["oncall@example.org"]) == ["oncall@example.org"]
    assert alarm_emails("hml", []) == []


@pytest.mark.parametrize("address", ["oncall", "on call@example.org", "a@b", "@example.org"])
def test_only_email_addresses_are_subscribed(address):
    with pytest.raises(RuntimeError, match="e-mail addresses only"):
        alarm_emails("hml", [address])


def key_policy(environment: str) -> dict:
    """The platform key's policy as Terraform renders it, for a made-up account."""
    expression = resources("aws_kms_key")["data"]["policy"].removeprefix("${").removesuffix("}")
    blocks = [
        'variable "region" {\n  type = string\n}',
        'locals {\n  name       = "chr21-${var.environment}"\n  account_id = "123456789012"\n}',
    ]
    return json.loads(evaluate(expression, environment, blocks, variables={"region": "eu-west-1"}))


@pytest.mark.parametrize("environment", ["hml", "prod"])
def test_cloudwatch_may_use_the_key_of_the_topic_for_every_alarm_and_only_ours(environment):
    """The topic is encrypted with the platform's key: CloudWatch publishes only with its use."""
    (statement,) = [
        s
        for s in key_policy(environment)["Statement"]
        if s["Principal"].get("Service") == "cloudwatch.amazonaws.com"
    ]
    assert {"kms:Decrypt", "kms:GenerateDataKey*"} <= set(statement["Action"])
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    pattern = statement["Condition"]["ArnLike"]["aws:SourceArn"]
    names = [*locals_()["alarms"], *locals_()["alb_alarms"]]
    for name in names:
        arn = f"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:chr21-{environment}-{name}"
        assert fnmatch.fnmatchcase(arn, pattern), arn
    other = "hml" if environment == "prod" else "prod"
    assert not fnmatch.fnmatchcase(
        f"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:chr21-{other}-x", pattern
    )
    for alarm in ALARMS.values():
        assert unquoted(alarm["alarm_name"]) == "${local.name}-${each.key}"


def estimated_monthly_usd() -> dict[str, float]:
    """The README's cost estimate: its total row, per environment."""
    readme = (REPO / "terraform-bootstrap" / "README.md").read_text()
    (hml, prod) = re.search(
        r"^\| \*\*total\*\* \| \| \*\*\$([0-9,.]+)\*\* \| \*\*\$([0-9,.]+)\*\* \|$", readme, re.M
    ).groups()
    return {"hml": float(hml.replace(",", "")), "prod": float(prod.replace(",", ""))}


@pytest.mark.parametrize("environment", ["hml", "prod"])
def test_each_environment_has_a_budget_above_its_estimate_telling_the_alarm_addresses(environment):
    budget = tfvars(environment)["monthly_budget_usd"]
    assert estimated_monthly_usd()[environment] < budget <= 2 * estimated_monthly_usd()[environment]
    monthly = resources("aws_budgets_budget")["monthly"]
    assert unquoted(monthly["limit_amount"]) == "${tostring(var.monthly_budget_usd)}"
    assert (unquoted(monthly["budget_type"]), unquoted(monthly["time_unit"])) == ("COST", "MONTHLY")
    told = {(unquoted(n["notification_type"]), n["threshold"]) for n in monthly["notification"]}
    assert told == {("ACTUAL", 80), ("FORECASTED", 100)}
    for notification in monthly["notification"]:
        assert notification["subscriber_email_addresses"] == "${var.alarm_emails}"
    # prod always has an address (its validation), so always a budget.
    assert unquoted(monthly["count"]) == "${length(var.alarm_emails) > 0 ? 1 : 0}"
