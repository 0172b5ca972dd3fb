"""terraform-bootstrap module-interfaces, which GitHub Actions runs after `terraform init` to give
tests/terraform the pinned modules' interfaces: run on modules laid out as `terraform init`
leaves them, written back from ../shared/terraform-modules, it gives the interfaces back, in
the format the tests read."""

import json
from pathlib import Path

import pytest

from tests.support.gitops import assert_refused, run_command
from tests.support.paths import terraform_modules_dir
from tests.support.terraform import read_interfaces

REGISTRY = "registry.terraform.io/"


def hcl_value(value) -> str:
    """A JSON value as HCL (HCL's object constructors take `:` as well as `=`)."""
    return json.dumps(value)


def write_module_folder(folder: Path, facts: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    variables = []
    for name, variable in facts["variables"].items():
        lines = [f'variable "{name}" {{', f"  type = {variable['type']}"]
        if not variable["required"]:
            lines.append(f"  default = {hcl_value(variable.get('default'))}")
        if "description" in variable:
            lines.append(f"  description = {json.dumps(variable['description'])}")
        if "nullable" in variable:
            lines.append(f"  nullable = {json.dumps(variable['nullable'])}")
        variables.append("\n".join([*lines, "}"]))
    (folder / "variables.tf").write_text("\n\n".join(variables) + "\n")
    outputs = [
        f'output "{name}" {{\n  description = {json.dumps(text)}\n  value = null\n}}'
        for name, text in facts["outputs"].items()
    ]
    (folder / "outputs.tf").write_text("\n\n".join(outputs) + "\n")
    versions = dict(facts.get("required_versions", {}))
    terraform = versions.pop("terraform", None)
    providers = "\n".join(f"    {p} = {{ version = {json.dumps(v)} }}" for p, v in versions.items())
    (folder / "versions.tf").write_text(
        "terraform {\n"
        + (f"  required_version = {json.dumps(terraform)}\n" if terraform else "")
        + f"  required_providers {{\n{providers}\n  }}\n}}\n"
    )


def download_layout(bootstrap: Path, names: list[str]) -> dict:
    """The shared interfaces written back as `terraform init` lays modules out: each package
    under .terraform/modules/<key>, with an examples folder that is no module, and a call of
    a submodule alone downloading the whole package under its own key."""
    manifest = [{"Key": "", "Source": "", "Dir": "."}]
    originals = {}
    for name in names:
        module = json.loads((terraform_modules_dir() / f"{name}.json").read_text())
        originals[module["registry"]] = module
        folders = module["modules"]
        # A package called only through a submodule (iam): downloaded under the call's key.
        key, folder = (name, "") if "" in folders else (f"{name}_sub", sorted(folders)[0])
        package = bootstrap / ".terraform" / "modules" / key
        for path, facts in folders.items():
            write_module_folder(package / path, facts)
        write_module_folder(package / "examples" / "complete", {"variables": {}, "outputs": {"x": ""}})
        manifest.append(
            {
                "Key": key,
                "Source": REGISTRY + module["registry"] + (f"//{folder}" if folder else ""),
                "Version": module["version"],
                "Dir": f".terraform/modules/{key}" + (f"/{folder}" if folder else ""),
            }
        )
    (bootstrap / ".terraform" / "modules" / "modules.json").write_text(json.dumps({"Modules": manifest}))
    return originals


def squeezed(text) -> str:
    return "".join(str(text).split())


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    bootstrap = tmp_path_factory.mktemp("bootstrap")
    originals = download_layout(bootstrap, ["acm", "eks", "iam", "ecr"])
    out = tmp_path_factory.mktemp("out") / "interfaces"
    result = run_command("module-interfaces", str(out), "--bootstrap", str(bootstrap))
    assert result.returncode == 0, result.stderr
    return originals, out, result, bootstrap


def test_every_module_folder_comes_back_with_its_variables_and_outputs(round_trip):
    originals, out, *_ = round_trip
    read = read_interfaces(out)
    for registry, module in originals.items():
        for folder, facts in module["modules"].items():
            source = registry + (f"//{folder}" if folder else "")
            got = read[source]
            assert got.version == module["version"]
            assert {n: v["required"] for n, v in got.variables.items()} == {
                n: v["required"] for n, v in facts["variables"].items()
            }, source
            assert {n: squeezed(v["type"]) for n, v in got.variables.items()} == {
                n: squeezed(v["type"]) for n, v in facts["variables"].items()
            }, source
            assert got.outputs == facts["outputs"], source
            assert got.required_versions == facts.get("required_versions", {}), source


def test_examples_are_not_modules_and_each_registry_module_is_one_file(round_trip):
    _, out, result, _ = round_trip
    assert sorted(p.name for p in out.glob("*.json")) == ["acm.json", "ecr.json", "eks.json", "iam.json"]
    assert not any(source.endswith("examples/complete") for source in read_interfaces(out))
    assert f"module-interfaces: 4 modules in {out}" in result.stdout


def test_before_terraform_init_it_says_what_to_run(tmp_path):
    result = run_command("module-interfaces", str(tmp_path / "out"), "--bootstrap", str(tmp_path))
    assert_refused(result, "run 'terraform init -backend=false'")
    assert not (tmp_path / "out").exists()


def test_it_never_writes_over_a_folder_it_did_not_write(tmp_path, round_trip):
    *_, bootstrap = round_trip
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    result = run_command("module-interfaces", str(mine), "--bootstrap", str(bootstrap))
    assert result.returncode == 1
    assert "holds files these commands did not write" in result.stderr
    assert (mine / "notes.txt").read_text() == "keep"


@pytest.mark.parametrize(
    ("manifest", "says"),
    [
        ("{", "is not terraform init's module manifest"),
        ("[]", "is not terraform init's module manifest"),
        ('{"Modules": []}', "lists no registry module"),
        (
            json.dumps(
                {"Modules": [{"Source": f"{REGISTRY}a/b/aws", "Version": "1.0.0", "Dir": "../../etc"}]}
            ),
            "is not under .terraform/modules",
        ),
    ],
)
def test_a_broken_manifest_is_one_line_and_nothing_is_written(tmp_path, manifest, says):
    (tmp_path / ".terraform" / "modules").mkdir(parents=True)
    (tmp_path / ".terraform" / "modules" / "modules.json").write_text(manifest)
    result = run_command("module-interfaces", str(tmp_path / "out"), "--bootstrap", str(tmp_path))
    assert_refused(result, says)
    assert not (tmp_path / "out").exists()
