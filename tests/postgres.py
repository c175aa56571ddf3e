"""A real PostgreSQL server for tests, started from Debian's package on 127.0.0.1 in a temporary directory."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.common import free_port


def binaries() -> Path | None:
    """The newest installed PostgreSQL bin directory (Debian: /usr/lib/postgresql/<major>/bin), if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    return Path(found[-1]).parent if found else None


@contextmanager
def postgres_server() -> Iterator[str]:
    """Run initdb and the server in a fresh directory; yield a URL to an empty database; stop and delete it.

    PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user Debian's package made.
    """
    bin_dir = binaries()
    assert bin_dir is not None, "PostgreSQL is not installed (make test installs it)"
    root = Path(tempfile.mkdtemp(prefix="credpath-pg-"))
    data = root / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        root.chmod(0o700)
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=120, env=env, cwd=root)

    run(str(bin_dir / "initdb"), "-D", str(data), "-U", "credpath", "--auth=trust", "-E", "UTF8")
    options = f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c full_page_writes=off"
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "server.log"), "-w", "start")
    try:
        run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "credpath", "drafts")
        yield f"postgresql://credpath@127.0.0.1:{port}/drafts"
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)
