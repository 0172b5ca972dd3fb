"""CloudWatch alarms: each of what the issue asks watched (the state machine's failures, the
jobs queue's age, Aurora's connections and CPU, the ALB's 5xx) has an alarm, and every alarm
tells the one SNS topic when it fires and when it clears."""

from tests.support.terraform import locals_, resources, unquoted

ALARMS = resources("aws_cloudwatch_metric_alarm")


def watched() -> set[tuple[str, str]]:
    found = {(unquoted(a["namespace"]), unquoted(a["metric"])) for a in locals_()["alarms"].values()}
    for alarm in ALARMS.values():
        for query in alarm.get("metric_query", []):
            if "HTTPCode_Target_5XX_Count" in query["expression"]:
                found.add(("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"))
    return found


def test_what_the_issue_asks_is_watched():
    assert {
        ("AWS/States", "ExecutionsFailed"),
        ("AWS/SQS", "ApproximateAgeOfOldestMessage"),
        ("AWS/RDS", "DatabaseConnections"),
        ("AWS/RDS", "CPUUtilization"),
        ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"),
    } <= watched()


def test_every_alarm_tells_the_topic_when_it_fires_and_when_it_clears():
    assert set(ALARMS) == {"platform", "alb_5xx"}
    for name, alarm in ALARMS.items():
        assert alarm["alarm_actions"] == ["${aws_sns_topic.alarms.arn}"], name
        assert alarm["ok_actions"] == ["${aws_sns_topic.alarms.arn}"], name
        assert unquoted(alarm["treat_missing_data"]) == "notBreaching", name
    assert resources("aws_sns_topic")["alarms"]["kms_master_key_id"] == "${aws_kms_key.data.arn}"
