"""The edge: a certificate for the environment's domain (env.yaml's, the one source) and every
name under it; a WAF web ACL with AWS's managed rules, a per-address rate limit and logs; both
ARNs reach the apps' Ingresses through the cluster secret only, never written in an
environment's values."""

import pytest
import yaml

from tests.support.paths import REPO
from tests.support.terraform import BOOTSTRAP, blocks, locals_, resources, unquoted

CERTIFICATE = blocks("module")["certificate"]
ACL = resources("aws_wafv2_web_acl")["edge"]


def test_the_certificate_covers_the_environments_domain_and_its_names():
    assert unquoted(locals_()["domain"]) == (
        '${yamldecode(file("${path.module}/../environments/${var.environment}/env.yaml")).environment.domain}'
    )
    assert CERTIFICATE["domain_name"] == "${local.domain}"
    assert [unquoted(n) for n in CERTIFICATE["subject_alternative_names"]] == ["*.${local.domain}"]
    assert unquoted(CERTIFICATE["validation_method"]) == "DNS"


def test_the_acl_has_the_managed_rules_a_rate_limit_and_logs():
    rules = set(locals_()["waf_managed_rules"]) | {unquoted(r["name"]) for r in ACL["rule"]}
    assert {
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesSQLiRuleSet",
    } <= rules
    (rate,) = [r for r in ACL["rule"] if unquoted(r["name"]) == "rate-limit-per-address"]
    statement = rate["statement"][0]["rate_based_statement"][0]
    assert statement["limit"] == "${var.waf_requests_per_5_minutes}"
    assert unquoted(statement["aggregate_key_type"]) == "IP"
    logging = resources("aws_wafv2_web_acl_logging_configuration")["edge"]
    assert logging["resource_arn"] == "${aws_wafv2_web_acl.edge.arn}"
    assert unquoted(resources("aws_cloudwatch_log_group")["waf"]["name"]).startswith("aws-waf-logs-")


@pytest.mark.parametrize("environment", ["hml", "prod"])
def test_no_environment_writes_the_arns_terraform_hands_over(environment):
    for path in sorted((REPO / "environments" / environment / "apps").glob("*.yaml")):
        ingress = (yaml.safe_load(path.read_text()) or {}).get("ingress", {})
        assert not {"certificateArn", "wafAclArn"} & set(ingress), path.name
    annotations = (BOOTSTRAP / "argocd.tf").read_text()
    assert "certificate_arn                           = module.certificate.acm_certificate_arn" in annotations
    assert "waf_acl_arn                               = aws_wafv2_web_acl.edge.arn" in annotations
