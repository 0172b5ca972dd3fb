"""The GitHub Actions workflows (.github/workflows): every action pinned to a full commit id,
read-only by default with each job asking only what it needs, a time limit on every job, no
user input pasted into a shell, and the image pipeline calling the repository's own commands
(images matrix, gitops release, gitops promote, gitops diff) instead of doing their work
again: no commit, no image line edited, no manifest rendered but by them. actionlint checks
them all in make test (scripts/check.py)."""

import re
import tomllib

import pytest
import yaml

from tests.support.dockerfiles import DOCKERFILES, instructions
from tests.support.paths import REPO, tracked_files

WORKFLOWS = {p.name: p for p in sorted((REPO / ".github" / "workflows").glob("*.yaml"))}
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def load(name: str) -> dict:
    return yaml.safe_load(WORKFLOWS[name].read_text())


def steps(workflow: dict):
    for job_name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_name, step


def runs(name: str) -> str:
    return "\n".join(step.get("run", "") for _, step in steps(load(name)))


def test_the_three_workflows():
    assert set(WORKFLOWS) == {"ci.yaml", "images.yaml", "promote.yaml"}


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_every_action_is_pinned_to_a_commit_with_its_version_named(name):
    lines = [line.strip() for line in WORKFLOWS[name].read_text().splitlines() if "uses:" in line]
    assert lines
    for line in lines:
        used = line.split("uses:", 1)[1].strip()
        assert PINNED.match(used), f"{name}: {used} is not pinned to a full commit id (# vX.Y.Z)"


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_read_only_by_default_and_every_job_bounded_in_time(name):
    workflow = load(name)
    assert workflow["permissions"] == {"contents": "read"}
    for job_name, job in workflow["jobs"].items():
        assert 0 < job["timeout-minutes"] <= 60, job_name


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_no_input_is_pasted_into_a_shell(name):
    """An input reaches a script through env:, never as text inside run: (script injection)."""
    for job_name, step in steps(load(name)):
        assert not re.search(r"\$\{\{\s*(inputs|github\.event)\.", step.get("run", "")), (job_name, step)


def test_who_may_write_what():
    writes = {
        (name, job_name): job.get("permissions", {})
        for name in WORKFLOWS
        for job_name, job in load(name)["jobs"].items()
        if "write" in job.get("permissions", {}).values()
    }
    assert writes == {
        ("images.yaml", "build"): {"contents": "read", "id-token": "write"},
        ("images.yaml", "release"): {"contents": "write"},
        ("promote.yaml", "promote"): {"contents": "write", "pull-requests": "write"},
    }
    assert load("promote.yaml")["jobs"]["promote"]["environment"] == "prod"


@pytest.mark.parametrize(
    ("name", "commands"),
    [
        (
            "ci.yaml",
            ["make test", "gitops pull-charts", "terraform-bootstrap module-interfaces", "gitops diff"],
        ),
        ("images.yaml", ["make setup", "images matrix hml", "gitops release"]),
        ("promote.yaml", ["make setup", "gitops promote", "gitops diff"]),
    ],
)
def test_the_workflows_call_the_repositorys_commands(name, commands):
    text = runs(name)
    scripts = tomllib.loads((REPO / "ops" / "pyproject.toml").read_text())["project"]["scripts"]
    for command in commands:
        program = command.split()[0]
        if program in scripts:  # the workspace's console scripts, from the virtualenv make setup makes
            command = f".venv/bin/{command}"
        assert command in text, f"{name} does not run {command}"


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_no_workflow_does_the_scripts_work_itself(name):
    text = runs(name)
    assert "git commit" not in text, "commits are gitops release's and gitops promote's"
    assert not re.search(r"\b(sed|yq|perl)\b[^\n]*environments/", text), (
        "image lines are the scripts' to edit"
    )
    assert "helm template" not in text, "rendering is gitops render's and gitops diff's"


def test_images_are_built_as_their_matrix_says():
    build = load("images.yaml")["jobs"]["build"]
    assert build["strategy"]["matrix"] == "${{ fromJSON(needs.plan.outputs.matrix) }}"
    (push,) = [s for s in build["steps"] if s.get("uses", "").startswith("docker/build-push-action@")]
    assert push["with"]["file"] == "${{ matrix.dockerfile }}"
    assert push["with"]["tags"] == "${{ steps.tags.outputs.tags }}"
    (tags,) = [s for s in build["steps"] if s.get("id") == "tags"]
    assert tags["env"]["REPOSITORIES"] == "${{ matrix.repositories }}"
    roles = [
        s["with"]["role-to-assume"]
        for s in build["steps"]
        if "configure-aws-credentials" in s.get("uses", "")
    ]
    assert roles == ["${{ vars.PROD_IMAGES_ROLE_ARN }}", "${{ vars.HML_IMAGES_ROLE_ARN }}"]
    assert push["with"]["context"] == "."


TRACKED = tracked_files()


def glob_pattern(glob: str) -> re.Pattern:
    """A GitHub Actions path filter as a regex: `**` any characters, `*` any but `/`."""
    parts = re.split(r"(\*\*|\*)", glob)
    return re.compile("".join({"**": ".*", "*": "[^/]*"}.get(part, re.escape(part)) for part in parts))


def test_the_image_workflow_runs_on_every_file_an_image_copies():
    filters = [glob_pattern(g) for g in load("images.yaml")[True]["push"]["paths"]]
    copied = {
        source
        for dockerfile in DOCKERFILES.values()
        for line in instructions(dockerfile)
        if line.startswith("COPY ") and "--from=" not in line
        for source in line.split()[1:-1]
    }
    files = {
        f for f in TRACKED if any(f == c.rstrip("/") or f.startswith(c.rstrip("/") + "/") for c in copied)
    }
    assert files, copied
    assert sorted(f for f in files if not any(p.fullmatch(f) for p in filters)) == []
