"""`make run` (scripts/run): the platform on embedded defaults, its URLs printed, each
process's lines prefixed, and Ctrl-C stopping every process it started."""

import os
import signal
import subprocess

import httpx

from tests.support.paths import REPO
from tests.support.servers import free_port, wait_until_ok


def test_serves_the_api_and_stops_everything_on_ctrl_c(tmp_path):
    port = free_port()
    env = {**os.environ, "API_PORT": str(port), "DATABASE_URL": f"sqlite:///{tmp_path}/run.sqlite3"}
    run = subprocess.Popen(
        [str(REPO / "scripts" / "run")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C would reach
    )
    try:
        wait_until_ok(f"http://127.0.0.1:{port}/readyz", run, timeout=90)
        assert (
            httpx.get(f"http://127.0.0.1:{port}/genes/by-name/APP").json()["gene_stable_id"]
            == "ENSG00000142192"
        )
    finally:
        os.killpg(run.pid, signal.SIGINT)
        run.wait(timeout=60)
    output = run.stdout.read().decode()
    assert f"http://127.0.0.1:{port}/" in output.splitlines()[1]
    assert any(line.split("|")[0].split()[-1] == "api.1" for line in output.splitlines() if "|" in line)
    assert "SIGINT received" in output
    leftovers = subprocess.run(["pgrep", "-g", str(run.pid)], capture_output=True, text=True).stdout.split()
    assert leftovers == [], f"processes left running: {leftovers}"
