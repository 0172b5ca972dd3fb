"""A throwaway Kubernetes control plane on 127.0.0.1, started as controller-runtime's envtest
starts one: etcd, kube-apiserver and kube-controller-manager (built from their Go modules by
scripts/bootstrap-tools), on random ports, with certificates and data made for the run and
removed after it. No scheduler, no kubelet: Pods are created and admitted, never run.

    with running() as plane:
        plane.api.get("/version")

A component that does not come up raises ControlPlaneError with the last lines of its own log;
the processes are always stopped (the controller-manager, then the API server, then etcd).
"""

import datetime
import ipaddress
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ..checkout import REPO
from ..processes import stop_group

BIN = REPO / ".tools" / "bin"
COMPONENTS = ("etcd", "kube-apiserver", "kube-controller-manager")
# How long each component may take to answer (a cold start on 2 busy cores takes seconds).
READY_SECONDS = 120


class ControlPlaneError(RuntimeError):
    """The control plane could not be built or started; the message says which part and why."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Certificates ----------------------------------------------------------------------------


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _write_key(key, path: Path) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


def _certificate(subject, issuer, public_key, signing_key, *, ca=False, usage=None, names=()):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(names)), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def _name(common: str, organization: str | None = None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization)] if organization else []
    return x509.Name([*parts, x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_certificates(folder: Path) -> None:
    """A CA; the API server's serving certificate; client certificates for the admin (group
    system:masters) and the controller-manager; the service accounts' signing key."""
    ca_key = _key()
    ca_name = _name("chr21-throwaway-ca")
    ca = _certificate(ca_name, ca_name, ca_key.public_key(), ca_key, ca=True)
    _write_key(ca_key, folder / "ca.key")
    (folder / "ca.crt").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    server_names = [
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("10.0.0.1")),
        *(
            x509.DNSName(n)
            for n in ("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc")
        ),
    ]
    leaves = {
        "apiserver": (_name("kube-apiserver"), ExtendedKeyUsageOID.SERVER_AUTH, server_names),
        "admin": (_name("admin", "system:masters"), ExtendedKeyUsageOID.CLIENT_AUTH, ()),
        "kcm": (_name("system:kube-controller-manager"), ExtendedKeyUsageOID.CLIENT_AUTH, ()),
    }
    for name, (subject, usage, names) in leaves.items():
        key = _key()
        certificate = _certificate(subject, ca_name, key.public_key(), ca_key, usage=usage, names=names)
        _write_key(key, folder / f"{name}.key")
        (folder / f"{name}.crt").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    service_accounts = _key()
    _write_key(service_accounts, folder / "sa.key")
    (folder / "sa.pub").write_bytes(
        service_accounts.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def write_kubeconfig(folder: Path, user: str, server: str) -> Path:
    path = folder / f"{user}.kubeconfig"
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": "rehearsal",
                "cluster": {"server": server, "certificate-authority": str(folder / "ca.crt")},
            }
        ],
        "users": [
            {
                "name": user,
                "user": {
                    "client-certificate": str(folder / f"{user}.crt"),
                    "client-key": str(folder / f"{user}.key"),
                },
            }
        ],
        "contexts": [{"name": "rehearsal", "context": {"cluster": "rehearsal", "user": user}}],
        "current-context": "rehearsal",
    }
    path.write_text(yaml.safe_dump(config))
    return path


# Processes -------------------------------------------------------------------------------


@dataclass
class ControlPlane:
    folder: Path
    server: str
    api: httpx.Client
    kubeconfig: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def log_tail(self, component: str, lines: int = 15) -> str:
        path = self.folder / "logs" / f"{component}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def version(self) -> str:
        return self.api.get("/version").json()["gitVersion"]


def binaries(bin_dir: Path = BIN) -> dict[str, Path]:
    found = {name: bin_dir / name for name in COMPONENTS}
    missing = [name for name, path in found.items() if not os.access(path, os.X_OK)]
    if missing:
        raise ControlPlaneError(
            f"{', '.join(missing)} not built in {bin_dir}: run scripts/bootstrap-tools (make setup)"
        )
    return found


def _start(plane: ControlPlane, name: str, args: list[str]) -> None:
    log = (plane.folder / "logs" / f"{name}.log").open("w")
    plane.processes[name] = subprocess.Popen(
        args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
    )
    log.close()


def _wait(plane: ControlPlane, name: str, ready) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if plane.processes[name].poll() is not None:
            raise ControlPlaneError(
                f"{name} exited with status {plane.processes[name].returncode}; its last lines:\n"
                + plane.log_tail(name)
            )
        try:
            if ready():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise ControlPlaneError(
        f"{name} did not become ready in {READY_SECONDS} s; its last lines:\n" + plane.log_tail(name)
    )


def stop(plane: ControlPlane) -> None:
    """The controller-manager, then the API server, then etcd: each gone before the next stops."""
    for process in reversed(list(plane.processes.values())):
        stop_group(process, signal.SIGTERM, timeout=30)
    plane.api.close()


@contextmanager
def running(controller_manager: bool = True, bin_dir: Path = BIN) -> Iterator[ControlPlane]:
    """A fresh control plane for the block; everything it made is removed afterwards."""
    paths = binaries(bin_dir)
    folder = Path(tempfile.mkdtemp(prefix="chr21-control-plane-"))
    (folder / "logs").mkdir()
    with _stopped_on_sigterm():
        yield from _running(folder, paths, controller_manager)


@contextmanager
def _stopped_on_sigterm() -> Iterator[None]:
    """SIGTERM (a cancelled CI job, `kill`) unwinds the block like Ctrl-C does, so the
    processes, which run in sessions of their own, are stopped rather than left behind."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _running(folder: Path, paths: dict[str, Path], controller_manager: bool) -> Iterator[ControlPlane]:
    try:
        make_certificates(folder)
        etcd_client, etcd_peer, api_port, kcm_port = (_free_port() for _ in range(4))
        etcd = f"http://127.0.0.1:{etcd_client}"
        server = f"https://127.0.0.1:{api_port}"
        tls = ssl.create_default_context(cafile=str(folder / "ca.crt"))
        tls.load_cert_chain(str(folder / "admin.crt"), str(folder / "admin.key"))  # system:masters
        api = httpx.Client(base_url=server, verify=tls, timeout=30)
        plane = ControlPlane(folder, server, api, write_kubeconfig(folder, "admin", server))
        try:
            _start_all(plane, paths, etcd, etcd_client, etcd_peer, api_port, kcm_port, controller_manager)
            yield plane
        finally:
            stop(plane)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _start_all(plane, paths, etcd, etcd_client, etcd_peer, api_port, kcm_port, controller_manager) -> None:
    folder = plane.folder
    peer = f"http://127.0.0.1:{etcd_peer}"
    _start(
        plane,
        "etcd",
        [
            str(paths["etcd"]),
            "--name=rehearsal",
            f"--data-dir={folder / 'etcd'}",
            f"--listen-client-urls={etcd}",
            f"--advertise-client-urls={etcd}",
            f"--listen-peer-urls={peer}",
            f"--initial-advertise-peer-urls={peer}",
            f"--initial-cluster=rehearsal={peer}",
            "--initial-cluster-state=new",
            "--log-level=warn",
            # Throwaway data: no fsync (etcd's own flag for tests).
            "--unsafe-no-fsync",
        ],
    )
    _start(
        plane,
        "kube-apiserver",
        [
            str(paths["kube-apiserver"]),
            f"--etcd-servers={etcd}",
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            f"--secure-port={api_port}",
            f"--cert-dir={folder / 'apiserver-certs'}",
            f"--tls-cert-file={folder / 'apiserver.crt'}",
            f"--tls-private-key-file={folder / 'apiserver.key'}",
            f"--client-ca-file={folder / 'ca.crt'}",
            # The controller-manager's delegated authentication reads the request-header CA.
            f"--requestheader-client-ca-file={folder / 'ca.crt'}",
            "--requestheader-allowed-names=front-proxy-client",
            "--requestheader-username-headers=X-Remote-User",
            "--requestheader-group-headers=X-Remote-Group",
            "--requestheader-extra-headers-prefix=X-Remote-Extra-",
            f"--service-account-key-file={folder / 'sa.pub'}",
            f"--service-account-signing-key-file={folder / 'sa.key'}",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            "--authorization-mode=RBAC",
            "--service-cluster-ip-range=10.0.0.0/24",
            "--endpoint-reconciler-type=none",
            # As EKS: privileged pods are allowed by the server; Pod Security admission decides.
            "--allow-privileged=true",
        ],
    )
    _wait(plane, "etcd", lambda: plane.processes["etcd"].poll() is None and _answers(etcd_client))
    _wait(plane, "kube-apiserver", lambda: plane.api.get("/readyz").status_code == 200)
    if not controller_manager:
        return
    kubeconfig = write_kubeconfig(folder, "kcm", plane.server)
    _start(
        plane,
        "kube-controller-manager",
        [
            str(paths["kube-controller-manager"]),
            f"--kubeconfig={kubeconfig}",
            f"--authentication-kubeconfig={kubeconfig}",
            f"--authorization-kubeconfig={kubeconfig}",
            "--bind-address=127.0.0.1",
            f"--secure-port={kcm_port}",
            # Served with a certificate of our CA (127.0.0.1), so its health is checked verified.
            f"--tls-cert-file={folder / 'apiserver.crt'}",
            f"--tls-private-key-file={folder / 'apiserver.key'}",
            f"--service-account-private-key-file={folder / 'sa.key'}",
            f"--root-ca-file={folder / 'ca.crt'}",
            "--use-service-account-credentials=true",
            "--leader-elect=false",
            f"--cluster-signing-cert-file={folder / 'ca.crt'}",
            f"--cluster-signing-key-file={folder / 'ca.key'}",
        ],
    )
    tls = ssl.create_default_context(cafile=str(folder / "ca.crt"))
    health = httpx.Client(base_url=f"https://127.0.0.1:{kcm_port}", verify=tls, timeout=5)
    try:
        _wait(plane, "kube-controller-manager", lambda: health.get("/healthz").status_code == 200)
    finally:
        health.close()


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0
