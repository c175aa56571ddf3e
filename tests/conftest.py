"""Shared test setup: no network, no analytics, and a throwaway data directory for every test."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["CHROMA_ANONYMIZED_TELEMETRY"] = "False"

REPO = Path(__file__).resolve().parent.parent


class NetworkBlocked(RuntimeError):
    """A test tried to reach a host other than this machine."""


def _is_loopback(host: Any) -> bool:
    if not isinstance(host, str):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(sock: socket.socket, address: Any) -> None:
    if sock.family == socket.AF_UNIX:
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if not _is_loopback(host):
        raise NetworkBlocked(f"tests may not reach {address!r}: only loopback is allowed")


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outbound connections to anything but loopback (or a Unix socket) raise NetworkBlocked."""
    connect, connect_ex, create_connection = socket.socket.connect, socket.socket.connect_ex, socket.create_connection

    def guarded_connect(self: socket.socket, address: Any) -> None:
        _check(self, address)
        connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        _check(self, address)
        return connect_ex(self, address)

    def guarded_create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        if not _is_loopback(address[0]):
            raise NetworkBlocked(f"tests may not reach {address!r}: only loopback is allowed")
        return create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)


@pytest.fixture(autouse=True)
def _data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """CREDPATH_DATA_DIR points at a fresh temporary directory (and no stray store or server is used)."""
    path = tmp_path_factory.mktemp("credpath-data")
    monkeypatch.setenv("CREDPATH_DATA_DIR", str(path))
    monkeypatch.delenv("CREDPATH_STORE", raising=False)
    monkeypatch.delenv("CREDPATH_CHROMA_URL", raising=False)
    for name in ("CREDPATH_LLM", "CREDPATH_LLM_BASE_URL", "CREDPATH_LLM_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)  # no test talks to a configured model by accident
    yield path


@pytest.fixture
def shared_data() -> Path:
    """The real data in ../shared/data beside the repository; the test is skipped on a bare clone."""
    path = (REPO.parent / "shared" / "data").resolve()
    if not path.is_dir():
        pytest.skip(f"{path} is not here (real data lives beside the repository, not in it)")
    return path
