"""terraform-bootstrap read offline: its HCL parsed by python-hcl2, and the interfaces of the
public modules it calls at their pinned releases (../shared/terraform-modules, or
$TERRAFORM_MODULES_DIR: variables, outputs and version constraints per module folder)."""

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import hcl2

from tests.support.paths import REPO, TOOLS_BIN, terraform_modules_dir

BOOTSTRAP = REPO / "terraform-bootstrap"
# Arguments of a module block that are Terraform's, not the module's variables.
META_ARGUMENTS = {"source", "version", "for_each", "count", "providers", "depends_on"}
# What python-hcl2 adds beside the HCL: block markers and comments.
PARSER_KEYS = {"__is_block__", "__comments__", "__inline_comments__"}


def unquoted(value):
    """python-hcl2 keeps a string's quotes ("\"6.6.0\""); a key or value without them."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def plain(value):
    """A parsed HCL value without python-hcl2's quotes, in lists and maps too."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {unquoted(k): plain(v) for k, v in value.items()}
    return unquoted(value)


def without_parser_keys(value):
    if isinstance(value, dict):
        return {k: without_parser_keys(v) for k, v in value.items() if k not in PARSER_KEYS}
    if isinstance(value, list):
        return [without_parser_keys(v) for v in value]
    return value


@cache
def parsed(path: Path) -> dict:
    """A .tf or .tfvars file as python-hcl2 reads it, without its markers and comments."""
    with path.open() as handle:
        return without_parser_keys(hcl2.load(handle))


def tf_files() -> list[Path]:
    return sorted(BOOTSTRAP.glob("*.tf"))


def blocks(kind: str) -> dict[str, dict]:
    """Every block of a kind (module, variable, output) by its name, across the .tf files."""
    found = {}
    for path in tf_files():
        for block in parsed(path).get(kind, []):
            for name, body in block.items():
                found[unquoted(name)] = body
    return found


def resources(kind: str, block: str = "resource") -> dict[str, dict]:
    """Every resource of a type (aws_kms_key, ...) by its name; block="data": data sources."""
    found = {}
    for path in tf_files():
        for typed in parsed(path).get(block, []):
            for name, body in typed.get(f'"{kind}"', {}).items():
                found[unquoted(name)] = body
    return found


def locals_() -> dict:
    values = {}
    for path in tf_files():
        for block in parsed(path).get("locals", []):
            values.update(block)
    return values


def tfvars(environment: str) -> dict:
    return parsed(BOOTSTRAP / f"{environment}.tfvars")


@dataclass(frozen=True)
class ModuleInterface:
    registry: str
    version: str
    folder: str  # "" for the root module, "modules/<name>" for a submodule
    variables: dict
    outputs: dict
    required_versions: dict


@cache
def interfaces() -> dict[str, ModuleInterface]:
    """Every module folder of every pinned module, by its registry source
    (terraform-aws-modules/eks/aws, terraform-aws-modules/eks/aws//modules/karpenter)."""
    return read_interfaces(terraform_modules_dir())


def read_interfaces(folder: Path) -> dict[str, ModuleInterface]:
    """The module folders of the interface files in a folder, by registry source."""
    found = {}
    for path in sorted(folder.glob("*.json")):
        module = json.loads(path.read_text())
        for folder, facts in module["modules"].items():
            source = module["registry"] + (f"//{folder}" if folder else "")
            found[source] = ModuleInterface(
                module["registry"],
                module["version"],
                folder,
                facts["variables"],
                facts["outputs"],
                facts.get("required_versions", {}),
            )
    return found


def module_outputs_read() -> set[tuple[str, str]]:
    """(module name, output) of every module.<name>[...].<output> the .tf files read."""
    text = "\n".join(path.read_text() for path in tf_files())
    pattern = r"\bmodule\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.([A-Za-z0-9_]+)"
    found = set(re.findall(pattern, text))
    # A for expression over a module's instances: `for name, repository in module.ecr : ... repository.x`.
    for variable, module in re.findall(r"for\s+\w+\s*,\s*(\w+)\s+in\s+module\.([A-Za-z0-9_-]+)", text):
        found |= {(module, output) for output in re.findall(rf"\b{variable}\.([A-Za-z0-9_]+)", text)}
    return found


def top_level_blocks(path: Path, header: str) -> list[str]:
    """The text of each top-level block of a .tf file whose first line is `<header> {`
    (`locals`, `variable "region"`), in order; HCL's interpolations `${...}` balance their
    braces too."""
    text = path.read_text()
    found = []
    for start in (m.start() for m in re.finditer(rf"^{re.escape(header)} \{{$", text, re.MULTILINE)):
        depth = 0
        for end in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0 and text[end] == "}":
                found.append(text[start : end + 1])
                break
    return found


def locals_blocks(path: Path) -> list[str]:
    return top_level_blocks(path, "locals")


def variable_block(name: str) -> str:
    (block,) = top_level_blocks(BOOTSTRAP / "variables.tf", f'variable "{name}"')
    return block


def evaluate(
    expression: str, environment: str, blocks: list[str], repo: Path = REPO, variables: dict | None = None
):
    """An expression evaluated by Terraform itself (`terraform console`, which needs neither
    `init` nor providers when the module has none) over the given blocks, with var.environment
    and `variables` set, in a folder laid out as terraform-bootstrap beside <repo>/environments and argocd.
    A variable's failed validation raises, with Terraform's message."""
    # Where terraform is not installed, the OpenTofu CLI scripts/bootstrap-tools builds.
    terraform = shutil.which("terraform") or shutil.which("tofu", path=str(TOOLS_BIN))
    if terraform is None:
        raise FileNotFoundError("neither terraform nor .tools/bin/tofu is installed (README, set-up)")
    given = {"environment": environment, **(variables or {})}
    with tempfile.TemporaryDirectory() as folder:
        module = Path(folder) / "terraform-bootstrap"
        module.mkdir()
        for beside in ("environments", "argocd"):  # the folders terraform-bootstrap reads
            (Path(folder) / beside).symlink_to(repo / beside)
        declared = "\n".join(blocks)
        if 'variable "environment"' not in declared:
            declared = 'variable "environment" {\n  type = string\n}\n' + declared
        (module / "main.tf").write_text(declared + "\n")
        result = subprocess.run(
            [terraform, "console", "-no-color", *(f"-var={k}={v}" for k, v in given.items())],
            input=f"jsonencode({expression})\n",
            cwd=module,
            capture_output=True,
            text=True,
            env={**os.environ, "TF_CLI_CONFIG_FILE": os.devnull},
            timeout=60,
        )
    if result.returncode != 0 or "Error:" in result.stderr:
        # One line, and without the trace of the crash console adds after a failed validation.
        message = " ".join(result.stderr.split("!!!!", 1)[0].split())
        raise RuntimeError(f"terraform console: {message}")
    return json.loads(json.loads(result.stdout))


def alert_receivers_secret(environment: str, receivers: dict) -> dict:
    """What secrets.tf writes as Alertmanager's receivers' secret for TF_VAR_alert_receivers,
    evaluated by Terraform (its validations included)."""
    blocks = [
        variable_block("environment"),
        variable_block("alert_receivers"),
        locals_blocks(BOOTSTRAP / "secrets.tf")[1],
    ]
    return evaluate(
        # Secret values print as "(sensitive value)": shown here, in a test, on purpose.
        "jsondecode(nonsensitive(jsonencode(local.alert_receivers_secret)))",
        environment,
        blocks,
        variables={"alert_receivers": json.dumps(receivers)},
    )
