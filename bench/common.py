"""What the benchmarks (and the tests that start servers) share: the machine line under each table, a percentile,
writing a block into README, a free port and stopping a server."""

from __future__ import annotations

import datetime as dt
import os
import platform
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def cpu_name() -> str:
    """The CPU's model name from /proc/cpuinfo, or the machine type where there is none."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def load_average() -> float:
    """The one-minute load average, nan where the system has none."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def machine_line(extra: str, *, software: str = "", cpu: bool = True) -> str:
    """Which machine and software ran a benchmark, and when; ``extra`` says what the run was, if anything.

    ``software`` (say ``"HiGHS 1.7.2"``) follows the Python version; ``cpu=False`` leaves the model name out.
    """
    cores = f"{os.cpu_count()} cores ({cpu_name()})" if cpu else f"{os.cpu_count()} cores"
    versions = f"Python {platform.python_version()}" + (f", {software}" if software else "")
    run = f"{extra}; " if extra else ""
    return (
        f"Measured on {cores}, {versions}, {dt.date.today().isoformat()}; "
        f"{run}load average {load_average():.1f} at the end."
    )


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile of ``values`` with linear interpolation; nan without any.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile([5.0], 95)
    (2.5, 5.0)
    """
    return float(np.percentile(values, q)) if len(values) else float("nan")


def replace_block(text: str, start: str, end: str, block: str) -> str | None:
    """``text`` with the part between the ``start`` and ``end`` markers replaced by ``block``; None without them.

    >>> replace_block("a <!-- s -->old<!-- e --> b", "<!-- s -->", "<!-- e -->", "\\nnew\\n")
    'a <!-- s -->\\nnew\\n<!-- e --> b'
    >>> replace_block("<!-- e --> <!-- s -->", "<!-- s -->", "<!-- e -->", "new") is None
    True
    """
    first, last = text.find(start), text.find(end)
    if first < 0 or last < first:
        return None
    return text[: first + len(start)] + "\n" + block.strip("\n") + "\n" + text[last:]


def write_block(path: Path, start: str, end: str, block: str) -> bool:
    """Write ``block`` between the markers in ``path``; False, and the file untouched, without them."""
    updated = replace_block(path.read_text(encoding="utf-8"), start, end, block)
    if updated is None:
        return False
    path.write_text(updated, encoding="utf-8")
    return True


def update_readme(path: Path, start: str, end: str, block: str, *, what: str = "table") -> bool:
    """``write_block``, then say on stderr whether ``what`` went into ``path`` or why nothing was written."""
    if write_block(path, start, end, block):
        print(f"{what} written into {path}", file=sys.stderr)
        return True
    print(f"{path} has no {start} ... {end} markers: nothing written", file=sys.stderr)
    return False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def stop(process: subprocess.Popen[bytes], *, grace: float = 20.0) -> None:
    """Ask a server process to end; kill it if it has not within ``grace`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
