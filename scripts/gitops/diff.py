"""The rendered-manifest diff between two git refs, per Application, for a pull request.

Each Application's objects are compared as Argo CD compares them: one object after another
in a stable order (kind, namespace, name), whatever order helm wrote them in, and without
the fields the Application's ignoreDifferences lists (ignore.py).
"""

import difflib
import tempfile
from pathlib import Path

import yaml

from .ignore import masked
from .render import render_environment
from .repo import RepoError, checkout, environments, load_manifests, resolve


def _canonical(manifests: str, ignore_differences: list[dict]) -> str:
    objects = [masked(obj, ignore_differences) for obj in load_manifests(manifests)]

    def key(obj: dict) -> tuple[str, str, str]:
        metadata = obj.get("metadata", {})
        return obj.get("kind", ""), metadata.get("namespace", ""), metadata.get("name", "")

    return "".join(
        "---\n" + yaml.safe_dump(obj, sort_keys=True, default_flow_style=False)
        for obj in sorted(objects, key=key)
    )


def comparable_files(root: Path) -> dict[str, str]:
    """The rendered files of each Application folder (render's marker file is not one), the
    manifests in the canonical form above."""
    files = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        application = (folder / "application.yaml").read_text()
        files[f"{folder.name}/application.yaml"] = application
        manifests = folder / "manifests.yaml"
        if manifests.is_file():
            ignored = (yaml.safe_load(application)["spec"].get("ignoreDifferences")) or []
            files[f"{folder.name}/manifests.yaml"] = _canonical(manifests.read_text(), ignored)
    return files


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
            old, new = comparable_files(before), comparable_files(after)
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
