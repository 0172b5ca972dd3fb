"""ApplicationSet expansion offline, following Argo CD's semantics for what this repository
uses: list, clusters, git files and matrix generators; goTemplate with missingkey=error;
every string of the template (and of a matrix's second generator) rendered on its own, and
a key a git file's parameters share with another generator of the matrix refused (Argo CD
keeps the first's silently);
templatePatch rendered whole, then merged into the Application.

The clusters are the cluster-secret stand-ins in argocd/cluster-secrets/, and a git
generator reads the checkout being rendered when its repoURL is this repository's.
"""

import copy
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .gotemplate import render_all

ARGOCD_NAMESPACE = "argocd"


class ExpansionError(ValueError):
    """The ApplicationSet uses something Argo CD would refuse or this expansion lacks."""


@dataclass(frozen=True)
class Context:
    repo: Path  # the checkout being rendered
    repo_urls: frozenset[str]  # URLs that name this repository
    clusters: tuple[dict, ...]  # cluster Secret manifests


def normalize(name: str) -> str:
    """Argo CD's nameNormalized / basenameNormalized: a DNS-1123 friendly form."""
    return re.sub(r"[^a-z0-9.-]", "-", name.lower())


# Generators ------------------------------------------------------------------------------


def cluster_params(secret: dict) -> dict:
    data = secret.get("stringData", {})
    name = data.get("name", secret["metadata"]["name"])
    return {
        "name": name,
        "nameNormalized": normalize(name),
        "server": data["server"],
        "project": data.get("project", ""),
        "metadata": {
            "labels": dict(secret["metadata"].get("labels", {})),
            "annotations": dict(secret["metadata"].get("annotations", {})),
        },
    }


def selector_matches(selector: dict, labels: dict) -> bool:
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        present = key in labels
        ok = {
            "In": present and labels.get(key) in values,
            "NotIn": not present or labels.get(key) not in values,
            "Exists": present,
            "DoesNotExist": not present,
        }.get(operator)
        if ok is None:
            raise ExpansionError(f"selector operator {operator!r} is not supported")
        if not ok:
            return False
    return True


def git_file_params(file: Path, repo: Path) -> dict:
    try:
        content = yaml.safe_load(file.read_text()) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ExpansionError(f"{file.relative_to(repo)}{where}: malformed YAML") from None
    if not isinstance(content, dict):
        raise ExpansionError(f"{file.relative_to(repo)}: a git files generator needs a YAML mapping")
    folder = file.parent.relative_to(repo)
    return {
        **content,
        "path": {
            "path": str(folder),
            "basename": folder.name,
            "filename": file.name,
            "basenameNormalized": normalize(folder.name),
            "filenameNormalized": normalize(file.name),
            "segments": list(folder.parts),
        },
    }


def generate(generator: dict, context: Context) -> list[dict]:
    kinds = [key for key in generator if key != "selector"]
    if generator.get("selector"):
        raise ExpansionError("post-selectors on generators are not supported here")
    if kinds == ["list"]:
        return [copy.deepcopy(element) for element in generator["list"].get("elements", [])]
    if kinds == ["clusters"]:
        selector = generator["clusters"].get("selector") or {}
        params = [
            cluster_params(s)
            for s in context.clusters
            if selector_matches(selector, s["metadata"].get("labels", {}))
        ]
        if generator["clusters"].get("values"):
            raise ExpansionError("clusters generator values are not supported here")
        return params
    if kinds == ["git"]:
        git = generator["git"]
        if git["repoURL"] not in context.repo_urls:
            raise ExpansionError(
                f"git generator reads {git['repoURL']}, not this repository {sorted(context.repo_urls)}"
            )
        if "files" not in git:
            raise ExpansionError("only the git files generator is supported here")
        found = [
            f for pattern in git["files"] for f in sorted(context.repo.glob(pattern["path"])) if f.is_file()
        ]
        return [git_file_params(f, context.repo) for f in found]
    if kinds == ["matrix"]:
        # Argo CD (applicationset/generators/matrix.go): the second generator's strings are
        # templated with each of the first's parameter sets; the two sets are merged deeply,
        # the first generator's values winning where both set a key.
        first, second = generator["matrix"]["generators"]
        combined = []
        outer = generate(first, context)
        for params, interpolated in zip(outer, render_trees(second, outer), strict=True):
            for more in generate(interpolated, context):
                _refuse_shadowing(params, more)
                combined.append(deep_merge(more, params))
        return combined
    raise ExpansionError(f"generator {kinds} is not supported here")


def _refuse_shadowing(first: dict, second: dict) -> None:
    """Argo CD keeps the first generator's value of a key both set, silently. Where one side is
    a file read by a git generator (its keys are the file's, which anyone may add to), a key that
    shadows another generator's parameter (or the reverse) would template with the wrong one, so
    this expansion refuses it. `path` is every git generator's."""
    files = [p["path"]["path"] for p in (first, second) if isinstance(p.get("path"), dict)]
    if not files:
        return
    both = first.keys() & second.keys()
    shadowed = sorted(key for key in both if key != "path" and first[key] != second[key])
    if shadowed:
        where = files[-1]
        raise ExpansionError(
            f"matrix generator: {', '.join(shadowed)} set by both of its generators (one reads {where}); "
            "Argo CD would keep the first's and drop the other's: rename one"
        )


def list_elements(appset: dict) -> list[dict]:
    """The elements of the one list generator an ApplicationSet holds, at any depth of matrices."""
    found = []

    def walk(generator: dict) -> None:
        if "list" in generator:
            found.append(generator["list"].get("elements", []))
        for child in (generator.get("matrix") or {}).get("generators", []):
            walk(child)

    for generator in appset["spec"]["generators"]:
        walk(generator)
    if len(found) != 1:
        raise ExpansionError(f"ApplicationSet {appset['metadata']['name']}: expected one list generator")
    return found[0]


# Templates -------------------------------------------------------------------------------


def _strings(tree, path=()):
    """(path, string) of every string value holding a template action."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _strings(value, (*path, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from _strings(value, (*path, index))
    elif isinstance(tree, str) and "{{" in tree:
        yield path, tree


def _set(tree, path, value):
    for key in path[:-1]:
        tree = tree[key]
    tree[path[-1]] = value


def render_trees(tree, params_list: list[dict]) -> list:
    """The tree once per parameter set, each templated string rendered on its own
    (as Argo CD does; map keys are not templates)."""
    strings = list(_strings(tree))
    rendered = render_all([(text, params) for params in params_list for _, text in strings])
    trees = []
    for index in range(len(params_list)):
        copy_ = copy.deepcopy(tree)
        for offset, (path, _) in enumerate(strings):
            _set(copy_, path, rendered[index * len(strings) + offset])
        trees.append(copy_)
    return trees


def deep_merge(base: dict, override: dict) -> dict:
    """`override` merged into `base` map by map, its values winning (mergo.WithOverride)."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def merge_patch(base: dict, patch: dict) -> dict:
    """templatePatch: maps merge key by key, lists and scalars replace, null removes."""
    merged = dict(base)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_patch(merged[key], value)
        else:
            merged[key] = value
    return merged


def expand(appset: dict, context: Context) -> list[dict]:
    """The Applications an ApplicationSet generates, sorted by name."""
    name = (appset.get("metadata") or {}).get("name", "?")
    try:
        return _expand(appset, context)
    except (KeyError, TypeError, AttributeError) as error:
        raise ExpansionError(f"ApplicationSet {name}: malformed: {type(error).__name__} {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "malformed"
        raise ExpansionError(
            f"ApplicationSet {name}: its templatePatch renders malformed YAML{where}: {problem}"
        ) from None


def _expand(appset: dict, context: Context) -> list[dict]:
    spec = appset["spec"]
    name = appset["metadata"]["name"]
    if not spec.get("goTemplate") or "missingkey=error" not in spec.get("goTemplateOptions", []):
        raise ExpansionError(
            f"ApplicationSet {name}: this repository requires goTemplate with missingkey=error"
        )
    params_list = [p for generator in spec["generators"] for p in generate(generator, context)]
    templates = render_trees(spec["template"], params_list)
    patches = (
        render_all([(spec["templatePatch"], p) for p in params_list]) if spec.get("templatePatch") else []
    )
    applications = []
    for index, template in enumerate(templates):
        if patches:
            patch = yaml.safe_load(patches[index]) or {}
            project = template.get("spec", {}).get("project")
            template = merge_patch(template, patch)
            # Argo CD keeps the template's project whatever the patch says (template/patch.go).
            template.setdefault("spec", {})["project"] = project
        metadata = {
            **template.get("metadata", {}),
            "namespace": appset["metadata"].get("namespace", ARGOCD_NAMESPACE),
        }
        applications.append(
            {
                "apiVersion": "argoproj.io/v1alpha1",
                "kind": "Application",
                "metadata": metadata,
                "spec": template["spec"],
            }
        )
    names = [a["metadata"]["name"] for a in applications]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ExpansionError(f"ApplicationSet {name} generates duplicate Application names {duplicates}")
    return sorted(applications, key=lambda a: a["metadata"]["name"])
