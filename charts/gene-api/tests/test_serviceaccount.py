"""templates/serviceaccount.yaml: IRSA role annotation, no token."""

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_chart, render_one

DB = REQUIRED["gene-api"]
ROLE = "arn:aws:iam::123456789012:role/chr21-hml-gene-api"


def test_irsa_role_annotation_and_no_token():
    account = render_one("ServiceAccount", values={**DB, "serviceAccount": {"roleArn": ROLE}})
    assert account["metadata"]["annotations"] == {"eks.amazonaws.com/role-arn": ROLE}
    assert account["automountServiceAccountToken"] is False


def test_no_annotation_without_a_role():
    assert "annotations" not in render_one("ServiceAccount", values=DB)["metadata"]


def test_pods_use_an_existing_account_when_not_created():
    objects = render_chart(values={**DB, "serviceAccount": {"create": False, "name": "shared"}})
    assert not [o for o in objects if o["kind"] == "ServiceAccount"]
    deployment = next(o for o in objects if o["kind"] == "Deployment")
    assert deployment["spec"]["template"]["spec"]["serviceAccountName"] == "shared"
