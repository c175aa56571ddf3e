"""The README is run: every `$ credpath ...` line in it works as shown, and its links point at real files."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CREDPATH = str(Path(sys.executable).parent / "credpath")


def readme_commands() -> list[str]:
    return [line[2:] for line in README.splitlines() if line.startswith("$ credpath ")]


def readme_lines() -> list[str]:
    """The `$ credpath ...` lines and the `$ printf ... > FILE` lines that make their input files, in order."""
    return [line[2:] for line in README.splitlines() if line.startswith(("$ credpath ", "$ printf "))]


def test_readme_has_a_cli_tour() -> None:
    assert len(readme_commands()) >= 8


def test_readme_commands_run_in_order(tmp_path: Path) -> None:
    env = {**os.environ, "CREDPATH_DATA_DIR": str(tmp_path / "data")}
    for command in readme_lines():
        command = command.replace("/tmp/", f"{tmp_path}/")
        if command.startswith("printf "):
            subprocess.run(["bash", "-c", command], check=True, cwd=tmp_path)
            continue
        argv = shlex.split(command)
        redirect = None
        if ">" in argv:
            i = argv.index(">")
            argv, redirect = argv[:i], argv[i + 1]
        argv[0] = CREDPATH
        out = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
        assert out.returncode == 0, f"{command}\n{out.stderr}"
        assert out.stdout.strip(), command
        if redirect:
            Path(redirect).write_text(out.stdout, encoding="utf-8")


def test_readme_links_exist() -> None:
    for target in re.findall(r"\]\(([^)#:]+)\)", README):
        assert (ROOT / target).exists(), target


def test_make_targets_named_in_readme_exist() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in set(re.findall(r"`make (\w+)`", README) + re.findall(r"^make (\w+)", README, re.M)):
        assert re.search(rf"^{target}:", makefile, re.M), target
