"""gitops pull-charts pulls exactly the charts the addons ApplicationSet pins, under the names
gitops render looks for: each is one of the archives the offline render uses."""

from pathlib import Path

from tests.support.gitops import pinned_charts, pull_command
from tests.support.paths import helm_charts_dir


def test_every_pinned_chart_is_pulled_under_the_name_render_reads():
    archives = {p.name for p in helm_charts_dir().glob("*.tgz")}
    pinned = pinned_charts()
    assert len(pinned) == 8
    for repo_url, chart, version in pinned:
        command = pull_command(repo_url, chart, version, Path("/out"))
        assert command[1:3] == ["pull", repo_url if repo_url.startswith("oci://") else chart]
        assert command[command.index("--version") + 1] == version
        assert f"{chart}-{version}.tgz" in archives
