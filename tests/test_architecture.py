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


def test_graph_imports_no_room_above() -> None:
    """graph/ is the bottom room: not even a function-local import reaches ingest/, recommender/ or ui/."""
    for path in (ROOT / "graph").rglob("*.py"):
        assert imported_rooms(path) <= {"graph"}, path


# -- every raise raises a credpath error ---------------------------------------------------------------------

CLICK_AT_THE_EDGE = {"ClickException", "UsageError", "BadParameter", "Abort"}
"""click's own exceptions, allowed in the ui/cli package only: the edge where errors become messages and exit codes."""

GRADIO_AT_THE_EDGE = {"Error"}
"""gradio's ``gr.Error``, allowed in ui/api.py only: the edge where errors become the API's error messages."""


def _modules() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8")) for room in ROOMS for p in (ROOT / room).rglob("*.py")}


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _credpath_errors(modules: dict[Path, ast.Module]) -> set[str]:
    """CredpathError and every class in the package deriving from it (by name, through any number of levels)."""
    bases = {
        node.name: {_name(b) for b in node.bases}
        for tree in modules.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    found = {"CredpathError"}
    while grown := {c for c, b in bases.items() if c not in found and b & found}:
        found |= grown
    return found


def _caught(tree: ast.AST) -> dict[str, set[str]]:
    """Exception names caught by except handlers, and each ``as`` variable -> the names its handler catches."""
    caught: dict[str, set[str]] = {"": set()}
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            types = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            names = {n for n in map(_name, types) if n}
            caught[""] |= names
            if node.name:
                caught.setdefault(node.name, set()).update(names)
    return caught


def _exempt(path: Path, raised: str, parents: list[ast.AST], caught_here: set[str], signals: set[str]) -> bool:
    """Raises that are not credpath errors and never reach a user, each for a stated reason."""
    in_validator = any(
        isinstance(p, ast.FunctionDef)
        and any(
            (_name(d.func) if isinstance(d, ast.Call) else _name(d) or "").endswith("validator")
            for d in p.decorator_list
        )
        for p in parents
    )
    in_main = any(
        isinstance(p, ast.If) and isinstance(p.test, ast.Compare) and _name(p.test.left) == "__name__" for p in parents
    )
    return (
        (in_validator and raised in {"ValueError", "AssertionError"})  # pydantic turns these into ValidationError
        or raised == "NotImplementedError"  # marks an abstract method
        or (in_main and raised == "SystemExit")  # a script's exit status
        or (raised in signals)  # a package-internal signal, caught inside the package
        or (raised in caught_here)  # a library or built-in error that its own module catches
        or (path.parent == ROOT / "ui" / "cli" and raised in CLICK_AT_THE_EDGE)
        or (path == ROOT / "ui" / "api.py" and raised in GRADIO_AT_THE_EDGE)
    )


def test_every_raise_raises_a_credpath_error() -> None:
    """Every ``raise`` in the rooms raises a CredpathError subclass, re-raises one, or is a listed exemption."""
    modules = _modules()
    credpath = _credpath_errors(modules)
    caught_anywhere = set().union(*(_caught(t)[""] for t in modules.values()))
    defined = {n.name for t in modules.values() for n in ast.walk(t) if isinstance(n, ast.ClassDef)}
    signals = (defined - credpath) & caught_anywhere
    returns = {
        n.name: _name(n.returns)
        for t in modules.values()
        for n in ast.walk(t)
        if isinstance(n, ast.FunctionDef) and n.returns is not None
    }
    offenders = []
    for path, tree in modules.items():
        caught = _caught(tree)

        def visit(
            node: ast.AST, parents: list[ast.AST], path: Path = path, caught: dict[str, set[str]] = caught
        ) -> None:
            if isinstance(node, ast.Raise) and node.exc is not None:
                exc = node.exc
                if isinstance(exc, ast.Call):
                    callee = _name(exc.func) or ""
                    raised = callee if callee in defined or callee[:1].isupper() else returns.get(callee) or callee
                    ok = raised in credpath or _exempt(path, raised, parents, caught[""], signals)
                else:
                    variable = _name(exc) or ""
                    ok = (bool(caught.get(variable)) and caught[variable] <= credpath) or (
                        variable not in caught
                        and (variable in credpath or _exempt(path, variable, parents, caught[""], signals))
                    )
                    raised = variable
                if not ok:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: raise {raised}")
            for child in ast.iter_child_nodes(node):
                visit(child, [*parents, node])

        visit(tree, [])
    assert offenders == []


# -- inside a room: sub-packages meet through their public __init__ -------------------------------

SHARED_FORMAT_MODULES = {"base", "common", "textio", "jsonld", "requires", "limits"}
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


def test_the_cli_starts_without_the_web_app_or_the_plotting_library() -> None:
    """`credpath plan` starts cold in about a second: Gradio and matplotlib load only for the commands that draw."""
    import subprocess
    import sys

    code = "import sys, ui.cli; print(sorted(m for m in ('gradio', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]"
