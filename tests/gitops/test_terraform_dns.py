"""The apps' DNS records (terraform-bootstrap/dns.tf) against what each environment renders:
Terraform itself (`terraform console`) evaluates dns.tf's hosts from the environment's files,
and they must be exactly the Ingresses' hosts, each in the ALB group the Ingress joins, each
one label under the environment's domain (what its zone and its *.<domain> certificate
cover); the ALB is looked up by the tags the load balancer controller writes on it."""

import pytest
import yaml

from tests.support.terraform import BOOTSTRAP, blocks, evaluate, locals_blocks, plain, resources, unquoted

# The locals dns.tf reads: the domain (edge.tf's first block) and its own.
DNS_LOCALS = [locals_blocks(BOOTSTRAP / "edge.tf")[0], *locals_blocks(BOOTSTRAP / "dns.tf")]
ALB_GROUP = "alb.ingress.kubernetes.io/group.name"


def routed_hosts(rendered) -> dict[str, str]:
    """host => ALB group of every Ingress rule the environment renders."""
    found = {}
    for application in rendered.applications():
        for obj in rendered.objects(application):
            if obj["kind"] == "Ingress":
                for rule in obj["spec"]["rules"]:
                    found[rule["host"]] = obj["metadata"]["annotations"][ALB_GROUP]
    return found


def test_terraform_makes_a_record_for_every_host_the_environment_routes(rendered):
    hosts = evaluate("local.ingress_hosts", rendered.env, DNS_LOCALS)
    assert hosts == routed_hosts(rendered)
    assert hosts, "the environment routes no host"


def test_every_host_is_covered_by_the_zone_and_the_certificate(rendered):
    assert evaluate("local.hosts_outside_domain", rendered.env, DNS_LOCALS) == []


def fake_environment(root, apps: dict[str, dict]):
    folder = root / "environments" / "hml"
    (folder / "apps").mkdir(parents=True)
    (folder / "env.yaml").write_text(yaml.safe_dump({"environment": {"domain": "hml.chr21.example.org"}}))
    for app, values in apps.items():
        (folder / "apps" / f"{app}.yaml").write_text(yaml.safe_dump(values))
    (folder / "addons").mkdir()
    argo_cd = {"global": {"domain": "argocd.hml.chr21.example.org"}, "server": {"ingress": {}}}
    (folder / "addons" / "argo-cd.yaml").write_text(yaml.safe_dump(argo_cd))


def test_a_host_outside_the_domain_is_named(tmp_path):
    hosts = {
        "good": "genes.hml.chr21.example.org",
        "deeper": "a.genes.hml.chr21.example.org",
        "suffix": "genes.hml.chr21.example.org.evil.example",
        "lookalike": "genes-hml.chr21.example.org",
        "dotless": "genesxhml.chr21.example.org",
    }
    fake_environment(
        tmp_path,
        {app: {"ingress": {"enabled": True, "host": host, "groupName": "g"}} for app, host in hosts.items()},
    )
    outside = evaluate("local.hosts_outside_domain", "hml", DNS_LOCALS, repo=tmp_path)
    assert sorted(outside) == sorted(host for app, host in hosts.items() if app != "good")


def test_apps_without_an_enabled_ingress_get_no_record(tmp_path):
    fake_environment(
        tmp_path,
        {
            "worker": {"replicaCount": 1},
            "off": {"ingress": {"enabled": False, "host": "off.hml.chr21.example.org", "groupName": "g"}},
            "on": {"ingress": {"enabled": True, "host": "on.hml.chr21.example.org", "groupName": "g"}},
        },
    )
    hosts = evaluate("local.ingress_hosts", "hml", DNS_LOCALS, repo=tmp_path)
    assert hosts == {"on.hml.chr21.example.org": "g"}


def test_the_alb_is_found_by_the_tags_the_controller_writes(rendered):
    lookup = resources("aws_lbs", block="data")["ingress"]
    assert plain(lookup["tags"]) == {
        "elbv2.k8s.aws/cluster": "${local.name}",
        "ingress.k8s.aws/stack": "${each.key}",
    }
    # local.name is the cluster's name, and the controller tags with the name it is given.
    assert unquoted(blocks("module")["eks"]["name"]) == "${local.name}"
    controller = rendered.objects(f"aws-load-balancer-controller-{rendered.env}")
    (deployment,) = [o for o in controller if o["kind"] == "Deployment"]
    args = deployment["spec"]["template"]["spec"]["containers"][0]["args"]
    assert f"--cluster-name=chr21-{rendered.env}" in args
    assert 'name       = "chr21-${var.environment}"' in (BOOTSTRAP / "providers.tf").read_text()


def test_each_record_is_an_alias_of_its_groups_alb_in_the_environments_zone():
    record = resources("aws_route53_record")["app"]
    assert record["zone_id"] == "${data.aws_route53_zone.environment.zone_id}"
    assert unquoted(record["type"]) == "A"
    (alias,) = record["alias"]
    assert alias["name"] == "${data.aws_lb.ingress[each.value].dns_name}"
    assert alias["zone_id"] == "${data.aws_lb.ingress[each.value].zone_id}"


@pytest.mark.parametrize("environment", ["hml", "prod"])
def test_the_domain_is_env_yamls(environment):
    assert (
        evaluate("local.domain", environment, DNS_LOCALS)
        == yaml.safe_load((BOOTSTRAP.parent / "environments" / environment / "env.yaml").read_text())[
            "environment"
        ]["domain"]
    )
