"""The fewest values each chart renders with: what the ApplicationSets pass from the cluster
secret (argocd/README.md, "The cluster secret"). One file a chart, charts/<chart>/tests/values/
required.yaml, which its helm-unittest suites start from too; pytest chart tests merge their own
values into these as helm merges values files (`merged`: the ApplicationSet expander's deep merge)."""

import yaml

from tests.support.gitops import deep_merge as merged  # noqa: F401 -- re-exported for the chart tests
from tests.support.paths import CHARTS

REQUIRED = {
    path.parents[2].name: yaml.safe_load(path.read_text())
    for path in sorted(CHARTS.glob("*/tests/values/required.yaml"))
}
