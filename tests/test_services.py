"""scripts/services: the servers the tests talk to answer on loopback, started by the project's
own files (.ci/run and make test call it), and a second run has nothing to do."""

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PORTS = {"PostgreSQL": 5432, "Redis": 6379, "RabbitMQ": 5672}


def test_ci_and_make_test_start_the_servers_before_the_tests():
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert ci.index("scripts/services") < ci.index("make test")
    makefile = (REPO / "Makefile").read_text()
    recipe = makefile.split("\ntest: setup\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.strip() for line in recipe] == ["@scripts/services", "@.venv/bin/python scripts/check.py"]


def test_a_second_run_finds_every_server_answering_and_returns_at_once():
    result = subprocess.run([str(REPO / "scripts" / "services")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    # Nothing installed, nothing started: one line a server.
    assert result.stdout.splitlines() == [
        f"services: {name} answers on 127.0.0.1:{port}" for name, port in PORTS.items()
    ]


def test_the_servers_listen_on_loopback_only():
    """What scripts/services starts binds 127.0.0.1 (and epmd ::1), never every address."""
    listening = subprocess.run(["ss", "-Hltn"], capture_output=True, text=True, check=True).stdout
    for port in PORTS.values():
        addresses = {
            line.split()[3].rsplit(":", 1)[0]
            for line in listening.splitlines()
            if line.split()[3].endswith(f":{port}")
        }
        assert addresses, f"nothing listens on {port}"
        assert addresses <= {"127.0.0.1", "[::1]"}, f"port {port} listens on {addresses}"
