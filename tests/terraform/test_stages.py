"""terraform-bootstrap/README.md, "From an empty account": the first apply (step 1) targets
only what needs neither a cluster nor an image, and everything it pulls in stays so; the
second (step 3) uses the worker image in one place, the roles Job, which checks it is pushed."""

import re

import yaml

from tests.support.paths import REPO
from tests.support.terraform import BOOTSTRAP, parsed, tf_files, unquoted

# What may be applied before any image exists: the registry, the image pipeline's way in.
FIRST = {"module.ecr", "module.images_role", "module.github_oidc_provider"}
REFERENCE = re.compile(
    r"\b(module\.[a-z0-9_]+|local\.[a-z0-9_]+|data\.[a-z0-9_]+\.[a-z0-9_]+|"
    r"(?:aws|kubernetes|helm|random|time|tls)_[a-z0-9_]+\.[a-z0-9_]+)"
)


def graph() -> dict[str, set[str]]:
    """Every block of the root module (resource, data source, module, local) => what it names."""
    nodes: dict[str, object] = {}
    for path in tf_files():
        text = parsed(path)
        for block in text.get("module", []):
            nodes.update({f"module.{unquoted(name)}": body for name, body in block.items()})
        for kind in ("resource", "data"):
            for typed in text.get(kind, []):
                for type_, named in typed.items():
                    prefix = "data." if kind == "data" else ""
                    nodes.update({f"{prefix}{unquoted(type_)}.{unquoted(n)}": b for n, b in named.items()})
        for block in text.get("locals", []):
            nodes.update({f"local.{name}": body for name, body in block.items()})
    return {name: set(REFERENCE.findall(str(body))) - {name} for name, body in nodes.items()}


def closure(start: set[str], edges: dict[str, set[str]]) -> set[str]:
    seen, todo = set(), list(start)
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo += edges.get(node, set())
    return seen


def first_apply_targets() -> set[str]:
    readme = (BOOTSTRAP / "README.md").read_text()
    section = readme.split("## From an empty account", 1)[1].split("\n## ", 1)[0]
    (line,) = [
        line for line in section.splitlines() if line.startswith("terraform apply") and "-target" in line
    ]
    return set(re.findall(r"-target=(\S+)", line))


def test_the_first_apply_needs_neither_a_cluster_nor_an_image():
    targets = first_apply_targets()
    assert targets == {"module.ecr", "module.images_role"}
    pulled_in = {node for node in closure(targets, graph()) if not node.startswith("local.")}
    assert pulled_in <= FIRST, sorted(pulled_in - FIRST)
    assert not {node for node in closure(targets, graph()) if "worker_image" in node}


def test_the_graph_sees_what_the_second_apply_needs():
    # The walk is able to fail: the roles Job reaches the cluster, the image and the data key.
    reached = closure({"kubernetes_job_v1.database_roles"}, graph())
    assert {
        "module.eks",
        "local.worker_image_reference",
        "module.ecr",
        "data.aws_ecr_images.worker",
    } <= reached


def test_the_worker_image_is_used_by_the_roles_job_only():
    """Batch's job definition has no image here: the cluster registers it with the image the
    environment's commit pins (pipeline.tf)."""
    users = {node for node, names in graph().items() if "local.worker_image_reference" in names}
    assert users == {"kubernetes_job_v1.database_roles"}


def test_opening_or_closing_the_api_endpoint_needs_no_kubernetes_object():
    """prod's endpoint is opened and closed by an apply of the cluster alone (README): none of
    it reads or writes through the endpoint, so it works while the endpoint is closed."""
    readme = (BOOTSTRAP / "README.md").read_text()
    assert readme.count("terraform apply -var-file=prod.tfvars -target=module.eks") == 2
    reached = closure({"module.eks"}, graph())
    assert not {node for node in reached if node.startswith(("kubernetes_", "helm_"))}


def test_an_account_whose_nodes_may_be_spot_gets_ec2_spots_service_linked_role_first():
    """Karpenter's controller policy has no iam:CreateServiceLinkedRole: in a new account its
    first spot node fails unless step 0 made EC2 Spot's role."""
    spot = {
        environment
        for environment in ("hml", "prod")
        for pool in (
            yaml.safe_load((REPO / "environments" / environment / "addons" / "platform.yaml").read_text())
            .get("karpenter", {})
            .get("nodePools", {})
            .values()
        )
        if pool and "spot" in pool.get("capacityTypes", [])
    }
    assert spot  # hml's general pool takes spot
    step_0 = (BOOTSTRAP / "README.md").read_text().split("# 0. Once per account", 1)[1].split("# 1.", 1)[0]
    assert "aws iam create-service-linked-role --aws-service-name spot.amazonaws.com" in step_0
