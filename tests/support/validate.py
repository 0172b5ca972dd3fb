"""Strict validation of rendered objects by kubeconform (ops/src/chr21_ops/gitops/kubeconform.py): core
kinds against the Kubernetes release's schemas, custom resources against schemas derived from
the CRDs among the objects validated (the versions that will really be installed), else from the
CRD schema folder (../shared/schemas or $CRD_SCHEMAS_DIR). An object whose kind has no schema fails."""

from tests.support.gitops import kubeconform_validate as validate
from tests.support.paths import crd_schemas_dir, kubernetes_versions


def validation_errors(objects: list[dict], kubernetes_version: str) -> list[str]:
    """kubeconform's reason for each object that is not valid; empty when all are."""
    return [str(v) for v in validate(objects, kubernetes_version, [crd_schemas_dir()]) if v.status != "Valid"]


def assert_valid(objects: list[dict], kubernetes_version: str | None = None) -> None:
    """Valid for the given Kubernetes release, else for every release an environment runs."""
    for version in [kubernetes_version] if kubernetes_version else kubernetes_versions():
        errors = validation_errors(objects, version)
        assert not errors, f"Kubernetes {version}:\n" + "\n".join(errors)
