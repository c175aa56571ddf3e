"""The rooms' import arrows only point one way: ui -> recommender -> ingest -> graph."""

from __future__ import annotations

import ast
import importlib
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


# -- inside a room: sub-packages meet through their public __init__ -------------------------------

SHARED_FORMAT_MODULES = {"base", "common", "textio", "jsonld", "requires"}
"""What the format adapters may share; an adapter never imports another adapter."""


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(name: str) -> bool:
    return (ROOT.joinpath(*name.split(".")) / "__init__.py").is_file()


def imported_modules(tree: ast.AST) -> set[str]:
    """Every module an import names, with ``from package import module`` counted as the module."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(
                f"{node.module}.{a.name}"
                for a in node.names
                if ROOT.joinpath(*node.module.split("."), f"{a.name}.py").is_file()
            )
    return found


def reaches_inside(importer: str, target: str) -> bool:
    """True when ``target`` lies inside a sub-package that does not hold ``importer``, past its ``__init__``."""
    parts = target.split(".")
    for end in range(2, len(parts)):
        package = ".".join(parts[:end])
        if is_package(package) and not (importer == package or importer.startswith(package + ".")):
            return True
    return False


def test_sub_packages_of_ingest_meet_through_their_init() -> None:
    offenders = {
        module_name(path): sorted(
            t
            for t in imported_modules(ast.parse(path.read_text(encoding="utf-8")))
            if t.startswith("ingest.") and reaches_inside(module_name(path), t)
        )
        for path in (ROOT / "ingest").rglob("*.py")
    }
    assert {m: found for m, found in offenders.items() if found} == {}


def test_the_init_rule_sees_a_reach_inside_a_sibling() -> None:
    assert reaches_inside("ingest.store.index", "ingest.search.lexical")
    assert reaches_inside("ingest.formats.detect", "ingest.formats.ctdl.reader")
    assert not reaches_inside("ingest.store.index", "ingest.search")
    assert not reaches_inside("ingest.store.index", "ingest.store.entries")
    assert not reaches_inside("ingest.formats.ctdl.reader", "ingest.formats.jsonld")
    assert not reaches_inside("ingest.store.catalogue", "ingest.settings")
    tree = ast.parse("from ingest.formats import textio\nfrom ingest.search import Embedder\n")
    assert imported_modules(tree) == {"ingest.formats", "ingest.formats.textio", "ingest.search"}


def test_format_adapters_share_helpers_only_through_common_modules() -> None:
    formats = ROOT / "ingest" / "formats"
    offenders = {}
    for path in formats.rglob("*.py"):
        name = module_name(path)
        if path.stem in SHARED_FORMAT_MODULES | {"__init__", "detect"} and path.parent == formats:
            continue
        own = name.rsplit(".", 1)[0] + "." if path.parent != formats else name + "."
        reached = {
            t.split(".")[2]
            for t in imported_modules(ast.parse(path.read_text(encoding="utf-8")))
            if t.startswith("ingest.formats.") and not t.startswith(own)
        }
        if reached - SHARED_FORMAT_MODULES:
            offenders[name] = sorted(reached - SHARED_FORMAT_MODULES)
    assert offenders == {}


@pytest.mark.parametrize(
    "package", sorted({module_name(p.parent / "__init__.py") for p in (ROOT / "ingest").rglob("*/__init__.py")})
)
def test_each_sub_package_names_what_it_offers(package: str) -> None:
    module = importlib.import_module(package)
    offered = getattr(module, "__all__", None)
    assert offered, f"{package}/__init__.py has no __all__"
    assert [name for name in offered if not hasattr(module, name)] == []
