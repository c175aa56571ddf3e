"""The limits on outside input in force while files are read: sizes, YAML aliases, depth, entries, messages.

Each limit is a ``CREDPATH_*`` setting (``ingest/settings.py``); :func:`load_sources
<ingest.formats.detect.load_sources>` puts its settings in force with :func:`applied`, and the readers
ask :func:`current`. A breach raises :class:`~graph.errors.InputLimitError` naming the limit and the
variable that raises it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from graph.errors import InputLimitError
from ingest.settings import Settings

MIB = 1024 * 1024
_IN_FORCE: ContextVar[Settings | None] = ContextVar("credpath_input_limits", default=None)


def current() -> Settings:
    """The settings whose limits apply now: those :func:`applied` put in force, else the environment's."""
    return _IN_FORCE.get() or Settings()


@contextmanager
def applied(settings: Settings) -> Iterator[Settings]:
    """Put the limits of ``settings`` in force for the readers called inside the block."""
    token = _IN_FORCE.set(settings)
    try:
        yield settings
    finally:
        _IN_FORCE.reset(token)


def breach(what: str, limit: str, *, where: str | None = None, problems: Sequence[str] = ()) -> InputLimitError:
    """The error for input past the limit ``limit`` (a Settings field), naming its current value."""
    value: float = getattr(current(), limit)
    return InputLimitError(what, limit=limit, value=value, where=where, problems=problems)


def limit_bytes(limit: str) -> int:
    """A size limit given in MiB (a Settings field), in bytes."""
    return int(float(getattr(current(), limit)) * MIB)


def bounded(problems: Sequence[str], total: int | None = None) -> list[str]:
    """The first ``max_messages`` problems, then one line counting the rest (``total`` when more were found).

    >>> from ingest.settings import Settings
    >>> with applied(Settings(max_messages=2)):
    ...     bounded(["a", "b", "c", "d"])
    ['a', 'b', '... and 2 more problem(s) (CREDPATH_MAX_MESSAGES lists more)']
    """
    limit = current().max_messages
    total = len(problems) if total is None else total
    shown = list(problems[:limit])
    if total > len(shown):
        shown.append(f"... and {total - len(shown)} more problem(s) (CREDPATH_MAX_MESSAGES lists more)")
    return shown


def requirement_depth(condition: Any) -> int:
    """How many levels a requirement tree has, from parsed YAML/JSON (a leaf is 1), without recursion.

    >>> requirement_depth({"all_of": [{"skill": "a"}, {"any_of": [{"skill": "b"}, {"credential": "c"}]}]})
    3
    """
    deepest = 0
    stack: list[tuple[Any, int]] = [(condition, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(node, dict):
            for key in ("all_of", "any_of", "of"):
                children = node.get(key)
                if isinstance(children, list):
                    stack.extend((child, depth + 1) for child in children)
    return deepest
