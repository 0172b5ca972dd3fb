"""The image pipeline's role (github.tf): only this repository's main branch may assume it
(the repository read from platform_repo_url by Terraform itself), and it may push to this
environment's image repositories and read their scans, nothing more; the workflow assumes it
by the Actions variables the output names."""

import pytest
import yaml

from tests.support.paths import REPO
from tests.support.terraform import BOOTSTRAP, blocks, evaluate, locals_blocks, plain, variable_block

GITHUB = [variable_block("platform_repo_url"), *[b for b in locals_blocks(BOOTSTRAP / "github.tf")]]
ROLE = blocks("module")["images_role"]


@pytest.mark.parametrize(
    ("url", "repository"),
    [
        ("https://github.com/chr21-platform/chr21-platform.git", "chr21-platform/chr21-platform"),
        ("https://github.com/someone/fork", "someone/fork"),
    ],
)
def test_the_repository_is_read_from_the_url_argo_cd_syncs(url, repository):
    found = evaluate("local.github_repository", "hml", GITHUB, variables={"platform_repo_url": url})
    assert found == repository


def test_a_url_that_is_not_a_github_repository_stops_the_plan():
    with pytest.raises(RuntimeError, match="must be a GitHub repository's https URL"):
        evaluate(
            "local.github_repository",
            "hml",
            GITHUB,
            variables={"platform_repo_url": "https://evil.example/x/y"},
        )


def test_only_main_may_assume_it_and_only_to_push_the_images():
    assert plain(ROLE["oidc_subjects"]) == ["repo:${local.github_repository}:ref:refs/heads/main"]
    assert ROLE["enable_github_oidc"] is True
    permissions = plain(ROLE["inline_policy_permissions"])
    assert permissions["Login"]["resources"] == ["*"]
    assert permissions["Login"]["actions"] == ["ecr:GetAuthorizationToken"]
    assert (
        permissions["PushAndScan"]["resources"]
        == "${[for repository in module.ecr : repository.repository_arn]}"
    )
    assert not [a for a in permissions["PushAndScan"]["actions"] if not a.startswith("ecr:") or "Delete" in a]


def test_the_workflow_assumes_the_roles_the_output_names():
    output = plain(blocks("output")["images_role_arn"])
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "images.yaml").read_text())
    roles = [
        step["with"]["role-to-assume"]
        for step in workflow["jobs"]["build"]["steps"]
        if "configure-aws-credentials" in step.get("uses", "")
    ]
    for role in roles:
        variable = role.removeprefix("${{ vars.").removesuffix(" }}")
        assert variable in output["description"], variable
