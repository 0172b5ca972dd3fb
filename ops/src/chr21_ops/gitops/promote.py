"""Promotion and rollback by git commits.

A promotion is one commit that changes one value in one environment's files, to what the
source environment runs:
- an app's image reference (`tag:` or `digest:` in the `image:` block of
  environments/<env>/apps/<app>.yaml);
- `charts`: the commit whose charts/ the environment renders (`chartsRevision` in
  environments/<env>/env.yaml; a source that follows the branch gives the commit checked out);
- an add-on's chart version (`addonVersions.<addon>` in environments/<env>/env.yaml).
An image's promotion also records where the image came from (`imageOrigins.<app>` in the
environment's env.yaml, shown as the Application's info), in the same commit.
The value is read through YAML and checked against its grammar; each written file is parsed
again and must differ from before in that value only; if anything fails, the files are
restored, so a failed promote leaves the working tree exactly as it was. The commit message carries
trailers (Promoted-App, Promoted-Charts or Promoted-Addon; Promoted-From, Promoted-To).

A rollback reverts the promotion that is live: the newest promotion of the same thing into the
environment whose value is the one the environment's file holds now. So a rolled-back
promotion is not reverted again, and one re-applied (a revert of its revert) is live again.
"""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..checkout import ENVIRONMENTS, REPO
from .repo import (
    COMMIT_ID,
    RepoError,
    apps,
    check_app,
    check_environment,
    environment_settings,
    git,
    is_charts_revision,
    load_yaml,
    resolve,
)

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


# Helm chart versions are SemVer 2 (helm.sh/helm/v3/pkg/chart Metadata.Validate).
CHART_VERSION = re.compile(
    r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
    r"(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?"
)
CHARTS = "charts"


class Pin:
    """One value a promotion moves, in one environment's file: subclasses say which."""

    trailer: str  # the commit trailer naming what was promoted, as `Name: value`

    def __init__(self, what: str, env: str, path: Path, repo: Path):
        self.what, self.env, self.path, self.repo = what, env, path, repo
        self.where = path.relative_to(repo).as_posix()

    def value(self, data):
        """The value `data` (the parsed file) holds, checked against its grammar."""
        raise NotImplementedError

    def with_value(self, data, new):
        """`data` as it must parse once `new` is written."""
        raise NotImplementedError

    def replaced(self, text: str, new) -> str:
        """The file's text with the value's line replaced."""
        raise NotImplementedError

    def promoted_by(self, trailers: set[str]) -> bool:
        return self.trailer in trailers

    def trailer_line(self, new) -> str:
        return self.trailer

    def value_at(self, commit: str):
        """The value at a commit; None where the file is missing or unreadable there."""
        text = git("show", f"{commit}:{self.where}", cwd=self.repo, check=False)
        try:
            return self.value(yaml.safe_load(text))
        except (yaml.YAMLError, PromotionError, AttributeError, TypeError):
            return None

    def current(self):
        return self.value(load_yaml(self.path, self.repo))

    def describe(self, value) -> str:
        return str(value)


class ImagePin(Pin):
    def __init__(self, app: str, env: str, repo: Path):
        super().__init__(app, env, values_path(app, env, repo), repo)
        self.trailer = f"Promoted-App: {app}"
        self.origin = ImageOrigin(app, env, repo)

    def value(self, data):
        return image_of(data, self.where)

    def with_value(self, data, new):
        image = {k: v for k, v in data["image"].items() if k not in ("tag", "digest")}
        return {**data, "image": {**image, new.key: new.value}}

    def replaced(self, text, new):
        return _replace_reference(text, new, self.where)


def _environment(data, where: str) -> dict:
    settings = data.get("environment") if isinstance(data, dict) else None
    if not isinstance(settings, dict):
        raise PromotionError(f"{where}: no `environment:` block")
    return settings


def _replace_line(text: str, line: re.Pattern, replacement: str, where: str, block: str | None = None) -> str:
    """`text` with its one line matching `line` replaced; with `block`, only lines of the
    `  block:` mapping count (its entries are indented four spaces)."""
    lines = text.splitlines(keepends=True)
    candidates = range(len(lines))
    if block is not None:
        header = re.compile(rf"  {block}:\s*(#.*)?")
        starts = [i for i, current in enumerate(lines) if header.fullmatch(current.rstrip("\n"))]
        if len(starts) != 1:
            raise PromotionError(f"{where}: expected one `{block}:` block")
        end = starts[0] + 1
        while end < len(lines) and (lines[end].startswith("    ") or lines[end].strip().startswith("#")):
            end += 1
        candidates = range(starts[0] + 1, end)
    found = [i for i in candidates if line.fullmatch(lines[i].rstrip("\n"))]
    if len(found) != 1:
        raise PromotionError(f"{where}: expected one line holding the value, found {len(found)}")
    ending = "\n" if lines[found[0]].endswith("\n") else ""
    lines[found[0]] = replacement + ending
    return "".join(lines)


class ChartsPin(Pin):
    """environment.chartsRevision: "" (follows the branch) or a full commit id."""

    def __init__(self, env: str, repo: Path):
        check_environment(env, repo)
        super().__init__(CHARTS, env, repo / ENVIRONMENTS / env / "env.yaml", repo)
        self.trailer = "Promoted-Charts:"

    def promoted_by(self, trailers):
        return any(line.startswith(self.trailer) for line in trailers)

    def trailer_line(self, new):
        return f"{self.trailer} {new}"

    def value(self, data):
        revision = _environment(data, self.where).get("chartsRevision")
        if not is_charts_revision(revision):
            raise PromotionError(
                f'{self.where}: chartsRevision {str(revision)[:60]!r} is neither "" (follow the branch) '
                "nor a full commit id (40 hex digits)"
            )
        return revision

    def with_value(self, data, new):
        return {**data, "environment": {**data["environment"], "chartsRevision": new}}

    def replaced(self, text, new):
        line = re.compile(r"  chartsRevision:.*")
        return _replace_line(text, line, f'  chartsRevision: "{new}"', self.where)

    def describe(self, value):
        return value[:12] if value else "the branch"


class EnvironmentEntry(Pin):
    """environment.<block>.<what> of environments/<env>/env.yaml: one entry of a map there."""

    block: str  # the map's key under `environment:`

    def __init__(self, what: str, env: str, repo: Path):
        super().__init__(what, env, repo / ENVIRONMENTS / env / "env.yaml", repo)

    def checked(self, entry):
        """The entry's value, checked against its grammar (None: the map has no such entry)."""
        raise NotImplementedError

    def value(self, data):
        entries = _environment(data, self.where).get(self.block)
        return self.checked(entries.get(self.what) if isinstance(entries, dict) else None)

    def with_value(self, data, new):
        entries = {**data["environment"][self.block], self.what: new}
        return {**data, "environment": {**data["environment"], self.block: entries}}

    def replaced(self, text, new):
        line = re.compile(rf"    {re.escape(self.what)}:.*")
        return _replace_line(text, line, f'    {self.what}: "{new}"', self.where, block=self.block)


class AddonPin(EnvironmentEntry):
    """environment.addonVersions.<addon>: the add-on chart's version."""

    block = "addonVersions"

    def __init__(self, addon: str, env: str, repo: Path):
        check_environment(env, repo)
        super().__init__(addon, env, repo)
        self.trailer = f"Promoted-Addon: {addon}"

    def checked(self, version):
        if not isinstance(version, str) or not CHART_VERSION.fullmatch(version):
            raise PromotionError(
                f"{self.where}: addonVersions.{self.what} {str(version)[:60]!r} is not a chart version "
                "(SemVer, quoted: YAML reads 1.10 as a number)"
            )
        return version


# imageOrigins.<app>: "" (nothing recorded yet), or what the commands below write.
IMAGE_ORIGIN = re.compile(r"(built from|promoted from [a-z][a-z0-9-]{0,30} at) [0-9a-f]{40}")


class ImageOrigin(EnvironmentEntry):
    """environment.imageOrigins.<app>: where the app's image came from, written with it."""

    block = "imageOrigins"
    trailer = ""

    def checked(self, origin):
        if origin is None:
            raise PromotionError(
                f'{self.where}: imageOrigins has no entry for {self.what} (add `{self.what}: ""`)'
            )
        if not isinstance(origin, str) or not (origin == "" or IMAGE_ORIGIN.fullmatch(origin)):
            raise PromotionError(
                f'{self.where}: imageOrigins.{self.what} {str(origin)[:60]!r} is neither "" nor '
                '"built from <commit>" or "promoted from <environment> at <commit>" (full commit ids)'
            )
        return origin


def pin_for(what: str, env: str, repo: Path) -> Pin:
    """What `what` names in `env`: an app's image, an add-on's version, or the charts' revision."""
    check_environment(env, repo)
    if what == CHARTS:
        return ChartsPin(env, repo)
    if what in apps(env, repo):
        return ImagePin(what, env, repo)
    # Names only: a value off its grammar is the AddonPin's to refuse, naming it.
    versions = environment_settings(env, repo).get("addonVersions")
    addons = sorted(versions) if isinstance(versions, dict) else []
    if what in addons:
        return AddonPin(what, env, repo)
    raise RepoError(
        f"unknown {what[:60]!r} in {env}: neither an app ({', '.join(apps(env, repo))}), "
        f"an add-on ({', '.join(addons)}) nor {CHARTS}"
    )


def _source_value(pin: Pin, repo: Path):
    """What the source environment runs, as the target will pin it. For charts that follow the
    branch: the newest commit of HEAD's history that changed charts/ (its charts are HEAD's), so
    a promotion branch's own commits, which touch only environments/, are never pinned."""
    value = pin.current()
    if isinstance(pin, ChartsPin) and value == "":
        value = git("rev-list", "-1", "HEAD", "--", "charts", cwd=repo).strip()
    return value


def _is_ancestor(older: str, newer: str, repo: Path) -> bool:
    command = ["git", "merge-base", "--is-ancestor", older, newer]
    return subprocess.run(command, cwd=repo, capture_output=True).returncode == 0


def promote(what: str, source: str, target: str, repo: Path = REPO) -> str:
    """Commit what the source environment runs of `what` into the target; returns the commit."""
    if source == target:
        raise PromotionError("--from and --to name the same environment")
    src, dst = pin_for(what, source, repo), pin_for(what, target, repo)
    require_clean(repo)
    new = _source_value(src, repo)
    if isinstance(dst, ChartsPin):
        old = dst.current()
        if old == "":
            raise PromotionError(
                f'{target} follows the branch (chartsRevision ""): a chart change reaches it when merged'
            )
        if not _is_ancestor(new, "HEAD", repo):
            raise PromotionError(f"{src.where} pins {new[:12]}, which is not in HEAD's history")
        if new != old and _is_ancestor(new, old, repo):
            raise PromotionError(
                f"{target} runs charts newer than {source}'s ({old[:12]} after {new[:12]}): "
                f"to go back, gitops rollback charts {target}"
            )
    records = []
    if isinstance(dst, ImagePin):
        # The source's newest commit that changed the app's values file: where the image was run.
        source_commit = git("rev-list", "-1", "HEAD", "--", src.where, cwd=repo).strip()
        records.append((dst.origin, f"promoted from {source} at {source_commit}"))
    return _commit_value(dst, new, source, f"from {source}", repo, records)


def release(app: str, env: str, digest: str, built_from: str, repo: Path = REPO) -> str:
    """Commit a newly built image (its digest, in the repository the environment's file names)
    into `env`: a promotion whose source is the build of commit `built_from`, so
    gitops rollback reverts it like any other. Returns the commit."""
    if not COMMIT_ID.fullmatch(built_from):
        raise PromotionError(f"--built-from {built_from[:60]!r} is not a full commit id (40 hex digits)")
    dst = ImagePin(app, env, repo)
    new = ImageRef("digest", digest)
    if not GRAMMAR["digest"].fullmatch(digest):
        raise PromotionError(f"{digest[:80]!r} is not an image digest (sha256:<64 hex> or sha512:<128 hex>)")
    require_clean(repo)
    records = [(dst.origin, f"built from {built_from}")]
    return _commit_value(dst, new, f"build {built_from[:12]}", f"built from {built_from}", repo, records)


def _write(pin: Pin, new) -> None:
    """The pin's file with its value set to `new`, checked to differ in that value only."""
    before_text = pin.path.read_text()
    before = load_yaml(pin.path, pin.repo)
    pin.value(before)  # the old value is checked against its grammar too
    pin.path.write_text(pin.replaced(before_text, new))
    after = load_yaml(pin.path, pin.repo)
    if after != pin.with_value(before, new) or pin.value(after) != new:
        raise PromotionError(f"{pin.where}: the written file does not hold exactly the new value {new}")


def _commit_value(pin: Pin, new, source: str, origin: str, repo: Path, records=()) -> str:
    """One commit that sets the pin's value (in a clean tree) to `new`, and each record's
    (another Pin, its new value), and nothing else."""
    old = pin.value(load_yaml(pin.path, repo))
    if new == old:
        raise PromotionError(f"{pin.what} in {pin.env} already runs {pin.describe(old)}: nothing to promote")
    head = resolve("HEAD", repo)
    written = [pin, *(record for record, _ in records)]
    paths = sorted({p.where for p in written})
    saved = {p.where: p.path.read_text() for p in written}

    def restore() -> None:
        """The files and the index as before, unless the commit was made."""
        if resolve("HEAD", repo) == head:
            for p in written:
                p.path.write_text(saved[p.where])
            git("reset", "--quiet", "--", *paths, cwd=repo, check=False)

    try:
        _write(pin, new)
        for record, value in records:
            _write(record, value)
        message = (
            f"promote {pin.what} to {pin.env}: {pin.describe(old)} -> {pin.describe(new)} ({origin})\n\n"
            f"{pin.trailer_line(new)}\nPromoted-From: {source}\nPromoted-To: {pin.env}\n"
        )
        git("add", "--", *paths, cwd=repo)
        git("commit", "--quiet", "-m", message, "--", *paths, cwd=repo)
    except (PromotionError, RepoError, OSError) as error:
        restore()
        raise PromotionError(f"{error}; nothing was changed") from None
    except BaseException:  # interrupted (Ctrl-C): nothing half-written either
        restore()
        raise
    return resolve("HEAD", repo)


def undo_promotion(commit: str, repo: Path = REPO) -> None:
    """Take back a promotion just committed (HEAD), as if it never was. `--keep` restores only
    the file it changed, and refuses if that file was edited since."""
    if resolve("HEAD", repo) != commit:
        raise PromotionError(f"HEAD moved past {commit[:12]}; undo it by hand (git revert {commit[:12]})")
    git("reset", "--quiet", "--keep", f"{commit}~1", cwd=repo)


def promotions(pin: Pin) -> list[str]:
    """Commits that promoted the pin's value into its environment, newest first (by their trailers)."""
    log = git("log", "--format=%H%x00%B%x1e", "--end-of-options", "HEAD", "--", pin.where, cwd=pin.repo)
    found = []
    for entry in log.split("\x1e"):
        sha, _, body = entry.strip().partition("\x00")
        trailers = set(body.splitlines())
        if sha and pin.promoted_by(trailers) and f"Promoted-To: {pin.env}" in trailers:
            found.append(sha)
    return found


def live_promotion(what: str, env: str, repo: Path = REPO) -> str:
    """The newest promotion of `what` into `env` whose value is the one `env` runs now."""
    pin = pin_for(what, env, repo)
    now = pin.current()
    for sha in promotions(pin):
        if pin.value_at(sha) == now:
            return sha
    raise PromotionError(
        f"no promotion of {what} to {env} left to roll back: {env} runs {pin.describe(now)}, "
        "which no promotion set"
    )


def rollback(what: str, env: str, repo: Path = REPO) -> tuple[str, str]:
    """`git revert` of the live promotion; returns (reverted commit, revert commit)."""
    pin_for(what, env, repo)
    require_clean(repo)
    target = live_promotion(what, env, repo)
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
