"""Reading the images' Dockerfiles without a Docker engine: their instructions, and the
dependency steps of their build stage replayed with uv in a folder laid out as the build's."""

import os
import shlex
import shutil
import subprocess
from pathlib import Path

from tests.support.gitops import IMAGE_DOCKERFILES
from tests.support.paths import REPO, TOOLS_BIN

# The image pipeline's mapping (ops/src/chr21_ops/images/matrix.py), the one source.
DOCKERFILES = {app: REPO / path for app, path in IMAGE_DOCKERFILES.items()}


def instructions(dockerfile: Path) -> list[str]:
    """Each instruction on one line (continuations joined), comments left out."""
    joined, pending = [], ""
    for line in dockerfile.read_text().splitlines():
        if not pending and (not line.strip() or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
        else:
            joined.append(pending + line)
            pending = ""
    return joined


def stage(dockerfile: Path, name: str | None = None) -> list[str]:
    """The instructions of the stage named `name`, or of the final stage."""
    stages: list[list[str]] = []
    for each in instructions(dockerfile):
        if each.startswith("FROM "):
            stages.append([])
        stages[-1].append(each)
    if name is None:
        return stages[-1]
    (named,) = [s for s in stages if s[0].endswith(f" AS {name}")]
    return named


def instruction(dockerfile: Path, name: str) -> str:
    (line,) = [line for line in stage(dockerfile) if line.startswith(f"{name} ")]
    return line.removeprefix(f"{name} ")


def environment(lines: list[str]) -> dict[str, str]:
    """The ENV settings of a stage's lines."""
    env: dict[str, str] = {}
    for line in lines:
        if line.startswith("ENV "):
            env.update(word.split("=", 1) for word in shlex.split(line.removeprefix("ENV ")))
    return env


def replay_dependency_steps(dockerfile: Path, folder: Path) -> list[subprocess.CompletedProcess]:
    """The build stage's COPY of the repository's files and its `uv sync` steps, in `folder`
    (uv with --dry-run: what it would install from uv.lock, nothing installed)."""
    results, env = [], {}
    for line in stage(dockerfile, "build"):
        op, _, argument = line.partition(" ")
        if op == "ENV":
            env.update(environment([line]))
        elif op == "COPY" and not argument.startswith("--from"):
            *sources, target = argument.split()
            for source in sources:
                origin, destination = REPO / source, folder / target
                if origin.is_dir():
                    shutil.copytree(
                        origin,
                        destination,
                        ignore=shutil.ignore_patterns("__pycache__", ".*"),
                        dirs_exist_ok=True,
                    )
                else:
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(origin, destination / origin.name if target.endswith("/") else destination)
        elif op == "RUN" and argument.startswith("uv sync "):
            build_env = {**os.environ, **env, "UV_PROJECT_ENVIRONMENT": str(folder / "venv")}
            # Only the sync: what follows it (&& ...) needs what it would have installed.
            sync = shlex.split(argument.split("&&")[0])
            command = [str(TOOLS_BIN / "uv"), *sync[1:], "--dry-run"]
            results.append(subprocess.run(command, cwd=folder, env=build_env, capture_output=True, text=True))
    return results
