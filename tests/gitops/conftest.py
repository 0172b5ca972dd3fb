"""Each environment rendered once per test session by gitops render, for the suites that
read what Argo CD would apply (validation, AppProject permissions, values, checkov)."""

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.support.gitops import environments, load_manifests, run_command
from tests.support.paths import REPO


@dataclass(frozen=True)
class Rendered:
    env: str
    out: Path

    def applications(self) -> dict[str, dict]:
        return {
            p.name: yaml.safe_load((p / "application.yaml").read_text())
            for p in sorted(self.out.iterdir())
            if p.is_dir()
        }

    def objects(self, application: str) -> list[dict]:
        return load_manifests((self.out / application / "manifests.yaml").read_text())

    def one(self, application: str, kind: str, name: str) -> dict:
        """The one object of `kind` named `name` the Application renders."""
        objects = self.objects(application)
        (found,) = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
        return found


@pytest.fixture(scope="session")
def renders(tmp_path_factory) -> dict[str, Rendered]:
    found = {}
    for env in environments(REPO):
        out = tmp_path_factory.mktemp("rendered") / env
        result = run_command("render", env, str(out))
        assert result.returncode == 0, result.stderr
        found[env] = Rendered(env, out)
    return found


@pytest.fixture(params=environments(REPO))
def rendered(request, renders) -> Rendered:
    return renders[request.param]
