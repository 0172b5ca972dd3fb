"""Every variable of terraform-bootstrap is typed and described; each environment's tfvars
sets only variables that exist and every one without a default, but the secret ones, which
no tfvars file holds and the README says how to give; the environments differ where the issue
says they must (zones, NAT gateways, the public endpoint)."""

import ipaddress

import pytest
import yaml

from tests.support.paths import REPO
from tests.support.terraform import blocks, tfvars, unquoted

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
    assert prod["cluster_endpoint_public_access"] is False


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
