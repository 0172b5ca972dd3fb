"""The control plane the rehearsal syncs into: built from k8s.io/kubernetes at the release the
environments run, reporting that version, with a controller-manager that creates the Pods of a
workload and Pod Security admission that refuses them; a component that cannot start says why
with its own last log lines."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from tests.support.gitops import controlplane
from tests.support.paths import REPO, kubernetes_versions

WRAPPER = REPO / "scripts" / "go-modules" / "kubernetes" / "go.mod"


def required(module: str, gomod) -> str:
    (version,) = re.findall(rf"^\s*{re.escape(module)} (v\S+)", gomod.read_text(), re.M)
    return version


def test_the_control_plane_is_the_release_the_environments_run(control_plane):
    """One build serves both environments: each env.yaml's kubeVersion is the release built."""
    assert kubernetes_versions() == [required("k8s.io/kubernetes", WRAPPER).removeprefix("v")]
    assert control_plane.version() == required("k8s.io/kubernetes", WRAPPER)
    staging = re.findall(r"^\s*(k8s\.io/\S+) => k8s\.io/\S+ (v\S+)", WRAPPER.read_text(), re.M)
    assert staging, "the wrapper repeats no replace line"
    minor = required("k8s.io/kubernetes", WRAPPER).removeprefix("v1.")
    assert {version for _, version in staging} == {f"v0.{minor}"}


def wait_for(what, check, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.2)
    pytest.fail(f"no {what} in {seconds} s")


def deployment(name: str, security: dict) -> dict:
    container = {"name": "app", "image": "example.invalid/app:1", "securityContext": security}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [container]}},
        },
    }


RESTRICTED = {
    "allowPrivilegeEscalation": False,
    "runAsNonRoot": True,
    "runAsUser": 10001,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}


def test_the_controller_manager_creates_pods_and_pod_security_refuses_them(control_plane):
    api: httpx.Client = control_plane.api
    namespace = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "locked", "labels": {"pod-security.kubernetes.io/enforce": "restricted"}},
    }
    assert api.post("/api/v1/namespaces", json=namespace).status_code == 201
    base = "/apis/apps/v1/namespaces/locked/deployments"
    assert api.post(base, json=deployment("good", RESTRICTED)).status_code == 201
    created = api.post(base, json=deployment("bad", {"privileged": True}))
    assert created.status_code == 201  # the Deployment itself is admitted, with a warning
    assert "would violate PodSecurity" in " ".join(created.headers.get_list("warning"))

    def pods(name):
        items = api.get("/api/v1/namespaces/locked/pods", params={"labelSelector": f"app={name}"}).json()
        return items["items"] if len(items["items"]) == 2 else None

    assert all(p["spec"].get("nodeName") is None for p in wait_for("pods of good", lambda: pods("good")))

    def refusal():
        events = api.get("/api/v1/namespaces/locked/events").json()["items"]
        return [e["message"] for e in events if e["reason"] == "FailedCreate"]

    (message, *_) = wait_for("a FailedCreate event", refusal)
    assert 'violates PodSecurity "restricted:latest"' in message
    refused = api.get("/api/v1/namespaces/locked/pods", params={"labelSelector": "app=bad"})
    assert refused.json()["items"] == []


def test_a_component_that_cannot_start_says_why_in_its_own_words(tmp_path):
    for name in controlplane.COMPONENTS:
        fake = tmp_path / name
        fake.write_text(f"#!/bin/sh\necho '{name}: refusing to start: the flag --nope is unknown'\nexit 3\n")
        fake.chmod(0o755)
    with pytest.raises(controlplane.ControlPlaneError) as raised, controlplane.running(bin_dir=tmp_path):
        pass
    assert "exited with status 3" in str(raised.value)
    assert "refusing to start: the flag --nope is unknown" in str(raised.value)


def test_a_missing_build_names_the_command_that_makes_it(tmp_path):
    with pytest.raises(controlplane.ControlPlaneError, match="run scripts/bootstrap-tools"):
        controlplane.binaries(tmp_path)


def test_nothing_is_left_behind(tmp_path):
    with controlplane.running(controller_manager=False) as plane:
        folder, processes = plane.folder, list(plane.processes.values())
        (cluster,) = yaml.safe_load(plane.kubeconfig.read_text())["clusters"]
        assert cluster["cluster"]["server"] == plane.server
    assert not folder.exists()
    assert all(p.poll() is not None for p in processes)


def test_a_terminated_process_stops_its_control_plane(tmp_path):
    """SIGTERM (a cancelled CI job) unwinds like Ctrl-C: the components, in sessions of their
    own, would outlive the process otherwise."""
    script = (
        "import sys, time\n"
        "from chr21_ops.gitops import controlplane\n"
        "with controlplane.running(controller_manager=False) as plane:\n"
        "    pids = ' '.join(str(p.pid) for p in plane.processes.values())\n"
        "    print(plane.folder, pids, flush=True)\n"
        "    time.sleep(600)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    folder, *pids = child.stdout.readline().split()
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=60) == 128 + signal.SIGTERM
    assert not Path(folder).exists()
    for pid in map(int, pids):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
