"""The docs say what is true now: every path a Markdown file of the repository names exists,
every test file is in tests/README.md's index, and every command (the console scripts' and
scripts/') is in README.md."""

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from chr21_ops.gitops.cli import parser as gitops_parser
from chr21_ops.images.cli import parser as images_parser
from chr21_ops.terraform.cli import parser as terraform_parser
from tests.support.paths import REPO, tracked_files

TRACKED = tracked_files()
FOLDERS = {"/".join(Path(p).parts[:i]) for p in TRACKED for i in range(1, len(Path(p).parts))}
TOP_FOLDERS = {p.split("/")[0] for p in TRACKED if "/" in p}
MARKDOWN = sorted(p for p in TRACKED if p.endswith(".md"))
CODE = re.compile(r"`([^`\s]+)`")
PATH_LIKE = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/?")


def named_paths(text: str) -> list[tuple[int, str]]:
    """(line, path) for each `code` span that names a file or folder of this repository: rooted
    at one of its top folders (`charts/web/`), or a Python file or a folder written relative to
    a place the line names (`genes/views.py`, `api/routes/`)."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for span in CODE.findall(line):
            path = span.rstrip(".,:;)")
            if not PATH_LIKE.fullmatch(path):
                continue
            first = path.split("/")[0]
            if (
                ("/" in path and first in TOP_FOLDERS)
                or path.endswith(".py")
                or (path.endswith("/") and "." not in first)
            ):
                found.append((number, path))
    return found


def exists(path: str, markdown: str) -> bool:
    bare = path.rstrip("/")
    if bare in TRACKED or bare in FOLDERS or (REPO / markdown).parent.joinpath(bare).exists():
        return True
    # An output folder the commands write (out/, .tools/): ignored by git, named in .gitignore.
    if path.endswith("/") and subprocess.run(["git", "check-ignore", "-q", path], cwd=REPO).returncode == 0:
        return True
    if bare.split("/")[0] not in TOP_FOLDERS:  # relative to a place the line names
        return any(p.endswith(f"/{bare}") for p in TRACKED) or any(f.endswith(f"/{bare}") for f in FOLDERS)
    return False


@pytest.mark.parametrize("markdown", MARKDOWN)
def test_every_path_a_doc_names_exists(markdown):
    named = named_paths((REPO / markdown).read_text())
    missing = [f"line {n}: {path}" for n, path in named if not exists(path, markdown)]
    assert missing == []


def test_the_path_check_finds_a_path_that_is_gone():
    text = "See `apps/web/src/chr21_web/genes.py`, `catalogue.py`, `no_such_module.py` and `out/x/`."
    assert [(path, exists(path, "docs/x.md")) for _, path in named_paths(text)] == [
        ("apps/web/src/chr21_web/genes.py", False),
        ("catalogue.py", True),
        ("no_such_module.py", False),
        ("out/x/", True),
    ]


def test_every_test_file_is_in_the_tests_index():
    index = (REPO / "tests" / "README.md").read_text()
    files = [p.removeprefix("tests/") for p in TRACKED if p.startswith("tests/") and p.endswith(".py")]
    listed = set(CODE.findall(index))
    assert [f for f in files if not f.startswith("support/") and f not in listed] == []


def subcommands(parser) -> list[str]:
    (choices,) = [action.choices for action in parser._actions if action.choices]
    return sorted(choices)


def test_every_command_is_in_the_readme():
    readme = (REPO / "README.md").read_text()
    scripts = tomllib.loads((REPO / "ops" / "pyproject.toml").read_text())["project"]["scripts"]
    parsers = {
        "gitops": gitops_parser(),
        "terraform-bootstrap": terraform_parser(),
        "images": images_parser(),
    }
    assert set(parsers) == set(scripts)
    operating = readme.split("## Operating it", 1)[1].split("\n## ", 1)[0]
    missing = [f"{group} {sub}" for group, p in parsers.items() for sub in subcommands(p)]
    assert [command for command in missing if f"\n{command} " not in operating] == []
    shown = re.findall(rf"^({'|'.join(parsers)}) ([a-z-]+)", operating, re.MULTILINE)
    assert [f"{g} {c}" for g, c in shown if c not in subcommands(parsers[g])] == []  # none made up
    ours = [p for p in TRACKED if p.startswith("scripts/") and "/" not in p.removeprefix("scripts/")]
    executables = [p for p in ours if (REPO / p).stat().st_mode & 0o111]
    assert [p for p in executables if f"`{p}`" not in readme and f"{p} " not in readme] == []
