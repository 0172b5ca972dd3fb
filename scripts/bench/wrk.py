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


def ratio_report(
    results: dict[str, Result], reference: str, targets: list[tuple[str, str, float]], label: str
) -> list[str]:
    """Prints each result and its ratios to `reference` (throughput, p99), then each target
    (name, "throughput" or "p99", bound) met or MISSED; the missed ones."""
    base = results[reference]
    print(f"  {'target':<26} {'req/s':>8} {label:>11} {'p50 ms':>8} {'p99 ms':>8} {'p99 ' + label:>15}")
    for name, r in results.items():
        print(
            f"  {name:<26} {r.rps:8.0f} {r.rps / base.rps:11.2f} {r.p50_ms:8.1f} {r.p99_ms:8.1f} "
            f"{r.p99_ms / base.p99_ms:15.2f}"
        )
    missed = []
    for name, measure, bound in targets:
        if measure == "throughput":
            ratio = results[name].rps / base.rps
            ok, wanted = ratio >= bound, f">= {bound}"
        else:
            ratio = results[name].p99_ms / base.p99_ms
            ok, wanted = ratio <= bound, f"<= {bound}"
        print(f"  target {name} {measure}: {ratio:.2f} (wanted {wanted}) {'met' if ok else 'MISSED'}")
        if not ok:
            missed.append(f"{name} {measure}")
    return missed


def add_load_options(parser) -> None:
    """The options every load benchmark takes: connections, the length of a run, rounds."""
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=5, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=3)
