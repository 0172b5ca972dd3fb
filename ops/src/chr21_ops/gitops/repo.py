"""The repository as Argo CD sees it: a git ref's tracked files, or the working tree.

Everything a user names (a ref, an environment, an app) is checked here before it
reaches git or helm: refs are resolved with `git rev-parse --verify --end-of-options` to a
commit id, and names must be ones the repository holds.
"""

import contextlib
import io
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

import yaml

from ..checkout import APPLICATIONSETS, CLUSTER_SECRETS, ENVIRONMENTS, REPO
from .appset import Context

# What an environment or app name may look like (a DNS label); anything else is refused,
# so `prod/`, `../x` or `-x` never reach a path, a commit message or git.
_NAME = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")


class ManifestLoader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):
    """PyYAML's safe loader (libyaml's when built with it), but a plain `=` is the string "=",
    as Kubernetes reads it (YAML 1.1's `value` type, which PyYAML cannot construct, appears
    in CRDs' enums)."""


ManifestLoader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


# libyaml's dumper when PyYAML has it: the add-ons' CRDs run to tens of thousands of lines.
DUMPER = yaml.CSafeDumper if yaml.__with_libyaml__ else yaml.SafeDumper


def load_manifests(text: str) -> list[dict]:
    """The objects of rendered manifests; a `List` counts as its items, as Argo CD splits it."""
    found = []
    for doc in yaml.load_all(text, Loader=ManifestLoader):
        if isinstance(doc, dict) and doc.get("kind") == "List":
            found += [item for item in doc.get("items") or [] if item]
        elif doc:
            found.append(doc)
    return found


class RepoError(ValueError):
    """A ref, environment, app or file that cannot be used; the message says which and why."""


def one_line(text: str, most: int = 3) -> str:
    """A tool's message on one line: its first `most` non-empty lines (helm says what and
    then where, on the lines after the first), for a one-line error."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines[:most]) if lines else "(no message)"


def git(*args: str, cwd: Path = REPO, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RepoError(f"git {args[0]}: {one_line(result.stderr)}")
    return result.stdout


def resolve(ref: str, repo: Path = REPO) -> str:
    """The commit id a ref names; a ref that is not one (or looks like an option) is refused."""
    if not ref or ref.startswith("-"):
        raise RepoError(f"{ref!r} is not a git ref")
    result = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RepoError(f"unknown git ref {ref!r}")
    return result.stdout.strip()


def load_yaml(path: Path, repo: Path, all_documents: bool = False):
    """A YAML file's content; malformed YAML is a RepoError naming the file and line."""
    try:
        text = path.read_text()
        return [d for d in yaml.safe_load_all(text) if d] if all_documents else yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or one_line(str(error))
        raise RepoError(f"{path.relative_to(repo)}{where}: malformed YAML: {problem}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise RepoError(f"{path.relative_to(repo)}: cannot read: {error}") from None


@contextlib.contextmanager
def checkout(ref: str | None, repo: Path = REPO, paths: tuple[str, ...] = ()) -> Iterator[Path]:
    """The files of `ref` (what Argo CD would fetch; only `paths` when given) in a temporary
    folder; the working tree without a ref."""
    if ref is None:
        yield repo
        return
    commit = resolve(ref, repo)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, "--", *paths], cwd=repo, capture_output=True
    )
    if archive.returncode != 0:
        raise RepoError(f"git archive {ref}: {one_line(archive.stderr.decode())}")
    with tempfile.TemporaryDirectory(prefix="chr21-render-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
        yield Path(folder)


# A commit an environment pins (chartsRevision): its full id, nothing a branch could move.
COMMIT_ID = re.compile(r"[0-9a-f]{40}")


def environment_settings(environment: str, repo: Path) -> dict:
    """The `environment:` block of environments/<environment>/env.yaml ({} where it has none)."""
    settings = (load_yaml(repo / ENVIRONMENTS / environment / "env.yaml", repo) or {}).get("environment")
    return settings if isinstance(settings, dict) else {}


def is_charts_revision(value) -> bool:
    """chartsRevision's grammar: "" (follow the branch) or a full commit id."""
    return isinstance(value, str) and (value == "" or COMMIT_ID.fullmatch(value) is not None)


def pinned_revision(environment: str, repo: Path) -> str:
    """The commit whose charts/ `environment` renders (env.yaml's chartsRevision), or "" when it
    follows the branch the cluster follows."""
    where = f"{ENVIRONMENTS}/{environment}/env.yaml"
    # Absent before environments pinned charts: they followed the branch.
    revision = environment_settings(environment, repo).get("chartsRevision", "")
    if not is_charts_revision(revision):
        raise RepoError(
            f'{where}: environment.chartsRevision must be a full commit id (40 hex digits) or "" '
            f"(follow the branch), not {str(revision)[:60]!r}"
        )
    return revision


def environments(repo: Path) -> list[str]:
    """The environments: folders of environments/ with an env.yaml whose cluster secret exists
    (before the bootstrap made an environment's cluster, Argo CD deploys nothing there)."""
    secrets = {p.stem for p in (repo / CLUSTER_SECRETS).glob("*.yaml")}
    return sorted(p.parent.name for p in (repo / ENVIRONMENTS).glob("*/env.yaml") if p.parent.name in secrets)


def check_environment(name: str, repo: Path) -> str:
    known = environments(repo)
    if name not in known or not _NAME.fullmatch(name):
        raise RepoError(f"unknown environment {name[:60]!r}; known: {', '.join(known)}")
    return name


def apps(environment: str, repo: Path) -> list[str]:
    return sorted(p.stem for p in (repo / ENVIRONMENTS / environment / "apps").glob("*.yaml"))


def check_app(name: str, environment: str, repo: Path) -> str:
    known = apps(environment, repo)
    if name not in known or not _NAME.fullmatch(name):
        raise RepoError(f"unknown app {name!r} in {environment}; known: {', '.join(known)}")
    return name


def context_for(environment: str, repo: Path) -> Context:
    check_environment(environment, repo)
    secret_file = repo / CLUSTER_SECRETS / f"{environment}.yaml"
    secret = load_yaml(secret_file, repo)
    try:
        url = secret["metadata"]["annotations"]["platform_repo_url"]
        server = secret["stringData"]["server"]  # every cluster secret must name its API server
    except (KeyError, TypeError) as missing:
        raise RepoError(
            f"{secret_file.relative_to(repo)}: the cluster secret lacks {missing} "
            "(see argocd/README.md, 'The cluster secret')"
        ) from None
    del server
    return Context(repo=repo, repo_urls=frozenset({url}), clusters=(secret,))


def addon_versions(environment: str, repo: Path) -> dict[str, str]:
    """The add-on chart versions `environment` pins (env.yaml, addonVersions)."""
    where = f"{ENVIRONMENTS}/{environment}/env.yaml"
    versions = environment_settings(environment, repo).get("addonVersions")
    if not isinstance(versions, dict) or not all(isinstance(v, str) for v in versions.values()):
        raise RepoError(f"{where}: environment.addonVersions must map each add-on to its version (quoted)")
    return versions


def applicationsets(repo: Path) -> list[dict]:
    docs = [d for f in sorted((repo / APPLICATIONSETS).glob("*.yaml")) for d in load_yaml(f, repo, True)]
    return [d for d in docs if isinstance(d, dict) and d.get("kind") == "ApplicationSet"]
