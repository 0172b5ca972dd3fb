"""Who calls AWS, as whom: terraform-bootstrap/README.md's table, read with the Terraform and
each environment's render. Every workload of the render that calls AWS has a row; each row's
role trusts the service account it runs as, by the one credential mechanism the render uses
too; each role grants exactly the actions its row lists (or the component's documented policy,
through the module that carries it)."""

import re
from dataclasses import dataclass

import pytest

from tests.support.gitops import pod_templates
from tests.support.paths import REPO
from tests.support.terraform import BOOTSTRAP, blocks, interfaces, locals_, resources, unquoted

ROLE_ARN = "eks.amazonaws.com/role-arn"
ACTION = re.compile(r"[a-z0-9-]+:[A-Za-z*]+")
# What a workload names when it calls AWS: a bucket, a queue, a state machine, an AWS endpoint.
AWS_RESOURCE = re.compile(r"^(s3|sqs)://|amazonaws\.com|\barn:aws:|^--aws-")


@dataclass(frozen=True)
class Row:
    caller: str
    runs_as: str
    credential: str
    role: str
    trusts: str
    actions: str
    source: str

    @property
    def service_account(self) -> tuple[str, str] | None:
        """(namespace, name) when the caller is a pod of the cluster."""
        found = re.match(r"`([a-z0-9-]+)/([a-z0-9-]+)`", self.runs_as)
        return (found[1], found[2]) if found else None

    @property
    def irsa_key(self) -> str | None:
        found = re.fullmatch(r'`module\.irsa\["([a-z0-9-]+)"\]`', self.role)
        return found[1] if found else None

    @property
    def listed_actions(self) -> set[str]:
        return {a for a in re.findall(r"`([^`]+)`", self.actions) if ACTION.fullmatch(a)}


def table() -> list[Row]:
    text = (BOOTSTRAP / "README.md").read_text()
    section = text.split("## Who calls AWS, as whom", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("| ")]
    header, rows = lines[0], lines[1:]
    assert header.startswith("| caller | runs as | credential | role | trusts |"), header
    return [Row(*(cell.strip() for cell in line.strip("|").split(" | "))) for line in rows]


ROWS = table()
IRSA_ROLES = locals_()["irsa_roles"]


def aws_callers(rendered) -> dict[tuple[str, str], str]:
    """(namespace, ServiceAccount) => why: every pod of the render that calls an AWS API."""
    callers, node_classes, controllers = {}, [], {}
    for application in rendered.applications():
        objects = rendered.objects(application)
        config = {
            (obj["metadata"].get("namespace"), obj["metadata"]["name"]): obj.get("data") or {}
            for obj in objects
            if obj["kind"] == "ConfigMap"
        }
        for workload, template in pod_templates(objects):
            namespace, pod = workload["metadata"].get("namespace"), template["spec"]
            account = (namespace, pod.get("serviceAccountName", "default"))
            for container in pod["containers"]:
                named = [*container.get("args", []), *(e.get("value", "") for e in container.get("env", []))]
                for source in container.get("envFrom", []):
                    if "configMapRef" in source:
                        named += config.get((namespace, source["configMapRef"]["name"]), {}).values()
                # And the files it reads: the ConfigMaps mounted into it.
                mounted = {m["name"] for m in container.get("volumeMounts", [])}
                for volume in pod.get("volumes", []):
                    if volume["name"] in mounted and "configMap" in volume:
                        named += config.get((namespace, volume["configMap"]["name"]), {}).values()
                if any(AWS_RESOURCE.search(str(value)) for value in named):
                    callers[account] = f"{application}: names an AWS resource"
        for obj in objects:
            if (
                obj["kind"] == "TriggerAuthentication"
                and obj["spec"].get("podIdentity", {}).get("provider") == "aws"
            ):
                # KEDA's operator makes the call; with identityOwner: workload it would assume the
                # workload's role, which trusts its own service account only (iam.tf).
                owner = obj["spec"]["podIdentity"].get("identityOwner", "keda")
                assert owner == "keda", (
                    f"{application}: TriggerAuthentication {obj['metadata']['name']}: identityOwner {owner}"
                )
                callers[("keda", "keda-operator")] = f"{application}: KEDA reads an SQS queue"
            if obj["kind"] in ("ClusterSecretStore", "SecretStore") and "aws" in obj["spec"]["provider"]:
                reference = obj["spec"]["provider"]["aws"]["auth"]["jwt"]["serviceAccountRef"]
                callers[(reference["namespace"], reference["name"])] = f"{application}: reads Secrets Manager"
        node_classes += [obj for obj in objects if obj["kind"] == "EC2NodeClass"]
        controllers.update({obj["metadata"]["name"]: obj for obj in objects if obj["kind"] == "Deployment"})
    if node_classes:
        # Karpenter's controller makes the EC2 instances an EC2NodeClass describes.
        pod = controllers["karpenter"]["spec"]["template"]["spec"]
        callers[("kube-system", pod["serviceAccountName"])] = "Karpenter makes EC2 nodes"
    return callers


def test_the_table_names_each_role_once_and_each_service_account_once():
    roles = [row.role for row in ROWS]
    accounts = [row.service_account for row in ROWS if row.service_account]
    assert len(roles) == len(set(roles))
    assert len(accounts) == len(set(accounts))
    assert {row.credential for row in ROWS} <= {
        "IRSA",
        "Pod Identity",
        "task role",
        "execution role",
        "service role",
        "node role",
    }


def test_every_caller_of_the_render_has_a_row(rendered):
    callers = aws_callers(rendered)
    rows = {row.service_account for row in ROWS}
    missing = {account: why for account, why in callers.items() if account not in rows}
    assert not missing, f"calls AWS with no row in terraform-bootstrap/README.md: {missing}"
    # The evidence finds every kind of caller the render has today.
    assert {
        ("chr21", "gene-api"),
        ("chr21", "worker"),
        ("keda", "keda-operator"),
        ("external-secrets", "external-secrets"),
        ("kube-system", "karpenter"),
        ("kube-system", "aws-load-balancer-controller"),
    } <= set(callers)


@pytest.mark.parametrize("row", [r for r in ROWS if r.credential == "IRSA"], ids=lambda r: r.caller)
def test_an_irsa_role_trusts_the_service_account_of_its_row(row):
    role = IRSA_ROLES[row.irsa_key]
    namespace = unquoted(role["namespace"]).replace("${var.apps_namespace}", "chr21")
    assert (namespace, unquoted(role["service_account"])) == row.service_account
    assert row.trusts == f"`system:serviceaccount:{namespace}:{unquoted(role['service_account'])}`"


def test_karpenter_is_the_pod_identity_association_of_its_row():
    (row,) = [r for r in ROWS if r.credential == "Pod Identity"]
    karpenter = blocks("module")["karpenter"]
    defaults = interfaces()[unquoted(karpenter["source"])].variables
    setting = {
        name: karpenter.get(name, defaults[name]["default"])
        for name in ("namespace", "service_account", "create_pod_identity_association")
    }
    assert setting["create_pod_identity_association"] is True
    assert (unquoted(setting["namespace"]), unquoted(setting["service_account"])) == row.service_account
    assert row.role == "`module.karpenter`"
    # The agent that hands pods their Pod Identity credentials runs on every node.
    assert "eks-pod-identity-agent" in blocks("module")["eks"]["addons"]


def test_the_render_uses_the_credential_of_each_row(rendered):
    accounts = {}
    for application, spec in rendered.applications().items():
        for obj in rendered.objects(application):
            if obj["kind"] == "ServiceAccount":
                namespace = obj["metadata"].get("namespace") or spec["spec"]["destination"]["namespace"]
                accounts[(namespace, obj["metadata"]["name"])] = (
                    obj["metadata"].get("annotations") or {}
                ).get(ROLE_ARN)
    by_account = {row.service_account: row for row in ROWS if row.service_account}
    for account, arn in accounts.items():
        row = by_account.get(account)
        if arn:
            assert (row.credential if row else None) == "IRSA", f"{account} has an IRSA role and no IRSA row"
            assert arn.rsplit("/", 1)[-1] == f"chr21-{rendered.env}-{row.irsa_key}", account
        elif row is not None and row.credential == "IRSA":
            pytest.fail(f"{account}: its row says IRSA, its ServiceAccount names no role")
    for account, row in by_account.items():
        if "EKS add-on" in row.runs_as:
            continue  # made by EKS, not rendered: see test_the_eks_add_ons_get_their_row_s_role
        if "batchJobDefinition.enabled" in row.runs_as:
            continue  # rendered on the AWS path only: test_pipeline_backend.py switches to it
        assert account in accounts, f"{row.caller}: the render makes no ServiceAccount {account}"


def test_the_eks_add_ons_get_their_row_s_role():
    addon = resources("aws_eks_addon")["cloudwatch_observability"]
    (row,) = [r for r in ROWS if r.irsa_key == "cloudwatch-observability"]
    assert "EKS add-on" in row.runs_as
    assert unquoted(addon["addon_name"]) == "amazon-cloudwatch-observability"
    assert addon["service_account_role_arn"] == '${module.irsa["cloudwatch-observability"].arn}'
    vpc_cni = next(r for r in ROWS if r.caller == "VPC CNI")
    assert vpc_cni.credential == "node role"
    node_group = interfaces()["terraform-aws-modules/eks/aws//modules/eks-managed-node-group"].variables
    karpenter = interfaces()["terraform-aws-modules/eks/aws//modules/karpenter"].variables
    assert node_group["iam_role_attach_cni_policy"]["default"] is True
    assert karpenter["node_iam_role_attach_cni_policy"]["default"] is True
    assert "iam_role_attach_cni_policy" not in str(blocks("module")["eks"])
    assert "node_iam_role_attach_cni_policy" not in blocks("module")["karpenter"]


def granted(key: str) -> set[str]:
    return {unquoted(a) for p in IRSA_ROLES[key]["permissions"].values() for a in p["actions"]}


MODULE_POLICIES = {
    "aws-load-balancer-controller": "attach_load_balancer_controller_policy",
    "external-secrets": "attach_external_secrets_policy",
    "cloudwatch-observability": "attach_cloudwatch_observability_policy",
}


@pytest.mark.parametrize("row", [r for r in ROWS if r.irsa_key], ids=lambda r: r.caller)
def test_an_irsa_role_grants_exactly_the_actions_of_its_row(row):
    module = blocks("module")["irsa"]
    for key, flag in MODULE_POLICIES.items():
        assert module[flag] == f'${{each.key == "{key}"}}'
    if row.irsa_key in MODULE_POLICIES:
        assert f"`{MODULE_POLICIES[row.irsa_key]}`" in row.actions
        assert granted(row.irsa_key) == set()
    else:
        assert granted(row.irsa_key) == row.listed_actions, row.caller
        assert row.listed_actions or row.actions == "none"


@pytest.mark.parametrize("name", ["batch_job", "batch_execution"])
def test_the_batch_roles_grant_exactly_the_actions_of_their_rows(name):
    (row,) = [r for r in ROWS if r.role == f"`aws_iam_role.{name}`"]
    trust = resources("aws_iam_role")[name]["assume_role_policy"]
    assert f"Principal = {{Service = {row.trusts.replace('`', chr(34))}}}" in trust
    policies = [
        p["policy"]
        for p in resources("aws_iam_role_policy").values()
        if p["role"] == f"${{aws_iam_role.{name}.id}}"
    ]
    assert set(ACTION.findall(" ".join(policies))) == row.listed_actions
    managed = {
        unquoted(a["policy_arn"]).rsplit("/", 1)[-1]
        for a in resources("aws_iam_role_policy_attachment").values()
        if a["role"] == f"${{aws_iam_role.{name}.name}}"
    }
    assert all(f"`{policy}`" in row.actions for policy in managed), managed


def test_the_state_machine_uses_the_integration_of_its_row():
    (row,) = [r for r in ROWS if r.role == "`module.state_machine`"]
    assert set(blocks("module")["state_machine"]["service_integrations"]) == {"batch_Sync"}
    assert "`batch_Sync`" in row.actions
    assert "`batch:SubmitJob`" in row.actions
    assert (REPO / "worker" / "statemachine" / "annotate.asl.json").read_text().count(
        "batch:submitJob.sync"
    ) >= 1


def test_every_irsa_role_terraform_makes_has_a_row():
    rows = {row.irsa_key for row in ROWS if row.irsa_key}
    assert rows == set(IRSA_ROLES), f"roles with no row: {sorted(set(IRSA_ROLES) - rows)}"
