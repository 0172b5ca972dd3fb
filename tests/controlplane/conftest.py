"""One control plane per pytest worker (etcd, kube-apiserver, kube-controller-manager on
127.0.0.1, random ports, throwaway certificates and data), for the tests that only need an API
server; a rehearsal starts its own, fresh one."""

import pytest

from tests.support.gitops import controlplane


@pytest.fixture(scope="session")
def control_plane():
    with controlplane.running() as plane:
        yield plane
