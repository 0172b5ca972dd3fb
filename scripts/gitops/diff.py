"""The rendered-manifest diff between two git refs, per Application, for a pull request.

Each Application's objects are compared as Argo CD compares them: one object after another
in a stable order (kind, namespace, name), whatever order helm wrote them in, and without
the fields the Application's ignoreDifferences lists (ignore.py).

An environment whose inputs are the same tree at both refs (the ApplicationSets and cluster
secrets, the charts, its own folder) renders the same at both: it is not rendered (a
promotion to prod leaves hml unrendered).
"""

import difflib
import subprocess
import tempfile
from pathlib import Path

import yaml

from .ignore import masked
from .paths import ENVIRONMENTS, REPO
from .render import render_environment
from .repo import DUMPER, RepoError, checkout, environments, load_manifests, resolve

# What an environment's render reads from the repository, besides its own folder.
SHARED_INPUTS = ("argocd", "charts")


def _tree(ref: str, path: str, repo: Path) -> str | None:
    """The git object id of `path` at `ref`; None where it is missing."""
    result = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{ref}:{path}"], cwd=repo, capture_output=True, text=True
    )
    return result.stdout.strip() if result.returncode == 0 else None


def same_inputs(base: str, head: str, env: str, repo: Path = REPO) -> bool:
    """Whether everything the render of `env` reads is the same tree at both refs."""
    return all(
        _tree(base, path, repo) == _tree(head, path, repo) is not None
        for path in (*SHARED_INPUTS, f"{ENVIRONMENTS}/{env}")
    )


def _canonical(manifests: str, ignore_differences: list[dict]) -> str:
    objects = [masked(obj, ignore_differences) for obj in load_manifests(manifests)]

    def key(obj: dict) -> tuple[str, str, str]:
        metadata = obj.get("metadata", {})
        return obj.get("kind", ""), metadata.get("namespace", ""), metadata.get("name", "")

    return "".join(
        "---\n" + yaml.dump(obj, Dumper=DUMPER, sort_keys=True, default_flow_style=False)
        for obj in sorted(objects, key=key)
    )


def rendered_files(root: Path) -> dict[str, str]:
    """The files of each Application folder as written (render's marker file is not one)."""
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.glob("*/*")) if p.is_file()}


def comparable(files: dict[str, str], name: str) -> str:
    """A rendered file as Argo CD compares it: manifests in the canonical form above."""
    if not name.endswith("/manifests.yaml"):
        return files[name]
    application = yaml.safe_load(files[name.replace("/manifests.yaml", "/application.yaml")])
    return _canonical(files[name], application["spec"].get("ignoreDifferences") or [])


def comparable_files(root: Path) -> dict[str, str]:
    files = rendered_files(root)
    return {name: comparable(files, name) for name in files}


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
            if env in known[base] and env in known[head] and same_inputs(base, head, env):
                progress(f"diff: {env} has the same inputs at both refs; nothing to render")
                continue
            before, after = Path(scratch, "base", env), Path(scratch, "head", env)
            for ref, out in ((base, before), (head, after)):
                out.mkdir(parents=True)
                if env in known[ref]:  # an environment new at one side renders as nothing there
                    progress(f"diff: rendering {env} at {ref}")
                    render_environment(env, out, ref, progress=lambda _: None)
            old, new = rendered_files(before), rendered_files(after)
            apps = sorted({name.split("/")[0] for name in old | new})
            for app in apps:
                lines = []
                for name in sorted(n for n in old | new if n.split("/")[0] == app):
                    if old.get(name) == new.get(name):
                        continue  # the same bytes: nothing to compare (most add-ons, most days)
                    lines += difflib.unified_diff(
                        (comparable(old, name) if name in old else "").splitlines(keepends=True),
                        (comparable(new, name) if name in new else "").splitlines(keepends=True),
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
