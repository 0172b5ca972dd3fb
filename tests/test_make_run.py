"""`make run` (scripts/run): the platform on embedded defaults (the gene API, the worker, the
frontend), its URLs printed, each process's lines prefixed, and Ctrl-C stopping every process
it started."""

import os
import re
import signal
import subprocess

import httpx

from chr21_ops.local_stack import stack_env
from tests.support.metrics import sample_values
from tests.support.paths import REPO
from tests.support.servers import wait_until_ok


def readme_job_example(port: int) -> str:
    """The README's job example, as written, but for the port this test's stack listens on."""
    text = (REPO / "README.md").read_text()
    block = text.split("<!-- job-example:", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return block.replace("127.0.0.1:8001", f"127.0.0.1:{port}")


def test_serves_the_api_a_worker_and_the_frontend_and_stops_everything_on_ctrl_c(tmp_path):
    env, ports = stack_env(tmp_path)
    port, web_port = ports.api, ports.web
    run = subprocess.Popen(
        [str(REPO / "scripts" / "run")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C would reach
    )
    try:
        wait_until_ok(f"http://127.0.0.1:{port}/readyz", run, timeout=90)
        wait_until_ok(f"http://127.0.0.1:{web_port}/readyz", run, timeout=90)
        # The frontend reads the API it was started beside, and serves its static files.
        home = httpx.get(f"http://127.0.0.1:{web_port}/")
        assert home.status_code == 200
        assert "genes" in home.text
        css = re.search(r'href="(/static/chr21_web/site\.[0-9a-f]+\.css)"', home.text)
        assert css, "the stylesheet is served under its hashed name"
        assert httpx.get(f"http://127.0.0.1:{web_port}{css[1]}").status_code == 200
        # Both frontend workers' metrics, summed by gunicorn's master on a port of its own.
        metrics = httpx.get(f"http://127.0.0.1:{ports.web_metrics}/metrics").text
        home_views = sample_values(
            metrics,
            "django_http_responses_total_by_status_view_method_total",
            method="GET",
            status="200",
            view="home",
        )
        assert home_views == [1.0], metrics
        assert (
            httpx.get(f"http://127.0.0.1:{port}/genes/by-name/APP").json()["gene_stable_id"]
            == "ENSG00000142192"
        )
        # The README's example, run as written: a token, an upload, waiting, the summary, the result.
        example = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", readme_job_example(port)],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert example.returncode == 0, example.stderr
        printed = example.stdout
        assert '"status":"succeeded"' in printed
        assert '"on_other_chromosomes":1' in printed
        assert "inside_APP\t0\t+\tENSG00000142192\tAPP\tprotein_coding" in printed
    finally:
        os.killpg(run.pid, signal.SIGINT)
        run.wait(timeout=60)
    output = run.stdout.read().decode()
    banner = "\n".join(output.splitlines()[:4])
    assert f"http://127.0.0.1:{web_port}/" in banner
    assert f"http://127.0.0.1:{port}/" in banner
    names = {line.split("|")[0].split()[-1] for line in output.splitlines() if "|" in line}
    assert {"api.1", "worker.1", "web.1"} <= names
    assert "SIGINT received" in output
    leftovers = subprocess.run(["pgrep", "-g", str(run.pid)], capture_output=True, text=True).stdout.split()
    assert leftovers == [], f"processes left running: {leftovers}"
