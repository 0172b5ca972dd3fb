"""Whether an AppProject's sync windows let an Application sync at a given time, decided as
Argo CD v3.4.4 decides it (pkg/apis/application/v1alpha1/types.go: SyncWindows.Matches,
active, CanSync; read at tag v3.4.4). cronsim stands in for robfig/cron: both give the first
tick strictly after a time, for five-field schedules.

- A window applies to an Application when one of its lists (applications by name, clusters by
  the destination's name or server, namespaces by the destination's) has a matching glob; with
  `andOperator`, every list it sets must match.
- A window is active when a tick of its schedule falls within the last `duration`, on the wall
  clock of its time zone (at the zone's offset now, as Argo CD computes it).
- CanSync: no window applies: yes. An active deny: no, but a manual sync when every active deny
  has manualSync. An active allow: yes. Allow windows, none active: no, but a manual sync when
  every one of them has manualSync. Otherwise (deny windows only, none active): yes.
"""

import fnmatch
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cronsim import CronSim

_DURATION = re.compile(r"(\d+)(h|m|s)")
_UNITS = {"h": "hours", "m": "minutes", "s": "seconds"}


def duration(text: str) -> timedelta:
    """A Go duration of hours, minutes and seconds (1h30m); anything else is refused."""
    parts = _DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"{text!r} is not a duration this check reads (h, m, s)")
    return sum((timedelta(**{_UNITS[unit]: int(n)}) for n, unit in parts), timedelta())


def _glob(patterns: list[str], value: str) -> bool:
    return any(p == "*" or fnmatch.fnmatchcase(value, p) for p in patterns)


def applies(window: dict, app: dict) -> bool:
    destination = app["spec"]["destination"]
    checks = []
    if window.get("applications"):
        checks.append(_glob(window["applications"], app["metadata"]["name"]))
    if window.get("clusters"):
        clusters = [v for v in (destination.get("name"), destination.get("server")) if v]
        checks.append(any(_glob(window["clusters"], v) for v in clusters))
    if window.get("namespaces"):
        checks.append(_glob(window["namespaces"], destination.get("namespace", "")))
    if not checks:
        return False
    return all(checks) if window.get("andOperator") else any(checks)


def active(window: dict, now: datetime) -> bool:
    zone = ZoneInfo(window.get("timeZone") or "UTC")
    wall = now.astimezone(UTC).replace(tzinfo=None) + now.astimezone(zone).utcoffset()
    tick = next(CronSim(window["schedule"], wall - duration(window["duration"])))
    return tick < wall


def can_sync(windows: list[dict], app: dict, now: datetime, manual: bool) -> bool:
    applying = [w for w in windows if applies(w, app)]
    if not applying:
        return True
    running = [w for w in applying if active(w, now)]
    denies = [w for w in running if w["kind"] == "deny"]
    if denies:
        return manual and all(w.get("manualSync", False) for w in denies)
    if any(w["kind"] == "allow" for w in running):
        return True
    idle_allows = [w for w in applying if w["kind"] == "allow" and not active(w, now)]
    if idle_allows:
        return manual and all(w.get("manualSync", False) for w in idle_allows)
    return True
