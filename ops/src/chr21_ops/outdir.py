"""Output folders the GitOps commands write (render, crd-schemas, pull-charts): whole or not at
all, and only where they own.

A folder is written into a new folder beside it and moved into place once complete; an
interrupted or failed command leaves the previous one as it was. An existing folder is
replaced only when one of these commands wrote it (it holds MARKER) or it is empty. Inside
the repository (reached directly or through a symlink) only git-ignored places are written,
so a command never touches a tracked file, `.git`, or a chart's templates.
"""

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from .checkout import REPO, git_succeeds

# The file that marks a folder as these commands' own, so a later run may replace it.
MARKER = ".written-by-chr21-scripts"


class OutdirError(ValueError):
    """A folder the command may not write; the message says why."""


def check_outdir(out: Path, repo: Path = REPO) -> Path:
    """The real path of OUTDIR, if a command may write it; else an OutdirError saying why not."""
    given = Path(os.path.abspath(out))
    if given.is_symlink():
        raise OutdirError(f"{out} is a symbolic link; name the folder itself")
    target = Path(os.path.realpath(given))  # symlinks in its parents resolved
    if target == repo or repo.is_relative_to(target):
        raise OutdirError(f"{out} is the repository or holds it; choose a folder of its own, e.g. out/prod")
    if target.is_relative_to(repo):
        inside = str(target.relative_to(repo))
        # Asked as a folder ("out/"): a pattern such as /out/ matches folders only.
        if not git_succeeds("check-ignore", "--quiet", "--", f"{inside}/", cwd=repo):
            raise OutdirError(
                f"{out} is a place of the repository git does not ignore; choose a folder of its own, "
                "e.g. out/prod"
            )
    if target.exists():
        if not target.is_dir():
            raise OutdirError(f"{out} exists and is not a folder")
        if not (target / MARKER).is_file() and any(target.iterdir()):
            raise OutdirError(
                f"{out} holds files these commands did not write; choose a new folder or empty it first"
            )
    return target


def write_whole(out: Path, fill: Callable[[Path], None], command: str) -> Path:
    """Call `fill(staging)` on a new folder beside OUTDIR, then put it in OUTDIR's place."""
    target = check_outdir(out)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.writing-", dir=target.parent))
    except OSError as error:
        raise OutdirError(f"cannot write beside {out}: {error.strerror}") from None
    try:
        fill(staging)
        (staging / MARKER).write_text(f"written by {command}; safe to replace\n")
        _move_into_place(staging, target)
    except OSError as error:
        raise OutdirError(f"cannot write {out}: {error.strerror or error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _move_into_place(staging: Path, target: Path) -> None:
    """Swap the complete folder in; the previous one (checked above) goes."""
    if not target.exists():
        staging.rename(target)
        return
    previous = target.with_name(f".{target.name}.previous-{os.getpid()}")
    target.rename(previous)
    try:
        staging.rename(target)
    except OSError:
        previous.rename(target)
        raise
    shutil.rmtree(previous, ignore_errors=True)
