"""The rendered-manifest diff between two git refs, per Application, for a pull request."""

import difflib
import tempfile
from pathlib import Path

from .render import render_environment
from .repo import RepoError, checkout, environments, resolve


def _files(root: Path) -> dict[str, str]:
    """The rendered files of each Application folder (render's marker file is not one)."""
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.glob("*/*")) if p.is_file()}


def diff_refs(base: str, head: str, only: str | None = None, progress=print) -> tuple[str, int]:
    """Markdown: one section per Application that changed. Returns (text, changed count)."""
    for ref in (base, head):
        resolve(ref)  # a ref that is not one is refused before anything runs
    known = {}
    for ref in (base, head):
        with checkout(ref) as repo:
            known[ref] = environments(repo)
    envs = sorted(set(known[base]) | set(known[head]))
    if only:
        if only not in envs:
            raise RepoError(f"unknown environment {only!r}; known: {', '.join(envs)}")
        envs = [only]
    sections, changed = [], 0
    with tempfile.TemporaryDirectory() as scratch:
        for env in envs:
            before, after = Path(scratch, "base", env), Path(scratch, "head", env)
            for ref, out in ((base, before), (head, after)):
                out.mkdir(parents=True)
                if env in known[ref]:  # an environment new at one side renders as nothing there
                    progress(f"diff: rendering {env} at {ref}")
                    render_environment(env, out, ref, progress=lambda _: None)
            old, new = _files(before), _files(after)
            apps = sorted({name.split("/")[0] for name in old | new})
            for app in apps:
                lines = []
                for name in sorted(n for n in old | new if n.split("/")[0] == app):
                    lines += difflib.unified_diff(
                        old.get(name, "").splitlines(keepends=True),
                        new.get(name, "").splitlines(keepends=True),
                        fromfile=f"{base}/{name}" if name in old else "/dev/null",
                        tofile=f"{head}/{name}" if name in new else "/dev/null",
                    )
                if lines:
                    changed += 1
                    status = (
                        "added"
                        if not any(n.startswith(f"{app}/") for n in old)
                        else ("removed" if not any(n.startswith(f"{app}/") for n in new) else "changed")
                    )
                    sections.append(f"### {app} ({env}, {status})\n\n```diff\n{''.join(lines)}```\n")
    header = f"## Rendered manifests: {base} → {head}\n\n"
    if not sections:
        return header + f"No Application changes in {', '.join(envs)}.\n", 0
    return header + f"{changed} Application(s) changed.\n\n" + "\n".join(sections), changed
