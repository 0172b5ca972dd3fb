"""The rendered-manifest diff between two git refs, per Application, for a pull request.

Each Application's objects are compared as Argo CD compares them: one object after another
in a stable order (kind, namespace, name), whatever order helm wrote them in, and without
the fields the Application's ignoreDifferences lists (ignore.py).

An environment whose inputs are the same tree at both refs (the ApplicationSets and cluster
secrets, its own folder, the charts at the commit it pins) renders the same at both: it is not
rendered (a promotion to prod leaves hml unrendered; a chart change leaves prod unrendered).
"""

import difflib
import subprocess
import tempfile
from pathlib import Path

import yaml

from ..checkout import ENVIRONMENTS, REPO
from .ignore import masked
from .render import render_environment
from .repo import DUMPER, RepoError, checkout, environments, load_manifests, pinned_revision, resolve

# What an environment's render reads from the repository at the ref rendered, besides charts/
# (read at the commit the environment pins, if it pins one).
SHARED_INPUTS = ("argocd",)


def _tree(ref: str, path: str, repo: Path) -> str | None:
    """The git object id of `path` at `ref`; None where it is missing."""
    result = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{ref}:{path}"], cwd=repo, capture_output=True, text=True
    )
    return result.stdout.strip() if result.returncode == 0 else None


def _inputs(ref: str, env: str, repo: Path) -> tuple[str | None, ...]:
    """The trees the render of `env` at `ref` reads: the ApplicationSets, its own folder, and
    charts/ at the commit its env.yaml pins (at `ref` when it follows the branch)."""
    with checkout(ref, repo, paths=(f"{ENVIRONMENTS}/{env}/env.yaml",)) as files:
        pinned = pinned_revision(env, files)
    return (
        *(_tree(ref, path, repo) for path in (*SHARED_INPUTS, f"{ENVIRONMENTS}/{env}")),
        _tree(pinned or ref, "charts", repo),
    )


def same_inputs(base: str, head: str, env: str, repo: Path = REPO) -> bool:
    """Whether everything the render of `env` reads is the same tree at both refs (a chart
    change leaves an environment that pins its charts unrendered)."""
    before, after = _inputs(base, env, repo), _inputs(head, env, repo)
    return before == after and None not in before


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


def diff_refs(base: str, head: str, only: str | None = None, progress=print) -> tuple[str, list[str]]:
    """Markdown: one section per Application that changed. Returns (text, the Applications whose
    objects change: the ones a sync would change; one whose spec alone changes renders the same
    objects and stays Synced)."""
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
    sections, changed = [], []
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
                lines, objects_change = [], False
                for name in sorted(n for n in old | new if n.split("/")[0] == app):
                    if old.get(name) == new.get(name):
                        continue  # the same bytes: nothing to compare (most add-ons, most days)
                    before_text = comparable(old, name) if name in old else ""
                    after_text = comparable(new, name) if name in new else ""
                    if name.endswith("/manifests.yaml") and name in new and before_text != after_text:
                        objects_change = True  # a sync would change it
                    lines += difflib.unified_diff(
                        before_text.splitlines(keepends=True),
                        after_text.splitlines(keepends=True),
                        fromfile=f"{base}/{name}" if name in old else "/dev/null",
                        tofile=f"{head}/{name}" if name in new else "/dev/null",
                    )
                if lines:
                    if objects_change:
                        changed.append(app)
                    status = (
                        "added"
                        if not any(n.startswith(f"{app}/") for n in old)
                        else ("removed" if not any(n.startswith(f"{app}/") for n in new) else "changed")
                    )
                    sections.append(f"### {app} ({env}, {status})\n\n```diff\n{''.join(lines)}```\n")
    header = f"## Rendered manifests: {base} → {head}\n\n"
    if not sections:
        return header + f"No Application changes in {', '.join(envs)}.\n", []
    return header + f"{len(sections)} Application(s) changed.\n\n" + "\n".join(sections), changed
