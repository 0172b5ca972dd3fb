"""templates/ingress.yaml: an ALB through the AWS Load Balancer Controller."""

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_chart, render_error, render_one

DB = REQUIRED["gene-api"]
CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
WAF = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/chr21/abc"


def ingress(**values):
    ingress_values = {"enabled": True, "host": "genes.example.org", **values}
    return render_one(
        "Ingress", values={**DB, "ingress": ingress_values}, show_only=["templates/ingress.yaml"]
    )


def test_off_by_default():
    assert not [o for o in render_chart(values=DB) if o["kind"] == "Ingress"]


def test_alb_class_scheme_certificate_waf_and_group_from_values():
    rendered = ingress(scheme="internet-facing", certificateArn=CERT, wafAclArn=WAF, groupName="chr21-prod")
    annotations = rendered["metadata"]["annotations"]
    assert rendered["spec"]["ingressClassName"] == "alb"
    assert annotations["alb.ingress.kubernetes.io/scheme"] == "internet-facing"
    assert annotations["alb.ingress.kubernetes.io/certificate-arn"] == CERT
    assert annotations["alb.ingress.kubernetes.io/wafv2-acl-arn"] == WAF
    assert annotations["alb.ingress.kubernetes.io/group.name"] == "chr21-prod"
    assert annotations["alb.ingress.kubernetes.io/listen-ports"] == '[{"HTTPS": 443}]'
    assert annotations["alb.ingress.kubernetes.io/target-type"] == "ip"
    assert annotations["alb.ingress.kubernetes.io/healthcheck-path"] == "/readyz"


def test_routes_the_host_to_the_service():
    (rule,) = ingress()["spec"]["rules"]
    assert rule["host"] == "genes.example.org"
    assert rule["http"]["paths"][0]["backend"] == {"service": {"name": "gene-api", "port": {"name": "http"}}}


def test_no_waf_or_https_annotations_without_arns():
    annotations = ingress()["metadata"]["annotations"]
    assert "alb.ingress.kubernetes.io/wafv2-acl-arn" not in annotations
    assert "alb.ingress.kubernetes.io/certificate-arn" not in annotations


def test_host_is_required():
    assert "ingress.host is required" in render_error(values={**DB, "ingress": {"enabled": True}})
