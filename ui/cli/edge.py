"""Where errors become messages and exit codes: `edge()`, the exit codes, and FLAGS naming fields as options."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import click
from pydantic import ValidationError

from graph.errors import CredpathError, InfeasiblePlanError

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3

FLAGS: dict[str, str] = {
    "targets.skills": "--target-skill",
    "targets.credentials": "--target-credential",
    "targets.occupation": "--occupation",
    "targets.include_optional_skills": "--include-optional",
    "have": "--have",
    "constraints.max_hours": "--max-hours",
    "constraints.max_cost": "--max-cost",
    "constraints.hours_per_week": "--hours-per-week",
    "constraints.exclude_providers": "--exclude-provider",
    "constraints.delivery": "--delivery",
    "constraints.deadline": "--deadline",
    "constraints.as_of": "--as-of",
    "constraints.languages": "--language",
    "constraints.min_coverage": "--min-coverage",
    "objective": "--objective",
    "planner": "--planner",
    "occupations": "--occupation",
    "area": "--area",
    "provider": "--provider",
    "table": "--table",
    "time_limit": "--time-limit",
    "goal": "--goal",
}
"""LearnerProfile field path (or gap-report parameter) -> the option that sets it: how errors about a field name
it on the command line."""


def fail(message: str, code: int) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@contextmanager
def edge(names: Mapping[str, str] | None = None) -> Iterator[None]:
    """Turn credpath's exceptions into a message on stderr and the documented exit code.

    Fields are named by the flags that set them (``FLAGS``), or as ``names`` says for this command.
    """
    flags = {**FLAGS, **(names or {})}
    try:
        yield
    except InfeasiblePlanError as exc:
        fail(exc.render(flags), EXIT_INFEASIBLE)
    except CredpathError as exc:
        fail(exc.render(flags), EXIT_BAD_INPUT)
    except ValidationError as exc:
        details = "; ".join(_field(e["loc"]) + f": {e['msg']}" for e in exc.errors())
        fail(f"invalid request: {details}\nFix: check the option values (see --help)", EXIT_BAD_INPUT)


def _field(loc: tuple[int | str, ...]) -> str:
    """A validation error's location in the CLI's words: the flag that sets the field, if one does."""
    parts = list(loc)
    while parts and isinstance(parts[-1], int):
        parts.pop()
    path = ".".join(str(p) for p in parts)
    for field, flag in FLAGS.items():
        if path == field or path.endswith(f".{field}") or field.endswith(f".{path}"):
            return flag
    return path
