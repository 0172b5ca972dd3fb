"""Shared facts of the cross-layer tests: where the repository and its tools are."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def tool_versions() -> dict[str, str]:
    """scripts/tool-versions.env as a dict: the one place tool pins live."""
    pins = {}
    for line in (REPO / "scripts" / "tool-versions.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            pins[key] = value
    return pins


@pytest.fixture(scope="session")
def pins() -> dict[str, str]:
    return tool_versions()
