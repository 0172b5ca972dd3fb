"""prod syncs in working hours only, by hand, unless on-call opens the runbook's break-glass
window; hml and the root Application sync at any time. Decided as Argo CD decides it
(tests/support/argocd_sync_windows.py) over the AppProjects in argocd/platform/projects.yaml
and the Applications each environment generates."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from tests.support.argocd_sync_windows import can_sync
from tests.support.gitops import applications
from tests.support.paths import REPO

LONDON = ZoneInfo("Europe/London")
RUNBOOK = REPO / "docs" / "runbooks" / "sync-outside-working-hours.md"


def projects() -> dict[str, dict]:
    return {
        p["metadata"]["name"]: p
        for p in yaml.safe_load_all((REPO / "argocd" / "platform" / "projects.yaml").read_text())
    }


def windows_of(app: dict, extra: list[dict] = ()) -> list[dict]:
    project = projects().get(app["spec"]["project"], {"spec": {}})  # `default`: Argo CD's own
    return [*project["spec"].get("syncWindows", []), *extra]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


# (London time, may prod's Applications sync by hand?)
PROD_HOURS = [
    ("2026-12-07T08:00:30", True),  # Monday, just opened
    ("2026-12-07T12:00", True),
    ("2026-12-07T17:59", True),
    ("2026-12-07T07:59", False),  # Monday, before
    ("2026-12-07T18:01", False),  # Monday, after
    ("2026-12-12T12:00", False),  # Saturday
    ("2026-12-13T03:00", False),  # Sunday night
    ("2027-07-05T08:30", True),  # Monday in summer time (UTC+1): London's clock, not UTC's
    ("2027-07-05T07:30", False),
]


@pytest.mark.parametrize(("when", "allowed"), PROD_HOURS)
def test_prod_syncs_in_working_hours_only(when, allowed):
    for app in applications("prod"):
        assert can_sync(windows_of(app), app, at(when), manual=True) is allowed, app["metadata"]["name"]
        # Automated syncs (none in prod but the root's) are held the same way.
        assert can_sync(windows_of(app), app, at(when), manual=False) is allowed


@pytest.mark.parametrize("when", ["2026-12-12T12:00", "2026-12-07T07:59"])
def test_hml_and_the_root_application_sync_at_any_time(when):
    for app in applications("hml"):
        assert can_sync(windows_of(app), app, at(when), manual=False), app["metadata"]["name"]
    # The root Application is in Argo CD's own project `default`, which we leave without windows.
    root = yaml.safe_load((REPO / "argocd" / "bootstrap" / "root-app.yaml").read_text())
    assert root["spec"]["project"] == "default"
    assert "default" not in projects()


def break_glass_window(opens: datetime) -> dict:
    """The runbook's window as written, its schedule set to open at `opens` (London time)."""
    (block,) = re.findall(r"```yaml\n(.*?)```", RUNBOOK.read_text(), re.S)
    (window,) = yaml.safe_load(block)
    assert window["schedule"] == "30 2 6 12 *"  # the example the runbook explains
    window["schedule"] = f"{opens.minute} {opens.hour} {opens.day} {opens.month} *"
    return window


def test_the_runbooks_break_glass_window_lets_on_call_sync_while_it_is_open():
    window = break_glass_window(at("2026-12-12T02:30"))  # a Saturday night
    for app in applications("prod"):
        assert can_sync(windows_of(app, [window]), app, at("2026-12-12T02:31"), manual=True)
        assert can_sync(windows_of(app, [window]), app, at("2026-12-12T06:29"), manual=True)
        assert not can_sync(windows_of(app, [window]), app, at("2026-12-12T06:31"), manual=True)
        assert not can_sync(windows_of(app, [window]), app, at("2026-12-12T02:29"), manual=True)


def test_both_projects_hold_the_same_windows():
    windows = [p["spec"]["syncWindows"] for p in projects().values()]
    assert len(windows) == 2
    assert windows[0] == windows[1]
