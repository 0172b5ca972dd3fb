#!/usr/bin/env python3
"""Benchmark of gitops rehearse: the control plane's start and a full rehearsal, side by side
in one run (and, with --cold, the control plane's build from an empty Go build cache).

    .venv/bin/python scripts/bench/rehearse.py [--env hml] [--starts 3] [--cold]

1. --cold: builds kube-apiserver, kube-controller-manager and etcd from their wrapper modules
   (scripts/go-modules/) with a throwaway GOCACHE, as a fresh machine does (the module
   downloads are the Go module cache's, as on a machine that has run `make setup` once).
2. Starts and stops the control plane --starts times (etcd, kube-apiserver and
   kube-controller-manager until each answers) and prints the best and the median.
3. Rehearses --env at the working tree as `gitops rehearse ENV` does, timing the render, the
   control plane's start and the sync apart.

Target: a warm rehearsal of one environment within 60 s (the ratio printed; exit status 1 when
it is over).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from chr21_ops.gitops import controlplane, rehearse
from chr21_ops.gitops.render import render_environment

REPO = Path(__file__).resolve().parents[2]

TARGET_SECONDS = 60
BUILDS = {
    "kubernetes": ["k8s.io/kubernetes/cmd/kube-apiserver", "k8s.io/kubernetes/cmd/kube-controller-manager"],
    "etcd": ["go.etcd.io/etcd/server/v3"],
}


def cold_build() -> float:
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
        env = {**os.environ, "GOCACHE": cache, "CGO_ENABLED": "0"}
        for wrapper, packages in BUILDS.items():
            for package in packages:
                print(f"bench: building {package} (cold)", file=sys.stderr, flush=True)
                subprocess.run(
                    ["go", "build", "-trimpath", "-o", str(Path(out) / Path(package).name), package],
                    cwd=REPO / "scripts" / "go-modules" / wrapper,
                    env=env,
                    check=True,
                )
    return time.monotonic() - started


def warm_starts(count: int) -> list[float]:
    seconds = []
    for number in range(1, count + 1):
        started = time.monotonic()
        with controlplane.running():
            seconds.append(time.monotonic() - started)
        print(f"bench: start {number}/{count}: {seconds[-1]:.1f} s", file=sys.stderr, flush=True)
    return seconds


def rehearsal(env: str) -> dict[str, float]:
    times = {}
    with tempfile.TemporaryDirectory() as scratch:
        started = time.monotonic()
        render_environment(env, Path(scratch) / env, progress=lambda _: None)
        applications = rehearse.load_rendered(Path(scratch) / env)
        times["render"] = time.monotonic() - started
        started = time.monotonic()
        with controlplane.running() as plane:
            times["control plane start"] = time.monotonic() - started
            started = time.monotonic()
            result = rehearse.rehearse(rehearse.Api(plane.api), applications, progress=lambda _: None)
            times["sync, settle, references"] = time.monotonic() - started
    _, refused = rehearse.report(result, applications)
    if refused:
        print(
            f"bench: warning: the rehearsal of {env} refused objects (gitops rehearse {env})",
            file=sys.stderr,
        )
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="hml")
    parser.add_argument("--starts", type=int, default=3, choices=range(1, 21), metavar="1..20")
    parser.add_argument("--cold", action="store_true", help="also time a build from an empty Go build cache")
    args = parser.parse_args()
    print("| measure | seconds |\n|---|---|")
    if args.cold:
        print(f"| cold build of the control plane (GOCACHE empty) | {cold_build():.0f} |")
    starts = warm_starts(args.starts)
    print(f"| warm start of the control plane, best of {len(starts)} | {min(starts):.1f} |")
    print(f"| warm start of the control plane, median | {statistics.median(starts):.1f} |")
    times = rehearsal(args.env)
    for what, seconds in times.items():
        print(f"| rehearsal of {args.env}: {what} | {seconds:.1f} |")
    total = sum(times.values())
    print(f"| rehearsal of {args.env}, whole | {total:.1f} |")
    print(f"\nwhole rehearsal / target ({TARGET_SECONDS} s): {total / TARGET_SECONDS:.2f}")
    return 0 if total <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
