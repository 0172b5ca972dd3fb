"""checkov over every rendered Application: our charts pass every check; each finding in an
upstream add-on is one argocd/checkov-upstream.yaml lists, with why and the value that would
fix it, and every listed finding still fails (a fixed one is taken off the list)."""

import pytest
import yaml

from tests.support.gitops import checkov_scan
from tests.support.paths import REPO

ACCEPTED = yaml.safe_load((REPO / "argocd" / "checkov-upstream.yaml").read_text())


@pytest.fixture(scope="module")
def scanned(renders):
    return {env: checkov_scan(rendered.out) for env, rendered in renders.items()}


def test_every_finding_is_listed_with_a_reason_and_every_listed_one_still_fails(scanned):
    found = {
        application: dict(result.failed_by_check())
        for results in scanned.values()
        for application, result in results.items()
        if result.failed
    }
    assert found == ACCEPTED["findings"]


def test_every_listed_check_says_why_and_what_would_fix_it():
    used = {check for counts in ACCEPTED["findings"].values() for check in counts}
    assert used == set(ACCEPTED["checks"])
    for check, entry in ACCEPTED["checks"].items():
        assert entry["why"], check
        assert entry["fix"], check


def test_our_charts_pass_every_check(scanned):
    for results in scanned.values():
        for application in ("gene-api", "platform"):
            (result,) = [r for name, r in results.items() if name.startswith(f"{application}-")]
            assert result.failed == []
        gene_api = next(r for name, r in results.items() if name.startswith("gene-api-"))
        assert gene_api.passed > 20  # the scan did look (platform's custom resources have few checks)
