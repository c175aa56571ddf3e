"""The planner registry: the built-in planners plus any installed under the ``credpath.planners`` entry points.

The CLI's ``--planner`` choices, the web page and the service all read ``planner_names`` and
``get_planner``. A third-party package adds a planner by declaring, in its ``pyproject.toml``::

    [project.entry-points."credpath.planners"]
    mine = "my_package.planner:MyPlanner"

where ``MyPlanner()`` (any zero-argument callable) returns an object with the ``Planner`` interface.
Built-in names cannot be taken over by an entry point.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import EntryPoint, entry_points

from graph.errors import ConfigError
from recommender.planners.base import Planner, Proposal
from recommender.planners.exact import ExactPlanner
from recommender.planners.function import FunctionPlanner, ProposeFunction
from recommender.planners.greedy import GreedyPlanner
from recommender.settings import PlannerSettings

ENTRY_POINT_GROUP = "credpath.planners"


def _llm(settings: PlannerSettings) -> Planner:
    """The LLM planner (imported on demand: it brings LangChain); ConfigError without a configured model."""
    from recommender.llm.planner import LLMPlanner

    planner = LLMPlanner(rounds=settings.planner_rounds)
    if not planner.configured:
        raise ConfigError(
            "the llm planner needs a language model",
            where="CREDPATH_LLM",
            fix="set CREDPATH_LLM (e.g. openai:gpt-4o-mini; CREDPATH_LLM_BASE_URL for any OpenAI-compatible "
            "server), or choose the exact planner",
        )
    return planner


BUILT_IN: dict[str, Callable[[PlannerSettings], Planner]] = {
    "exact": lambda _settings: ExactPlanner(),
    "greedy": lambda _settings: GreedyPlanner(),
    "llm": _llm,
}
"""Planner name -> factory taking the planner settings; the first name is the default."""

AUTO = "auto"
"""Not a planner but a choice: the llm planner when ``CREDPATH_LLM`` is set, else the exact planner."""

DEFAULT_PLANNER = next(iter(BUILT_IN))


def _installed() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name not in BUILT_IN}


def planner_names() -> tuple[str, ...]:
    """Every planner that can be asked for by name: the built-ins first, then installed ones, sorted.

    Examples
    --------
    >>> planner_names()[:2]
    ('exact', 'greedy')
    """
    return (*BUILT_IN, *sorted(_installed()))


def get_planner(name: str, settings: PlannerSettings | None = None) -> Planner:
    """The planner called ``name``; ConfigError names the known ones if there is none.

    Examples
    --------
    >>> get_planner("greedy").name
    'greedy'
    """
    if name == AUTO:
        from recommender.settings import LLMSettings

        name = "llm" if LLMSettings().configured else DEFAULT_PLANNER
    if name in BUILT_IN:
        return BUILT_IN[name](settings or PlannerSettings())
    installed = _installed()
    if name not in installed:
        raise ConfigError(
            f"no planner called {name!r}",
            where="planner",
            fix=f"use one of: {', '.join(planner_names())}",
        )
    try:
        planner: Planner = installed[name].load()()
    except Exception as exc:
        raise ConfigError(
            f"the planner {name!r} ({installed[name].value}) cannot be loaded: {type(exc).__name__}: {exc}",
            where=f"entry point group {ENTRY_POINT_GROUP}",
            fix="reinstall the package that provides it, or choose another planner",
        ) from exc
    return planner


__all__ = [
    "AUTO",
    "BUILT_IN",
    "DEFAULT_PLANNER",
    "ENTRY_POINT_GROUP",
    "ExactPlanner",
    "FunctionPlanner",
    "GreedyPlanner",
    "Planner",
    "Proposal",
    "ProposeFunction",
    "get_planner",
    "planner_names",
]
