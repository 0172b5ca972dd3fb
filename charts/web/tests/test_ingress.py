"""templates/ingress.yaml: the frontend's host on the gene API's ALB (one ingress group)."""

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_one

ON = {"ingress": {"enabled": True, "host": "chr21.example.org"}}


def test_off_by_default(render):
    assert "Ingress" not in render()


def test_routes_the_host_to_the_service_and_checks_readiness(render):
    ingress = render(ON)["Ingress"]
    (rule,) = ingress["spec"]["rules"]
    assert rule["host"] == "chr21.example.org"
    assert rule["http"]["paths"][0]["backend"] == {"service": {"name": "web", "port": {"name": "http"}}}
    assert ingress["metadata"]["annotations"]["alb.ingress.kubernetes.io/healthcheck-path"] == "/readyz"


def test_shares_the_gene_apis_alb_by_default(render):
    # One ALB for both: the same group, and (the controller requires it of a group) the same scheme.
    api = render_one(
        "Ingress",
        values={**REQUIRED["gene-api"], "ingress": {"enabled": True, "host": "genes.example.org"}},
        show_only=["templates/ingress.yaml"],
    )["metadata"]["annotations"]
    web = render(ON)["Ingress"]["metadata"]["annotations"]
    for key in ("alb.ingress.kubernetes.io/group.name", "alb.ingress.kubernetes.io/scheme"):
        assert web[key] == api[key]


def test_https_and_waf_from_values(render):
    annotations = render(
        {
            "ingress": {
                **ON["ingress"],
                "certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
                "wafAclArn": "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/chr21/abc",
            }
        }
    )["Ingress"]["metadata"]["annotations"]
    assert annotations["alb.ingress.kubernetes.io/listen-ports"] == '[{"HTTPS": 443}]'
    assert annotations["alb.ingress.kubernetes.io/wafv2-acl-arn"].startswith("arn:aws:wafv2:")


def test_host_is_required(failure):
    assert "ingress.host is required" in failure({"ingress": {"enabled": True}})
