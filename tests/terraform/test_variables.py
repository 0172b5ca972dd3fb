"""Every variable of terraform-bootstrap is typed and described; each environment's tfvars
sets only variables that exist and every one without a default, but the secret ones, which
no tfvars file holds and the README says how to give; the environments differ where the issue
says they must (zones, NAT gateways, the public endpoint)."""

import ipaddress
import json

import pytest
import yaml

from tests.support.paths import REPO
from tests.support.terraform import blocks, evaluate, plain, tfvars, unquoted, variable_block

VARIABLES = blocks("variable")
ENVIRONMENTS = ["hml", "prod"]
SECRET = {name for name, body in VARIABLES.items() if body.get("sensitive") is True}


@pytest.mark.parametrize("name", sorted(VARIABLES))
def test_every_variable_has_a_type_and_a_description(name):
    assert VARIABLES[name].get("type"), f"{name} has no type"
    assert len(unquoted(VARIABLES[name].get("description", ""))) > 10, f"{name} has no description"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_tfvars_set_declared_variables_and_every_required_one(environment):
    values = tfvars(environment)
    assert set(values) <= set(VARIABLES), f"not variables: {sorted(set(values) - set(VARIABLES))}"
    required = {name for name, body in VARIABLES.items() if "default" not in body} - SECRET
    assert required <= set(values), f"{environment}.tfvars misses {sorted(required - set(values))}"
    assert unquoted(values["environment"]) == environment


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_secret_variables_are_in_no_tfvars_and_the_readme_says_how_to_give_them(environment):
    assert SECRET, "no sensitive variable"
    assert not SECRET & set(tfvars(environment))
    readme = (REPO / "terraform-bootstrap" / "README.md").read_text()
    for name in SECRET:
        assert f"TF_VAR_{name}" in readme, name


def test_hml_is_two_zones_and_one_nat_prod_three_and_one_per_zone_without_a_public_endpoint():
    hml, prod = tfvars("hml"), tfvars("prod")
    assert (len(hml["availability_zones"]), hml["single_nat_gateway"]) == (2, True)
    assert (len(prod["availability_zones"]), prod["single_nat_gateway"]) == (3, False)
    # prod's API endpoint is private unless an apply gives its own address (README, From an
    # empty account); hml's is open to the team's range.
    assert "cluster_endpoint_public_access_cidrs" not in prod
    assert plain(hml["cluster_endpoint_public_access_cidrs"]) == ["203.0.113.0/24"]
    eks = blocks("module")["eks"]
    assert eks["endpoint_public_access"] == "${length(var.cluster_endpoint_public_access_cidrs) > 0}"
    assert eks["endpoint_private_access"] is True


@pytest.mark.parametrize(
    ("cidrs", "accepted"),
    [
        ('["198.51.100.7/32"]', True),
        ('["203.0.113.0/24", "10.0.0.0/16"]', True),
        ("[]", True),
        ('["0.0.0.0/0"]', False),
        ('["10.0.0.0/8"]', False),
        ('["198.51.100.7"]', False),
        ('["2001:db8::/64"]', False),
        ('["not-an-address/32"]', False),
    ],
)
def test_the_api_endpoint_opens_to_narrow_ranges_only(cidrs, accepted):
    block = variable_block("cluster_endpoint_public_access_cidrs")
    variables = {"cluster_endpoint_public_access_cidrs": cidrs}
    if accepted:
        assert evaluate(
            "var.cluster_endpoint_public_access_cidrs", "prod", [block], variables=variables
        ) == json.loads(cidrs)
    else:
        with pytest.raises(RuntimeError, match="never open to the whole internet"):
            evaluate("var.cluster_endpoint_public_access_cidrs", "prod", [block], variables=variables)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_vpc_is_the_network_the_charts_allow(environment):
    # The apps' NetworkPolicies name the VPC's block (databaseCidr, ingressCidrs).
    vpc = ipaddress.ip_network(unquoted(tfvars(environment)["vpc_cidr"]))
    for app in ("gene-api", "web", "worker"):
        values = yaml.safe_load((REPO / "environments" / environment / "apps" / f"{app}.yaml").read_text())
        policy = values.get("networkPolicy", {})
        for cidr in [policy.get("databaseCidr"), *policy.get("ingressCidrs", [])]:
            if cidr:
                assert ipaddress.ip_network(cidr).subnet_of(vpc), f"{app}: {cidr} is outside {vpc}"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_kubernetes_version_is_the_one_argo_cd_renders_for(environment):
    env = yaml.safe_load((REPO / "environments" / environment / "env.yaml").read_text())["environment"]
    assert env["kubeVersion"].startswith(unquoted(tfvars(environment)["kubernetes_version"]) + ".")
