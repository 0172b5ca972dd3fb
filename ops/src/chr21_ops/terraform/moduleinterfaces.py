"""The interfaces of the public Terraform modules terraform-bootstrap calls, read from the copies
`terraform init` downloaded (terraform-bootstrap/.terraform/modules), written as
TERRAFORM_MODULES_DIR expects (the format of ../shared/terraform-modules/PROVENANCE.md): for a
machine that reaches the registry (CI on GitHub) and has no ../shared/terraform-modules.

One file per registry module (`<name>.json`, e.g. vpc.json); in it, per module folder (`""`
for the root, `modules/<name>`, `wrappers/...`): every variable (type, required, default,
description, nullable), every output and its description, and the version constraints."""

import json
from pathlib import Path

import hcl2

from ..checkout import REPO
from ..outdir import write_whole

BOOTSTRAP = REPO / "terraform-bootstrap"
REGISTRY_HOST = "registry.terraform.io/"
# Folders of a module's package that are not modules a caller may name.
NOT_MODULES = {"examples", "tests", "test", ".terraform", ".git"}


class ModuleInterfaceError(RuntimeError):
    """The downloaded modules cannot be read; the message says why."""


def _text(value):
    """python-hcl2's rendering without its quotes and interpolation markers."""
    if isinstance(value, str):
        if len(value) >= 2 and value[0] == value[-1] == '"':
            return value[1:-1]
        if value.startswith("${") and value.endswith("}"):
            return value[2:-1]
        return value
    if isinstance(value, list):
        return [_text(v) for v in value]
    if isinstance(value, dict):
        return {_text(k): _text(v) for k, v in value.items() if not k.startswith("__")}
    return value


def folder_interface(folder: Path) -> dict:
    """Variables, outputs and version constraints of the module in one folder."""
    variables, outputs, versions = {}, {}, {}
    for path in sorted(folder.glob("*.tf")):
        try:
            with path.open() as handle:
                parsed = hcl2.load(handle)
        except Exception as error:  # python-hcl2 raises lark's errors, of many kinds
            raise ModuleInterfaceError(f"{path}: not readable HCL ({type(error).__name__})") from None
        for block in parsed.get("variable", []):
            for name, body in block.items():
                facts = {"type": _text(body.get("type", "any")), "required": "default" not in body}
                for key in ("default", "description", "nullable"):
                    if key in body:
                        facts[key] = _text(body[key])
                variables[_text(name)] = facts
        for block in parsed.get("output", []):
            for name, body in block.items():
                outputs[_text(name)] = _text(body.get("description", ""))
        for terraform in parsed.get("terraform", []):
            if "required_version" in terraform:
                versions["terraform"] = _text(terraform["required_version"])
            for providers in terraform.get("required_providers", []):
                for provider, requirement in _text(providers).items():
                    if isinstance(requirement, dict) and "version" in requirement:
                        versions[provider] = requirement["version"]
    return {"variables": variables, "outputs": outputs, "required_versions": versions}


def package_interface(root: Path) -> dict[str, dict]:
    """Every module folder of a downloaded package, by its path under the package."""
    folders = {path.parent for path in root.rglob("*.tf")}
    found = {}
    for folder in sorted(folders):
        relative = folder.relative_to(root)
        if NOT_MODULES & set(relative.parts):
            continue
        found["" if relative == Path(".") else relative.as_posix()] = folder_interface(folder)
    return found


def downloaded_packages(bootstrap: Path = BOOTSTRAP) -> dict[str, tuple[str, Path]]:
    """registry module (terraform-aws-modules/eks/aws) => (version, its package's folder), from
    the manifest `terraform init` writes."""
    manifest = bootstrap / ".terraform" / "modules" / "modules.json"
    if not manifest.is_file():
        raise ModuleInterfaceError(
            f"{manifest} not found: run 'terraform init -backend=false' in {bootstrap} first "
            "(it downloads the modules from the registry)"
        )
    try:
        modules = json.loads(manifest.read_text()).get("Modules", [])
    except (ValueError, AttributeError):
        raise ModuleInterfaceError(
            f"{manifest} is not terraform init's module manifest; run init again"
        ) from None
    downloads = (bootstrap / ".terraform" / "modules").resolve()
    packages: dict[str, tuple[str, Path]] = {}
    for module in modules:
        source = module.get("Source", "") if isinstance(module, dict) else ""
        if not isinstance(source, str) or not source.startswith(REGISTRY_HOST):
            continue  # the root module, or a local one
        registry, _, folder = source.removeprefix(REGISTRY_HOST).partition("//")
        directory = bootstrap / str(module.get("Dir", ""))
        if not directory.resolve().is_relative_to(downloads):
            raise ModuleInterfaceError(
                f"{manifest}: {registry} is not under .terraform/modules; run init again"
            )
        root = Path(str(directory).removesuffix("/" + folder)) if folder else directory
        version = module.get("Version", "")
        if packages.get(registry, (version, root))[0] != version:
            raise ModuleInterfaceError(f"{registry} is downloaded at two versions; one pin each")
        packages[registry] = (version, root)
    if not packages:
        raise ModuleInterfaceError(f"{manifest} lists no registry module")
    return packages


def write_all(out: Path, bootstrap: Path = BOOTSTRAP, progress=print) -> list[str]:
    """One interface file per downloaded registry module into `out` (written whole)."""
    packages = downloaded_packages(bootstrap)
    names = {}
    for registry in packages:
        name = registry.split("/")[1]
        if name in names.values():
            raise ModuleInterfaceError(f"two registry modules are both named {name}")
        names[registry] = name

    def fill(staging: Path) -> None:
        for registry, (version, root) in sorted(packages.items()):
            progress(f"module-interfaces: {registry} {version}")
            facts = {
                "registry": registry,
                "version": version,
                "repository": None,
                "commit": None,
                "modules": package_interface(root),
            }
            (staging / f"{names[registry]}.json").write_text(
                json.dumps(facts, indent=1, sort_keys=True) + "\n"
            )

    write_whole(out, fill, "module-interfaces")
    return sorted(f"{name}.json" for name in names.values())
