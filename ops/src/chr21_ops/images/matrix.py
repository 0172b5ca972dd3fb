"""The platform's images: which Dockerfile builds each app's, and the repositories the
environments pull it from (each values file's `image.repository`, the one source: every
environment has its account's registry), for the image pipeline
(.github/workflows/images.yaml: `images matrix hml` is its build matrix). An image is built
once and pushed to every environment's repository, so a promotion, which copies its digest or
tag from one environment to the next, finds it there."""

import json
from pathlib import Path

from ..checkout import ENVIRONMENTS, REPO
from ..gitops.promote import PromotionError, image_repository
from ..gitops.repo import check_environment, environments

# The Dockerfile of each app's image, relative to the repository (the build context is the
# repository: every image copies the workspace's pyproject files).
DOCKERFILES = {
    "gene-api": "apps/api/Dockerfile",
    "web": "apps/web/Dockerfile",
    "worker": "worker/Dockerfile",
}


def matrix(env: str, repo: Path = REPO) -> list[dict[str, str]]:
    """One entry per app the environment runs: app, dockerfile, the repository `env` pulls it
    from (where it is scanned and released from), and every environment's repository of it
    (space-separated, where it is pushed)."""
    check_environment(env, repo)
    apps = sorted(p.stem for p in (repo / ENVIRONMENTS / env / "apps").glob("*.yaml"))
    unknown = [app for app in apps if app not in DOCKERFILES]
    if unknown:
        raise PromotionError(
            f"no Dockerfile is known for {', '.join(unknown)} (ops/src/chr21_ops/images/matrix.py)"
        )
    return [
        {
            "app": app,
            "dockerfile": DOCKERFILES[app],
            "repository": image_repository(app, env, repo),
            "repositories": " ".join(
                image_repository(app, other, repo)
                for other in environments(repo)
                if (repo / ENVIRONMENTS / other / "apps" / f"{app}.yaml").is_file()
            ),
        }
        for app in apps
    ]


def matrix_json(env: str, repo: Path = REPO) -> str:
    return json.dumps({"include": matrix(env, repo)}, separators=(",", ":"))
