"""Promotion and rollback by git commits.

A promotion is one commit that changes one line: the image reference (`tag:` or
`digest:` in the `image:` block) of one app in one environment's values file. Its
message names app, versions and environments, and carries trailers that rollback finds.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from .paths import ENVIRONMENTS, REPO
from .repo import RepoError, git

_IMAGE_BLOCK = re.compile(r"^image:\s*$")
_REFERENCE = re.compile(r"^(?P<indent>\s+)(?P<key>tag|digest):\s*(?P<value>.+?)\s*$")


class PromotionError(ValueError):
    """A promotion or rollback that must not happen; the message says why."""


@dataclass(frozen=True)
class ImageLine:
    index: int  # line number in the file, from 0
    key: str  # tag or digest
    value: str  # as written, quotes included

    @property
    def reference(self) -> str:
        return f"{self.key} {self.value.strip(chr(34)).strip(chr(39))}"


def values_file(repo: Path, env: str, app: str) -> Path:
    if not (repo / ENVIRONMENTS / env / "env.yaml").is_file():
        known = sorted(p.parent.name for p in (repo / ENVIRONMENTS).glob("*/env.yaml"))
        raise PromotionError(f"unknown environment {env!r}; known: {', '.join(known)}")
    path = repo / ENVIRONMENTS / env / "apps" / f"{app}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in (repo / ENVIRONMENTS / env / "apps").glob("*.yaml"))
        raise PromotionError(f"unknown app {app!r} in {env}; known: {', '.join(known)}")
    return path


def image_line(path: Path) -> ImageLine:
    """The single tag or digest line of the top-level `image:` block."""
    lines = path.read_text().splitlines()
    starts = [i for i, line in enumerate(lines) if _IMAGE_BLOCK.match(line)]
    if len(starts) != 1:
        raise PromotionError(f"{path}: expected one top-level `image:` block")
    found = []
    for index in range(starts[0] + 1, len(lines)):
        line = lines[index]
        if line and not line[0].isspace() and not line.startswith("#"):
            break  # the next top-level key
        match = _REFERENCE.match(line)
        if match:
            found.append(ImageLine(index, match["key"], match["value"]))
    if len(found) != 1:
        raise PromotionError(f"{path}: the image block must hold exactly one `tag:` or `digest:` line")
    return found[0]


def require_clean(repo: Path) -> None:
    if git("status", "--porcelain", "--untracked-files=no", cwd=repo).strip():
        raise PromotionError("the working tree has uncommitted changes; commit or stash them first")


def promote(app: str, source: str, target: str, repo: Path = REPO) -> str:
    """Commit the source environment's image reference of `app` into the target; returns the commit."""
    if source == target:
        raise PromotionError("--from and --to name the same environment")
    require_clean(repo)
    src, dst = values_file(repo, source, app), values_file(repo, target, app)
    new, old = image_line(src), image_line(dst)
    if (new.key, new.value) == (old.key, old.value):
        raise PromotionError(f"{app} in {target} already runs {old.reference}: nothing to promote")
    lines = dst.read_text().splitlines(keepends=True)
    indent = _REFERENCE.match(lines[old.index])["indent"]
    ending = "\n" if lines[old.index].endswith("\n") else ""
    lines[old.index] = f"{indent}{new.key}: {new.value}{ending}"
    dst.write_text("".join(lines))
    message = (
        f"promote {app} to {target}: {old.reference} -> {new.reference} (from {source})\n\n"
        f"Promoted-App: {app}\nPromoted-From: {source}\nPromoted-To: {target}\n"
    )
    git("add", str(dst.relative_to(repo)), cwd=repo)
    git("commit", "--quiet", "-m", message, cwd=repo)
    return git("rev-parse", "HEAD", cwd=repo).strip()


def last_promotion(app: str, env: str, repo: Path = REPO) -> str:
    """The newest promotion of `app` into `env` that has not been reverted yet."""
    values_file(repo, env, app)
    log = git("log", "--format=%H%x00%B%x1e", cwd=repo)
    reverted = set(re.findall(r"This reverts commit ([0-9a-f]{40})", log))
    for entry in log.split("\x1e"):
        sha, _, body = entry.strip().partition("\x00")
        if (
            f"Promoted-App: {app}\n" in body + "\n"
            and f"Promoted-To: {env}\n" in body + "\n"
            and sha not in reverted
        ):
            return sha
    raise PromotionError(f"no promotion of {app} to {env} left to roll back")


def rollback(app: str, env: str, repo: Path = REPO) -> tuple[str, str]:
    """`git revert` of the last promotion; returns (reverted commit, revert commit)."""
    require_clean(repo)
    target = last_promotion(app, env, repo)
    try:
        git("revert", "--no-edit", target, cwd=repo)
    except RepoError as error:
        git("revert", "--abort", cwd=repo, check=False)
        raise PromotionError(f"git revert {target[:12]} does not apply cleanly: {error}") from None
    return target, git("rev-parse", "HEAD", cwd=repo).strip()
