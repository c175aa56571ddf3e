"""The Examples in the docstrings run: graph algorithms are documented by tested examples."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import graph
import recommender

MODULES = sorted(
    m.name for pkg in (graph, recommender) for m in pkgutil.iter_modules(pkg.__path__, prefix=pkg.__name__ + ".")
)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_graph_algorithms_have_examples() -> None:
    """Every public function in graph.algorithms documents itself with a runnable example."""
    module = importlib.import_module("graph.algorithms")
    finder = doctest.DocTestFinder()
    missing = [
        name
        for name, obj in vars(module).items()
        if callable(obj)
        and getattr(obj, "__module__", "") == module.__name__
        and not name.startswith("_")
        and isinstance(obj, type(test_doctests))
        and not any(t.examples for t in finder.find(obj))
    ]
    assert missing == []
