"""Every module call of terraform-bootstrap against the interface of the module it names, at
the release it pins (../shared/terraform-modules): what `terraform validate` would catch
after `terraform init`, which cannot download modules here."""

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tests.support.terraform import (
    BOOTSTRAP,
    META_ARGUMENTS,
    blocks,
    interfaces,
    module_outputs_read,
    parsed,
    unquoted,
)

MODULES = blocks("module")


def interface(name: str):
    return interfaces()[unquoted(MODULES[name]["source"])]


def test_the_bootstrap_calls_modules():
    assert {"vpc", "eks", "karpenter", "buckets", "ecr"} <= set(MODULES)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_the_source_is_a_pinned_registry_module_at_its_release(name):
    source, version = unquoted(MODULES[name]["source"]), unquoted(MODULES[name].get("version", ""))
    assert source in interfaces(), f"{name}: {source} is none of the pinned modules"
    assert version == interface(name).version, (
        f"{name}: version {version!r}, the pinned release is {interface(name).version}"
    )


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_argument_is_a_variable_of_that_release(name):
    arguments = {unquoted(key) for key in MODULES[name]} - META_ARGUMENTS
    unknown = arguments - set(interface(name).variables)
    assert not unknown, f"{name}: {sorted(unknown)} are not variables of {unquoted(MODULES[name]['source'])}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_required_variable_is_set(name):
    required = {v for v, facts in interface(name).variables.items() if facts["required"]}
    missing = required - {unquoted(key) for key in MODULES[name]}
    assert not missing, f"{name}: {sorted(missing)} are required"


def test_every_module_output_read_exists():
    for module, output in sorted(module_outputs_read()):
        assert module in MODULES, f"module.{module} is not called"
        assert output in interface(module).outputs, (
            f"module.{module}.{output} is not an output of that release"
        )


def our_minimum(constraint: str) -> Version:
    """The lowest version a Terraform constraint of ours (">= 1.11", "~> 6.42") admits."""
    return Version(constraint.split()[-1])


def test_our_pins_satisfy_every_modules_constraints():
    settings = parsed(BOOTSTRAP / "versions.tf")["terraform"][0]
    ours = {"terraform": unquoted(settings["required_version"])}
    for providers in settings["required_providers"]:
        ours |= {
            name: unquoted(spec["version"]) for name, spec in providers.items() if name != "__is_block__"
        }
    for name in MODULES:
        for tool, constraint in interface(name).required_versions.items():
            assert tool in ours, f"{name} needs {tool} {constraint}; versions.tf does not pin it"
            wanted = SpecifierSet(",".join(part.strip().replace(" ", "") for part in constraint.split(",")))
            assert our_minimum(ours[tool]) in wanted, (
                f"{name} needs {tool} {constraint}; ours is {ours[tool]}"
            )
