"""Argo CD's UI and CLI are reachable and SSO-only: argocd-server behind an Ingress on a host one
label under the environment's domain (its DNS record and certificate are terraform-bootstrap's,
its scheme a value per environment), no local admin, and the SSO client secret carried from
the Secrets Manager secret Terraform makes, through charts/platform's ExternalSecret, to the
`$secret:key` reference Argo CD's oidc.config reads. Each seam is read from both sides."""

import re

import pytest
import yaml

from tests.support.gitops import cluster_secret_stand_in
from tests.support.paths import REPO
from tests.support.terraform import BOOTSTRAP, evaluate, locals_, locals_blocks, variable_block

# internal: inside the VPC only; internet-facing: behind the WAF. SSO either way.
SCHEME = {"hml": "internet-facing", "prod": "internal"}
PART_OF_ARGOCD = {"app.kubernetes.io/part-of": "argocd"}


def argo_cd(rendered, kind: str, name: str) -> dict:
    """One object of the environment's argo-cd Application."""
    return rendered.one(f"argo-cd-{rendered.env}", kind, name)


def environment(env: str) -> dict:
    return yaml.safe_load((REPO / "environments" / env / "env.yaml").read_text())["environment"]


def test_the_ui_has_one_host_under_the_environments_domain(rendered):
    objects = rendered.objects(f"argo-cd-{rendered.env}")
    assert [o["metadata"]["name"] for o in objects if o["kind"] == "Ingress"] == ["argocd-server"]
    ingress = argo_cd(rendered, "Ingress", "argocd-server")
    (rule,) = ingress["spec"]["rules"]
    assert re.fullmatch(rf"[a-z0-9-]+\.{re.escape(environment(rendered.env)['domain'])}", rule["host"])
    (path,) = rule["http"]["paths"]
    service = argo_cd(rendered, "Service", path["backend"]["service"]["name"])
    port = next(
        p for p in service["spec"]["ports"] if p["port"] == path["backend"]["service"]["port"]["number"]
    )
    # TLS ends at the ALB; argocd-server serves the UI, its API and gRPC-web (the CLI) on HTTP.
    assert service["metadata"]["name"] == "argocd-server"
    assert port["name"] == "http"
    config = argo_cd(rendered, "ConfigMap", "argocd-cmd-params-cm")["data"]
    assert config["server.insecure"] == "true"
    # Argo CD's own links (SSO callback, notifications) use the same host.
    assert argo_cd(rendered, "ConfigMap", "argocd-cm")["data"]["url"] == f"https://{rule['host']}"


def test_the_ui_is_served_as_the_apps_are_with_its_scheme_by_environment(rendered):
    annotations = argo_cd(rendered, "Ingress", "argocd-server")["metadata"]["annotations"]
    facts = cluster_secret_stand_in(rendered.env)["metadata"]["annotations"]
    assert argo_cd(rendered, "Ingress", "argocd-server")["spec"]["ingressClassName"] == "alb"
    assert annotations["alb.ingress.kubernetes.io/scheme"] == SCHEME[rendered.env]
    assert annotations["alb.ingress.kubernetes.io/certificate-arn"] == facts["certificate_arn"]
    assert annotations["alb.ingress.kubernetes.io/wafv2-acl-arn"] == facts["waf_acl_arn"]
    assert annotations["alb.ingress.kubernetes.io/listen-ports"] == '[{"HTTPS": 443}]'
    # The same TLS policy as the apps' Ingresses.
    apps = [o for o in rendered.objects(f"gene-api-{rendered.env}") if o["kind"] == "Ingress"]
    policy = "alb.ingress.kubernetes.io/ssl-policy"
    assert annotations[policy] == apps[0]["metadata"]["annotations"][policy]


def test_sign_in_is_sso_only(rendered):
    config = argo_cd(rendered, "ConfigMap", "argocd-cm")["data"]
    assert config["admin.enabled"] == "false"
    assert config.get("users.anonymous.enabled", "false") == "false"
    assert not [key for key in config if key.startswith("accounts.")], "no local accounts"
    objects = rendered.objects(f"argo-cd-{rendered.env}")
    assert not [o for o in objects if "dex" in o["metadata"]["name"]], "no Dex: OIDC straight"
    oidc = yaml.safe_load(config["oidc.config"])
    assert oidc["clientID"] == f"argocd-{rendered.env}"


def test_the_sso_client_secret_reaches_argo_cd_from_the_secret_terraform_makes(rendered):
    oidc = yaml.safe_load(argo_cd(rendered, "ConfigMap", "argocd-cm")["data"]["oidc.config"])
    secret, key = re.fullmatch(r"\$([a-z0-9-]+):(\w+)", oidc["clientSecret"]).groups()
    # charts/platform writes that Secret, in Argo CD's namespace, labelled so Argo CD reads it ...
    argocd_namespace = rendered.applications()[f"argo-cd-{rendered.env}"]["spec"]["destination"]["namespace"]
    writer = rendered.one(f"platform-{rendered.env}", "ExternalSecret", secret)
    assert writer["metadata"]["namespace"] == argocd_namespace
    assert writer["spec"]["target"]["name"] == secret
    assert writer["spec"]["target"]["template"]["metadata"]["labels"] == PART_OF_ARGOCD
    # ... from the Secrets Manager secret Terraform makes, which holds that key.
    (extract,) = writer["spec"]["dataFrom"]
    assert extract["extract"]["key"] == f"chr21/{rendered.env}/argo-cd/sso"
    assert locals_()["json_secrets"]['"argo-cd/sso"'] == "${local.argocd_sso_secret}"
    (block,) = [b for b in locals_blocks(BOOTSTRAP / "secrets.tf") if "argocd_sso_secret =" in b]
    made = evaluate(
        "keys(local.argocd_sso_secret)",
        rendered.env,
        [variable_block("argocd_sso_client_secret"), block],
        variables={"argocd_sso_client_secret": "a-client-secret-of-32-characters"},
    )
    assert made == [key]


@pytest.mark.parametrize("secret", ["", "short", "with spaces in it, 16+"])
def test_terraform_refuses_a_client_secret_that_is_not_one(secret):
    with pytest.raises(Exception, match="argocd_sso_client_secret must be"):
        evaluate(
            "var.argocd_sso_client_secret",
            "hml",
            [variable_block("argocd_sso_client_secret")],
            variables={"argocd_sso_client_secret": secret},
        )


def test_the_runbooks_sign_in_where_prod_serves_the_ui(renders):
    host = renders["prod"].one("argo-cd-prod", "Ingress", "argocd-server")["spec"]["rules"][0]["host"]
    text = (REPO / "docs" / "runbooks" / "README.md").read_text()
    assert f"argocd login {host} --sso --grpc-web" in text
    assert f"https://{host}" in text
