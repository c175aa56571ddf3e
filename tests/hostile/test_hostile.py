"""The bad-input suite: every case of cases.yaml through the installed `credpath` script, exit code and message."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.hostile.generators import EXAMPLE, generate

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
CASES: list[dict[str, Any]] = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
CREDPATH = str(Path(sys.executable).parent / "credpath")
MEMORY_CAP = 3 * 1024**3
"""Address space each run may take: a limit that regresses fails its case instead of eating the machine."""
COMMANDS = {
    "validate": ["validate", "{input}"],
    "plan": ["plan", "--catalogue", "{input}", "--target-skill", "s"],
    "ingest": ["ingest", "-q", "{input}", "--store", "{store}"],
}


def _runs() -> list[Any]:
    params = []
    for case in CASES:
        argvs = [COMMANDS[c] for c in case.get("commands", ())] + case.get("run", [])
        for argv in argvs:
            params.append(pytest.param(case, argv, id=f"{case['name']}-{argv[0]}-{len(params)}"))
    return params


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the example catalogue, copied for each case that writes to it."""
    store = tmp_path_factory.mktemp("seed") / "store"
    env = {**os.environ, "CREDPATH_EMBEDDER": "hashing"}
    out = subprocess.run(
        [CREDPATH, "ingest", "-q", str(EXAMPLE), "--store", str(store)], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr
    return store


def _input(case: dict[str, Any], folder: Path) -> Path:
    if "file" in case:
        return HERE / "files" / case["file"]
    return generate(folder, case["generate"])


@pytest.mark.parametrize(("case", "argv"), _runs())
def test_hostile_input_is_refused_clearly(
    case: dict[str, Any], argv: list[str], tmp_path: Path, seeded_store: Path
) -> None:
    store = tmp_path / "store"
    subprocess.run(["cp", "-r", str(seeded_store), str(store)], check=True)
    fill = {"input": str(_input(case, tmp_path)), "store": str(store), "example": str(EXAMPLE), "files": str(FILES)}
    env = {**os.environ, "CREDPATH_EMBEDDER": "hashing", **case.get("env", {})}
    started = time.perf_counter()
    out = subprocess.run(
        [CREDPATH, *(a.format(**fill) for a in argv)],
        capture_output=True,
        text=True,
        env=env,
        timeout=max(60, 3 * case["seconds"]),
        preexec_fn=_cap_memory,
    )
    elapsed = time.perf_counter() - started
    said = out.stdout + out.stderr
    assert out.returncode == case["exit"], said[-3000:]
    assert "Traceback" not in said, said[-3000:]
    for fragment in case.get("expect", ()):
        assert fragment in said, f"{fragment!r} not in:\n{said[-3000:]}"
    for fragment in case.get("refuse", ()):
        assert fragment not in said, said[-3000:]
    assert elapsed < case["seconds"], f"took {elapsed:.1f} s (at most {case['seconds']} s)"


def test_every_case_says_why_and_has_one_input() -> None:
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names))
    for case in CASES:
        assert case.get("why") and case.get("expect"), case["name"]
        assert ("file" in case) != ("generate" in case), case["name"]
        assert case.get("commands") or case.get("run"), case["name"]
        if "file" in case:
            assert (HERE / "files" / case["file"]).is_file(), case["name"]
