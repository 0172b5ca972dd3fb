"""Promotion and rollback by git commits.

A promotion is one commit that changes one line: the image reference (`tag:` or `digest:`
in the `image:` block) of one app in one environment's values file. The reference is read
through YAML and checked against the OCI grammar; the written file is parsed again and
must differ from before in that value only; if anything fails, the file is restored, so a
failed promote leaves the working tree exactly as it was. The commit message carries
trailers (Promoted-App, Promoted-From, Promoted-To).

A rollback reverts the promotion that is live: the newest promotion of the app into the
environment whose image reference is the one the environment's file holds now. So a
rolled-back promotion is not reverted again, and one re-applied (a revert of its revert)
is live again.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .paths import ENVIRONMENTS, REPO
from .repo import RepoError, check_app, check_environment, git, load_yaml, resolve

# OCI distribution spec: a tag is [A-Za-z0-9_][A-Za-z0-9._-]{0,127}; digests we accept
# are the registered algorithms with their exact lengths.
GRAMMAR = {
    "tag": re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}"),
    "digest": re.compile(r"sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}"),
}
_IMAGE_BLOCK = re.compile(r"^image:\s*(#.*)?$")
_REFERENCE_LINE = re.compile(r"^(?P<indent>\s+)(?P<key>tag|digest):(?P<rest>.*)$")


class PromotionError(ValueError):
    """A promotion or rollback that must not happen; the message says why."""


@dataclass(frozen=True)
class ImageRef:
    key: str  # tag or digest
    value: str

    def __str__(self) -> str:
        return f"{self.key} {self.value}"


def values_path(app: str, env: str, repo: Path) -> Path:
    check_environment(env, repo)
    check_app(app, env, repo)
    return repo / ENVIRONMENTS / env / "apps" / f"{app}.yaml"


def image_of(data, where: str) -> ImageRef:
    """The image reference a values document holds, checked against the OCI grammar."""
    image = data.get("image") if isinstance(data, dict) else None
    if not isinstance(image, dict):
        raise PromotionError(f"{where}: no `image:` block")
    keys = [key for key in ("tag", "digest") if key in image]
    if len(keys) != 1:
        raise PromotionError(f"{where}: the image block must hold exactly one of `tag:` or `digest:`")
    key, value = keys[0], image[keys[0]]
    if not isinstance(value, str) or not GRAMMAR[key].fullmatch(value):
        shown = repr(value)[:60]
        raise PromotionError(
            f"{where}: image {key} {shown} is not a valid OCI {key}"
            + (" (quote it: YAML reads 0.10 as a number)" if isinstance(value, int | float) else "")
        )
    return ImageRef(key, value)


def image_at(commit: str, path: Path, repo: Path) -> ImageRef | None:
    """The image reference of `path` at a commit; None where it is missing or unreadable."""
    relative = path.relative_to(repo).as_posix()
    text = git("show", f"{commit}:{relative}", cwd=repo, check=False)
    try:
        return image_of(yaml.safe_load(text), f"{relative}@{commit[:12]}")
    except (yaml.YAMLError, PromotionError):
        return None


def require_clean(repo: Path) -> None:
    if git("status", "--porcelain", "--untracked-files=no", cwd=repo).strip():
        raise PromotionError("the working tree has uncommitted changes; commit or stash them first")


def _replace_reference(text: str, new: ImageRef, where: str) -> str:
    """`text` with the image block's one tag/digest line (and a block scalar's lines) replaced."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if _IMAGE_BLOCK.match(line)]
    if len(starts) != 1:
        raise PromotionError(f"{where}: expected one top-level `image:` block")
    found = []
    for index in range(starts[0] + 1, len(lines)):
        line = lines[index]
        if line.strip() and not line[0].isspace() and not line.startswith("#"):
            break  # the next top-level key
        if match := _REFERENCE_LINE.match(line):
            found.append((index, match["indent"]))
    if len(found) != 1:
        raise PromotionError(f"{where}: the image block must hold exactly one `tag:` or `digest:` line")
    index, indent = found[0]
    end = index + 1
    while (
        end < len(lines) and lines[end].strip() and len(lines[end]) - len(lines[end].lstrip()) > len(indent)
    ):
        end += 1  # the lines of a block scalar (`tag: >-` then the value)
    ending = "\n" if lines[end - 1].endswith("\n") else ""
    # Always quoted: a tag such as 1.10 would otherwise be read as a number.
    lines[index:end] = [f'{indent}{new.key}: "{new.value}"{ending}']
    return "".join(lines)


def promote(app: str, source: str, target: str, repo: Path = REPO) -> str:
    """Commit the source environment's image reference of `app` into the target; returns the commit."""
    if source == target:
        raise PromotionError("--from and --to name the same environment")
    src, dst = values_path(app, source, repo), values_path(app, target, repo)
    require_clean(repo)
    new = image_of(load_yaml(src, repo), src.relative_to(repo).as_posix())
    return _commit_reference(app, target, dst, new, source, f"from {source}", repo)


def release(app: str, env: str, digest: str, built_from: str, repo: Path = REPO) -> str:
    """Commit a newly built image (its digest, in the repository the environment's file names)
    into `env`: a promotion whose source is the build of commit `built_from`, so
    scripts/rollback reverts it like any other. Returns the commit."""
    if not re.fullmatch(r"[0-9a-f]{40}", built_from):
        raise PromotionError(f"--built-from {built_from[:60]!r} is not a full commit id (40 hex digits)")
    dst = values_path(app, env, repo)
    new = ImageRef("digest", digest)
    if not GRAMMAR["digest"].fullmatch(digest):
        raise PromotionError(f"{digest[:80]!r} is not an image digest (sha256:<64 hex> or sha512:<128 hex>)")
    require_clean(repo)
    return _commit_reference(app, env, dst, new, f"build {built_from[:12]}", f"built from {built_from}", repo)


def _commit_reference(
    app: str, target: str, dst: Path, new: ImageRef, source: str, origin: str, repo: Path
) -> str:
    """One commit that sets `app`'s image reference in `dst` (target's values file, checked, in a
    clean tree) to `new`, and nothing else."""
    where = dst.relative_to(repo).as_posix()
    before_text = dst.read_text()
    before = load_yaml(dst, repo)
    old = image_of(before, where)
    if new == old:
        raise PromotionError(f"{app} in {target} already runs {old}: nothing to promote")
    head = resolve("HEAD", repo)

    def restore() -> None:
        """The file and the index as before, unless the commit was made."""
        if resolve("HEAD", repo) == head:
            dst.write_text(before_text)
            git("reset", "--quiet", "--", where, cwd=repo, check=False)

    try:
        dst.write_text(_replace_reference(before_text, new, where))
        after = load_yaml(dst, repo)
        expected = {
            **before,
            "image": {k: v for k, v in before["image"].items() if k not in ("tag", "digest")},
        }
        expected["image"][new.key] = new.value
        if after != expected or image_of(after, where) != new:
            raise PromotionError(f"{where}: the written file does not hold exactly the new image {new}")
        message = (
            f"promote {app} to {target}: {old} -> {new} ({origin})\n\n"
            f"Promoted-App: {app}\nPromoted-From: {source}\nPromoted-To: {target}\n"
        )
        git("add", "--", where, cwd=repo)
        git("commit", "--quiet", "-m", message, "--", where, cwd=repo)
    except (PromotionError, RepoError, OSError) as error:
        restore()
        raise PromotionError(f"{error}; nothing was changed") from None
    except BaseException:  # interrupted (Ctrl-C): nothing half-written either
        restore()
        raise
    return resolve("HEAD", repo)


def promotions(app: str, env: str, path: Path, repo: Path) -> list[str]:
    """Commits that promoted `app` into `env`, newest first (by their trailers)."""
    relative = path.relative_to(repo).as_posix()
    log = git("log", "--format=%H%x00%B%x1e", "--end-of-options", "HEAD", "--", relative, cwd=repo)
    found = []
    for entry in log.split("\x1e"):
        sha, _, body = entry.strip().partition("\x00")
        trailers = set(body.splitlines())
        if sha and f"Promoted-App: {app}" in trailers and f"Promoted-To: {env}" in trailers:
            found.append(sha)
    return found


def live_promotion(app: str, env: str, repo: Path = REPO) -> str:
    """The newest promotion of `app` into `env` whose image is the one `env` runs now."""
    path = values_path(app, env, repo)
    now = image_of(load_yaml(path, repo), path.relative_to(repo).as_posix())
    for sha in promotions(app, env, path, repo):
        if image_at(sha, path, repo) == now:
            return sha
    raise PromotionError(
        f"no promotion of {app} to {env} left to roll back: {env} runs {now}, which no promotion set"
    )


def rollback(app: str, env: str, repo: Path = REPO) -> tuple[str, str]:
    """`git revert` of the live promotion; returns (reverted commit, revert commit)."""
    values_path(app, env, repo)
    require_clean(repo)
    target = live_promotion(app, env, repo)
    head = resolve("HEAD", repo)

    def undo() -> None:
        """Never leave a half-done revert behind."""
        git("revert", "--abort", cwd=repo, check=False)
        if resolve("HEAD", repo) != head:
            git("reset", "--quiet", "--hard", head, cwd=repo)

    try:
        git("revert", "--no-edit", target, cwd=repo)
    except RepoError as error:
        undo()
        raise PromotionError(f"git revert {target[:12]} failed ({error}); nothing was changed") from None
    except BaseException:  # interrupted (Ctrl-C)
        undo()
        raise
    return target, resolve("HEAD", repo)


# An image repository: a registry host (and port), then one or more lower-case path components.
_REPOSITORY = re.compile(r"[a-z0-9.-]+(?::[0-9]+)?(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)+")


def image_repository(app: str, env: str, repo: Path = REPO) -> str:
    """The repository `env` pulls `app`'s image from (its values file's `image.repository`)."""
    path = values_path(app, env, repo)
    data = load_yaml(path, repo)
    image = data.get("image") if isinstance(data, dict) else None
    repository = image.get("repository") if isinstance(image, dict) else None
    if not isinstance(repository, str) or not _REPOSITORY.fullmatch(repository):
        raise PromotionError(
            f"{path.relative_to(repo).as_posix()}: image.repository is not an image repository"
        )
    return repository
