"""Only the apps that use the database reach it. Aurora's security group admits the cluster's
nodes and the Batch jobs (terraform-bootstrap/aurora.tf), so which pods get there is decided by
NetworkPolicies, which the VPC CNI enforces (eks.tf). Read together: the database subnets'
block Terraform makes is the one the cluster secret hands over; every pod the render runs
outside host networking is selected by an egress policy; and only the database users' pods
have a rule that reaches that block on PostgreSQL's port."""

import ipaddress
import json

import pytest

from tests.support.gitops import cluster_secret_stand_in, pod_templates
from tests.support.terraform import (
    BOOTSTRAP,
    blocks,
    evaluate,
    locals_,
    locals_blocks,
    plain,
    tfvars,
    unquoted,
    variable_block,
)

POSTGRESQL = 5432
ANYWHERE = ipaddress.ip_network("0.0.0.0/0")


def database_cidr(environment: str) -> ipaddress.IPv4Network:
    """The database subnets' block, as Terraform computes it for the environment."""
    cidr = evaluate(
        "local.database_cidr",
        environment,
        [variable_block("vpc_cidr"), locals_blocks(BOOTSTRAP / "vpc.tf")[0]],
        variables={"vpc_cidr": unquoted(tfvars(environment)["vpc_cidr"])},
    )
    return ipaddress.ip_network(cidr)


def test_aurora_admits_the_nodes_and_the_batch_jobs_only():
    rules = blocks("module")["aurora"]["security_group_ingress_rules"]
    assert {name: rule["referenced_security_group_id"] for name, rule in rules.items()} == {
        "cluster_nodes": "${module.eks.node_security_group_id}",
        "batch_jobs": "${aws_security_group.batch.id}",
    }


def test_the_vpc_cni_enforces_network_policies():
    vpc_cni = blocks("module")["eks"]["addons"]["vpc-cni"]
    configuration = vpc_cni["configuration_values"]
    assert configuration == '${jsonencode({enableNetworkPolicy = "true"})}'


def test_the_database_subnets_are_the_block_terraform_hands_over(rendered):
    block = database_cidr(rendered.env)
    subnets = evaluate(
        "[for i, zone in var.availability_zones : cidrsubnet(local.database_cidr, 2, i)]",
        rendered.env,
        [
            variable_block("vpc_cidr"),
            variable_block("availability_zones"),
            locals_blocks(BOOTSTRAP / "vpc.tf")[0],
        ],
        variables={
            "vpc_cidr": unquoted(tfvars(rendered.env)["vpc_cidr"]),
            "availability_zones": json.dumps(plain(tfvars(rendered.env)["availability_zones"])),
        },
    )
    assert "cidrsubnet(local.database_cidr, 2, i)" in (BOOTSTRAP / "vpc.tf").read_text()
    assert all(ipaddress.ip_network(subnet).subnet_of(block) for subnet in subnets)
    stand_in = cluster_secret_stand_in(rendered.env)
    assert stand_in["metadata"]["annotations"]["database_cidr"] == str(block)
    assert (
        "database_cidr                             = local.database_cidr"
        in (BOOTSTRAP / "argocd.tf").read_text()
    )
    platform = next(
        obj for obj in rendered.objects(f"platform-{rendered.env}") if obj["kind"] == "NetworkPolicy"
    )
    assert platform["spec"]["egress"][0]["to"][0]["ipBlock"]["except"] == [str(block)]


def opens_postgresql(port: dict) -> bool:
    """A ports entry: no port means every port (of its protocol); a named port is a pod's."""
    if port.get("protocol", "TCP") != "TCP":
        return False
    number = port.get("port")
    if number is None:
        return True
    return isinstance(number, int) and number <= POSTGRESQL <= port.get("endPort", number)


def reaches(rule: dict, block: ipaddress.IPv4Network) -> bool:
    """Whether an egress rule lets a pod open a PostgreSQL connection into the block."""
    ports = rule.get("ports")
    if ports and not any(opens_postgresql(port) for port in ports):
        return False
    peers = rule.get("to")
    if not peers:
        return True  # to anywhere
    for peer in peers:
        ip_block = peer.get("ipBlock")
        if not ip_block:
            continue  # pods, not the database's addresses
        cidr = ipaddress.ip_network(ip_block["cidr"])
        excepted = [ipaddress.ip_network(e) for e in ip_block.get("except", [])]
        if cidr.overlaps(block) and not any(block.subnet_of(e) for e in excepted):
            return True
    return False


def selects(policy: dict, namespace: str, labels: dict) -> bool:
    if policy["metadata"]["namespace"] != namespace:
        return False
    selector = policy["spec"]["podSelector"]
    assert set(selector) <= {"matchLabels"}, selector  # what the charts use; extend when they do
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def test_only_the_database_users_reach_the_database(rendered):
    block = database_cidr(rendered.env)
    users = set(
        plain(tfvars(rendered.env).get("database_users", blocks("variable")["database_users"]["default"]))
    )
    policies, pods = [], []
    for application, spec in rendered.applications().items():
        objects = rendered.objects(application)
        default = spec["spec"]["destination"]["namespace"]
        for obj in objects:
            if obj["kind"] == "NetworkPolicy":
                obj["metadata"].setdefault("namespace", default)
                policies.append(obj)
        for workload, template in pod_templates(objects):
            if not template["spec"].get("hostNetwork"):
                namespace = workload["metadata"].get("namespace") or default
                labels = template["metadata"].get("labels", {})
                pods.append((application, workload["metadata"]["name"], namespace, labels))
    egress = [p for p in policies if "Egress" in p["spec"].get("policyTypes", [])]
    assert pods
    for application, name, namespace, labels in pods:
        selecting = [p for p in egress if selects(p, namespace, labels)]
        assert selecting, (
            f"{application}: {namespace}/{name}: no egress NetworkPolicy, so it reaches everything"
        )
        reaching = [
            p["metadata"]["name"]
            for p in selecting
            if any(reaches(r, block) for r in p["spec"].get("egress", []))
        ]
        user = labels.get("app.kubernetes.io/instance") in users and namespace == "chr21"
        assert user or not reaching, f"{application}: {namespace}/{name} reaches {block} through {reaching}"
    # The users do reach it: each through its chart's own policy.
    reached = {
        labels.get("app.kubernetes.io/instance")
        for _, _, namespace, labels in pods
        for p in egress
        if selects(p, namespace, labels) and any(reaches(r, block) for r in p["spec"]["egress"])
    }
    assert reached == users


@pytest.mark.parametrize(
    ("rule", "reached"),
    [
        ({}, True),
        ({"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}, True),
        ({"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.10.100.0/22"]}}]}, False),
        ({"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.10.100.0/24"]}}]}, True),
        ({"to": [{"ipBlock": {"cidr": "10.10.0.0/16"}}], "ports": [{"port": 443}]}, False),
        ({"to": [{"ipBlock": {"cidr": "10.10.0.0/16"}}], "ports": [{"port": 5000, "endPort": 6000}]}, True),
        ({"to": [{"namespaceSelector": {}}]}, False),
        ({"to": [{"ipBlock": {"cidr": "10.10.0.0/16"}}], "ports": [{"protocol": "TCP"}]}, True),
        ({"to": [{"ipBlock": {"cidr": "10.10.0.0/16"}}], "ports": [{"protocol": "UDP"}]}, False),
        ({"to": [{"ipBlock": {"cidr": "10.10.0.0/16"}}], "ports": [{"port": "postgres"}]}, False),
    ],
)
def test_what_reaches_the_database(rule, reached):
    assert reaches(rule, ipaddress.ip_network("10.10.100.0/22")) is reached


def test_the_eks_add_ons_namespaces_are_kept_away_too(rendered):
    """The CloudWatch Observability add-on runs in a namespace Terraform's add-on makes, which
    the render has no pod of: the platform chart's policy covers it all the same."""
    covered = {
        obj["metadata"]["namespace"]
        for obj in rendered.objects(f"platform-{rendered.env}")
        if obj["kind"] == "NetworkPolicy"
    }
    roles = locals_()["irsa_roles"]
    assert unquoted(roles["cloudwatch-observability"]["namespace"]) in covered


def test_every_namespace_with_pods_and_default_is_covered(rendered):
    """Each namespace the render runs pods in has the apps' policies or the platform's."""
    platform = rendered.objects(f"platform-{rendered.env}")
    covered = {o["metadata"]["namespace"] for o in platform if o["kind"] == "NetworkPolicy"}
    with_pods = {
        workload["metadata"].get("namespace") or spec["spec"]["destination"]["namespace"]
        for application, spec in rendered.applications().items()
        for workload, _ in pod_templates(rendered.objects(application))
    }
    assert (with_pods - {"chr21"}) | {"default"} <= covered
