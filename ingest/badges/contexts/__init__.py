"""The pinned JSON-LD contexts shipped with credpath: the only contexts canonicalisation ever reads."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["ContextError", "bundled_contexts", "context", "unknown_contexts"]


class ContextError(Exception):
    """A document names a JSON-LD context that is not bundled (contexts are never fetched)."""


@cache
def bundled_contexts() -> dict[str, str]:
    """Context URL -> bundled file name."""
    index: dict[str, str] = json.loads(resources.files(__name__).joinpath("index.json").read_text(encoding="utf-8"))
    return index


@cache
def context(url: str) -> Any:
    """The parsed context document bundled for ``url``; ContextError when none is."""
    name = bundled_contexts().get(url)
    if name is None:
        raise ContextError(url)
    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))


def unknown_contexts(document: Any) -> list[str]:
    """Context URLs a document names (at any depth) that are not bundled."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    for ctx in value if isinstance(value, list) else [value]:
                        if isinstance(ctx, str) and ctx not in bundled_contexts() and ctx not in found:
                            found.append(ctx)
                        elif isinstance(ctx, dict):
                            walk(ctx)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document)
    return found
