"""wrk, the HTTP load generator of the benchmarks (Debian package `wrk`, which
scripts/bootstrap-tools installs): one fixed-time run, its throughput and latency percentiles."""

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float


def require_wrk() -> None:
    if shutil.which("wrk") is None:
        sys.exit("bench: wrk is not installed (make setup installs it; Debian: apt-get install wrk)")


def milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, connections: int, seconds: int, headers: dict[str, str] | None = None) -> Result:
    """`connections` connections on two threads for `seconds` s; exits when any answer is not 2xx/3xx."""
    command = ["wrk", "--threads", "2", "--connections", str(connections), "--duration", f"{seconds}s"]
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}: {value}"]
    out = subprocess.run([*command, "--latency", url], capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        sys.exit(f"bench: {url} answered {non_2xx[1]} non-2xx responses")
    return Result(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        p50_ms=milliseconds(re.search(r"\s50%\s+(\S+)", out)[1]),
        p99_ms=milliseconds(re.search(r"\s99%\s+(\S+)", out)[1]),
    )
