#!/usr/bin/env python3
"""Run every check of the repository and print one summary: `make test` calls this.

    scripts/check.py                 all checks
    scripts/check.py yamllint ruff   only these
    scripts/check.py --root DIR      lint another tree (the tests use this on broken files)

Run with the workspace's Python (.venv/bin/python); the tools it calls live in
.venv/bin (locked in uv.lock) and .tools/bin (scripts/bootstrap-tools).
Extra pytest arguments go through PYTEST_ADDOPTS.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PYTEST_NO_TESTS = 5


Command = list[str]


@dataclass(frozen=True)
class Check:
    name: str
    what: str
    # One command, or several run in turn (all run; the check fails if any fails); None:
    # nothing to check in this tree.
    command: Callable[[Path], Command | list[Command] | None]


def repo_files(root: Path) -> list[Path]:
    """Files git knows of or would add (tracked and untracked, not ignored)."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted({root / name for name in out.split("\0") if name and (root / name).is_file()})


def is_shell_script(path: Path) -> bool:
    if path.suffix in (".sh", ".bash"):
        return True
    if path.suffix:
        return False
    with path.open("rb") as handle:
        first = handle.readline(200)
    return first.startswith(b"#!") and (b"sh" in first.split(b"/")[-1] or b"bash" in first)


def files_matching(root: Path, keep: Callable[[Path], bool]) -> list[str]:
    return [str(path.relative_to(root)) for path in repo_files(root) if keep(path)]


def with_files(tool: list[str], files: list[str]) -> list[str] | None:
    return [*tool, *files] if files else None


def tool(name: str) -> str:
    for folder in (VENV_BIN, REPO / ".tools" / "bin"):
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(name)
    return found


def pytest_command(root: Path) -> list[str]:
    """Three processes on this machine's two cores (many tests wait on servers, subprocesses
    and the control plane, so a third keeps both cores busy: the suite took 586 s against
    604 s with two), one test file to each at a time, so a file's module fixtures (servers,
    renders) are built once. PYTEST_XDIST_WORKERS=0: one process."""
    workers = os.environ.get("PYTEST_XDIST_WORKERS", "3")
    return [sys.executable, "-m", "pytest", "-n", workers, "--dist", "loadfile"]


def terraform_cli() -> str:
    """terraform, or where it is not installed the OpenTofu CLI scripts/bootstrap-tools builds."""
    try:
        return tool("terraform")
    except FileNotFoundError:
        return tool("tofu")


def terraform_fmt(root: Path) -> list[str] | None:
    folder = root / "terraform-bootstrap"
    if not folder.is_dir():
        return None
    return [terraform_cli(), "fmt", "-check", "-diff", "-recursive", str(folder.relative_to(root))]


def charts(root: Path) -> list[Path]:
    """Every chart that renders (the library chart through its example chart), dependencies
    vendored as Argo CD vendors them (`helm dependency build`, from Chart.lock)."""
    found = sorted(p.parent for p in (root / "charts").glob("*/Chart.yaml"))
    found = [c for c in found if "type: library" not in (c / "Chart.yaml").read_text()]
    return found + sorted(p.parent for p in (root / "charts").glob("*/tests/*/Chart.yaml"))


def dependency_builds(root: Path, helm: str) -> list[Command]:
    return [[tool(helm), "dependency", "build", str(c)] for c in charts(root) if (c / "Chart.lock").is_file()]


def helm_lint(root: Path, helm: str) -> list[Command]:
    """`helm lint --strict` of each chart with each of its ci/*-values.yaml scenarios (as
    chart-testing does), or alone where it has none."""
    commands = dependency_builds(root, helm)
    for chart in charts(root):
        scenarios = sorted((chart / "ci").glob("*-values.yaml")) or [None]
        for values in scenarios:
            commands.append(
                [tool(helm), "lint", "--strict", "--quiet", str(chart)]
                + (["--values", str(values)] if values else [])
            )
    return commands


def helm_unittest(root: Path, helm: str) -> list[Command]:
    """The charts' helm-unittest suites (charts/<chart>/tests/*_test.yaml), and those of a
    chart's tests/schemaless/ run as a render that skips values.schema.json does (what a
    template checks itself, behind the schema)."""
    commands = [*dependency_builds(root, helm), [tool(helm), "unittest", *map(str, charts(root))]]
    for chart in charts(root):
        if any((chart / "tests" / "schemaless").glob("*_test.yaml")):
            suites = "tests/schemaless/*_test.yaml"
            commands.append([tool(helm), "unittest", "--skip-schema-validation", "-f", suites, str(chart)])
    return commands


CHECKS = [
    Check("ruff", "Python lint", lambda root: [tool("ruff"), "check", "."]),
    Check(
        "ruff-format", "Python formatting", lambda root: [tool("ruff"), "format", "--check", "--diff", "."]
    ),
    # The contracts in pyproject.toml: chr21_common imports no app, and no app imports another.
    Check("import-linter", "Python layers", lambda root: [tool("lint-imports")]),
    Check(
        "yamllint",
        "YAML files",
        lambda root: with_files(
            [tool("yamllint"), "--strict", "--config-file", str(REPO / ".yamllint.yaml")],
            files_matching(root, lambda p: p.suffix in (".yaml", ".yml") and "templates" not in p.parts),
        ),
    ),
    Check(
        "shellcheck",
        "shell scripts",
        lambda root: with_files(
            [tool("shellcheck"), "--external-sources"], files_matching(root, is_shell_script)
        ),
    ),
    Check(
        "hadolint",
        "Dockerfiles",
        lambda root: with_files([tool("hadolint")], files_matching(root, lambda p: p.name == "Dockerfile")),
    ),
    Check(
        "actionlint",
        "GitHub workflows",
        lambda root: with_files(
            [tool("actionlint")],
            files_matching(root, lambda p: p.parent.parts[-2:] == (".github", "workflows")),
        ),
    ),
    Check("terraform-fmt", "Terraform formatting", terraform_fmt),
    Check("helm-lint", "charts, helm lint --strict (helm 3)", lambda root: helm_lint(root, "helm")),
    Check("helm4-lint", "charts, helm lint --strict (helm 4)", lambda root: helm_lint(root, "helm4")),
    Check("helm-unittest", "chart unit tests (helm 3)", lambda root: helm_unittest(root, "helm")),
    Check("helm4-unittest", "chart unit tests (helm 4)", lambda root: helm_unittest(root, "helm4")),
    Check("pytest", "unit, integration, chart and GitOps tests", pytest_command),
]


def run(check: Check, root: Path) -> tuple[str, float]:
    started = time.monotonic()
    try:
        command = check.command(root)
    except FileNotFoundError as missing:
        print(f"check: {missing} is not installed; run `make test`, which installs it", flush=True)
        return "FAILED (tool missing)", time.monotonic() - started
    if command is None:
        return "passed (nothing to check)", time.monotonic() - started
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{REPO / '.tools' / 'bin'}{os.pathsep}{os.environ['PATH']}",
    }
    # Without bytecode caches every run recompiles pytest's plugins (about 8 s here).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    commands = command if command and isinstance(command[0], list) else [command]
    code = 0
    for one in commands:
        # Quiet steps (dependency builds) say something only when they fail.
        quiet = one[1:3] == ["dependency", "build"]
        result = subprocess.run(one, cwd=root, env=env, capture_output=quiet, text=True)
        if result.returncode != 0:
            if quiet:
                print(result.stdout + result.stderr, end="", flush=True)
            print(f"check: failed (exit {result.returncode}): {' '.join(one)}", flush=True)
            code = code or result.returncode
    elapsed = time.monotonic() - started
    if code == 0:
        return "passed", elapsed
    if check.name == "pytest" and code == PYTEST_NO_TESTS:
        return "passed (no tests collected)", elapsed
    return f"FAILED (exit {code})", elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "only", nargs="*", metavar="CHECK", help=f"any of: {', '.join(c.name for c in CHECKS)}"
    )
    parser.add_argument("--root", type=Path, default=REPO, help="tree to check (default: this repository)")
    args = parser.parse_args()
    unknown = set(args.only) - {c.name for c in CHECKS}
    if unknown:
        parser.error(
            f"unknown check {', '.join(sorted(unknown))}; choose from {', '.join(c.name for c in CHECKS)}"
        )
    chosen = [c for c in CHECKS if not args.only or c.name in args.only]
    results = []
    for number, check in enumerate(chosen, 1):
        print(f"\n==> [{number}/{len(chosen)}] {check.name}: {check.what}", flush=True)
        results.append((check, *run(check, args.root.resolve())))
    print("\nSummary")
    for check, status, seconds in results:
        print(f"  {check.name:<14} {status:<28} {seconds:7.1f}s")
    failed = [check.name for check, status, _ in results if status.startswith("FAILED")]
    print(
        f"checks: {len(results) - len(failed)} passed, {len(failed)} failed"
        + (f": {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
