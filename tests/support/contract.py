"""Running what a chart renders: the environment Kubernetes would give a container (its
ConfigMap, and the Secret its ExternalSecret writes), for the contract tests in tests/."""

import os
import sys
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
# What the ExternalSecret would write for every key but the database URL: one value, so the
# frontend signs tokens with the key the API checks (a signing key is 32+ bytes, Django's 50+).
SECRET_VALUE = "contract-test-value-of-any-secret-at-least-50-bytes-long"


def pod_containers(obj: dict) -> list[dict]:
    spec = obj["spec"]["template"]["spec"]
    return spec.get("initContainers", []) + spec["containers"]


def secret_values(
    rendered: dict, database_url: str, database_key: str = "DATABASE_URL"
) -> dict[tuple[str, str], str]:
    """What the ExternalSecret writes: its target Secret, with the keys of its template."""
    spec = rendered["ExternalSecret"]["spec"]
    keys = spec["target"]["template"]["data"]
    assert database_key in keys
    name = spec["target"]["name"]
    return {(name, key): database_url if key == database_key else SECRET_VALUE for key in keys}


def resolve_env(container: dict, rendered: dict, secrets: dict[tuple[str, str], str]) -> dict[str, str]:
    """The environment Kubernetes would give the container."""
    env = {}
    for source in container.get("envFrom", []):
        configmap = rendered["ConfigMap"]
        assert source["configMapRef"]["name"] == configmap["metadata"]["name"]
        env.update(configmap["data"])
    for item in container.get("env", []):
        if "value" in item:
            env[item["name"]] = item["value"]
        else:
            ref = item["valueFrom"]["secretKeyRef"]
            env[item["name"]] = secrets[(ref["name"], ref["key"])]
    return env


def run_env(env: dict[str, str]) -> dict[str, str]:
    """This process's environment (the venv's commands first on PATH) with `env` over it."""
    return {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}", **env}


def mounted_at(pod: dict, container: dict, volume: str) -> str:
    """Where the container mounts the pod's volume `volume`."""
    assert volume in {v["name"] for v in pod["volumes"]}
    (path,) = [m["mountPath"] for m in container["volumeMounts"] if m["name"] == volume]
    return path
