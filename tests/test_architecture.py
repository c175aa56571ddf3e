"""The rooms' import arrows only point one way: ui -> recommender -> ingest -> graph."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROOMS = ["graph", "ingest", "recommender", "ui"]
ALLOWED = {
    "graph": {"graph"},
    "ingest": {"graph", "ingest"},
    "recommender": {"graph", "ingest", "recommender"},
    "ui": {"graph", "ingest", "recommender", "ui"},
}


def imported_rooms(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(ROOMS)


@pytest.mark.parametrize("room", ROOMS)
def test_imports_point_one_way(room: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_rooms(path) - ALLOWED[room])
        for path in (ROOT / room).rglob("*.py")
        if imported_rooms(path) - ALLOWED[room]
    }
    assert offenders == {}


def test_graph_does_no_io() -> None:
    """Graph algorithms are pure: no file, network or environment access in graph/."""
    banned = {"open", "os", "pathlib", "socket", "requests", "httpx", "subprocess"}
    for path in (ROOT / "graph").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not {a.name.split(".")[0] for a in node.names} & banned, path
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[0] not in banned, path
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "open", path
