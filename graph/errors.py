"""The one exception tree: every error credpath raises on purpose is a CredpathError.

::

    CredpathError                 what went wrong, where, and how to fix it
    ├── CatalogueError            a catalogue file or store entry cannot be read or is malformed
    │   ├── UnknownFormatError    a file in none of the formats credpath reads
    │   └── InputLimitError       input past a limit (size, YAML aliases, depth, entries): names its CREDPATH_ setting
    ├── PrerequisiteCycleError    prerequisites that form a cycle
    ├── InfeasiblePlanError       no target at all can be reached under the constraints
    ├── PlanVerificationError     a plan failed the verifier and must not be shown as valid
    ├── RequestError              a malformed planning request, named by its LearnerProfile field
    ├── PlanFileError             a plan file (``credpath verify PLAN.json``) that cannot be read or is no plan
    ├── PlannerError              a planner or its solver failed (HiGHS rejected the model, ...)
    ├── LLMError                  a language model failed or answered unusably (the LLM planner falls back)
    │   └── LLMAnswerError        it answered, but not in the required structure (prose instead of JSON)
    ├── ConfigError               configuration is missing or invalid
    └── StoreError                the catalogue index (Chroma) cannot be opened, read or written

Errors become exit codes and friendly messages only at the edges (``ui/cli/edge.py`` ``edge()`` and the web
page's handlers). A ``RequestError`` names a ``LearnerProfile`` field path such as ``targets.skills``;
each edge shows it in its own words (a CLI flag, a form label).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from string import Template

SHOWN_PROBLEMS = 500
"""Most problems an error lists; readers that find many bound their own lists first (CREDPATH_MAX_MESSAGES)."""


class CredpathError(Exception):
    """Base of every error credpath raises on purpose.

    Each carries ``what`` went wrong, ``where`` (file, line, JSON pointer, field) and ``fix``: how
    to put it right. ``str(error)`` joins them into one readable message.
    """

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None) -> None:
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return self.render({})

    def render(self, names: Mapping[str, str]) -> str:
        """The message in an edge's words: ``names`` maps LearnerProfile field paths to flags or labels.

        ``where`` and every ``${field.path}`` placeholder in ``fix`` are looked up; paths not in
        ``names`` are shown as they are.

        Examples
        --------
        >>> err = RequestError("no target given", field="targets", fix="name one of ${targets.skills} or ${have}")
        >>> err.message
        'targets: no target given\\nFix: name one of targets.skills or have'
        >>> err.render({"targets.skills": "--target-skill"}).splitlines()[1]
        'Fix: name one of --target-skill or have'
        """
        where = names.get(self.where, self.where) if self.where else None
        parts = [f"{where}: {self.what}" if where else self.what]
        if self.fix:
            parts.append(f"Fix: {_FieldTemplate(self.fix).safe_substitute(_Names(names))}")
        return "\n".join(parts)


class _FieldTemplate(Template):
    """Only ``${targets.skills}``-style placeholders: a bare ``$word`` in a message stays as it is."""

    idpattern = r"(?!)"
    braceidpattern = r"[a-z_][a-z0-9_.]*"


class _Names(dict[str, str]):
    """Field path -> the edge's words; a path without words is shown as the path."""

    def __missing__(self, key: str) -> str:
        return key


def _with_problems(message: str, problems: Sequence[str]) -> str:
    """A message followed by its problems, one per line, the first 50 of them."""
    if not problems:
        return message
    shown = "\n".join(f"  - {p}" for p in problems[:SHOWN_PROBLEMS])
    more = f"\n  ... and {len(problems) - SHOWN_PROBLEMS} more" if len(problems) > SHOWN_PROBLEMS else ""
    return f"{message}\n{shown}{more}"


class _ProblemListError(CredpathError):
    """An error that lists several problems (at most 50 shown, then a count) under its message."""

    def __init__(
        self,
        what: str,
        *,
        where: str | None = None,
        fix: str | None = None,
        problems: Sequence[str] = (),
    ) -> None:
        self.problems = tuple(problems)
        super().__init__(what, where=where, fix=fix)

    def render(self, names: Mapping[str, str]) -> str:
        return _with_problems(super().render(names), self.problems)


class CatalogueError(_ProblemListError):
    """A catalogue file or store cannot be read, or its content is malformed."""


class UnknownFormatError(CatalogueError):
    """A file is in none of the formats credpath reads."""


class InputLimitError(CatalogueError):
    """Input goes past one of the limits that keep a hostile file from eating the machine.

    ``limit`` names the limit (``"max_document_mb"``) and ``setting`` the variable that raises it
    (``"CREDPATH_MAX_DOCUMENT_MB"``); the fix always says both.
    """

    def __init__(
        self, what: str, *, limit: str, value: float, where: str | None = None, problems: Sequence[str] = ()
    ) -> None:
        self.limit = limit
        self.setting = f"CREDPATH_{limit.upper()}"
        self.value = value
        fix = f"make the input smaller, or raise the limit {limit} with {self.setting} (now {value:g})"
        super().__init__(what, where=where, fix=fix, problems=problems)


class PlanFileError(_ProblemListError):
    """A plan file cannot be read, or is not a credpath plan (``problems`` lists the JSON pointers at fault)."""


class PrerequisiteCycleError(CredpathError):
    """Prerequisites form a cycle, so nothing on it can ever be started."""

    def __init__(self, cycle: Sequence[str], *, fix: str | None = None) -> None:
        self.cycle = tuple(cycle)
        shown = " -> ".join([*self.cycle, self.cycle[0]]) if self.cycle else "(empty)"
        super().__init__(
            f"prerequisite cycle: {shown}",
            fix=fix or "remove one prerequisite link on the cycle in the catalogue",
        )


class InfeasiblePlanError(CredpathError):
    """No pathway can reach any of the targets under the given constraints."""

    def __init__(self, what: str, *, unmet: Sequence[str] = (), fix: str | None = None) -> None:
        self.unmet = tuple(unmet)
        super().__init__(what, fix=fix)


class PlanVerificationError(CredpathError):
    """A plan failed verification: it must never be shown to a user as valid."""

    def __init__(self, what: str, *, problems: Sequence[str] = ()) -> None:
        self.problems = tuple(problems)
        detail = "; ".join(self.problems)
        super().__init__(f"{what}: {detail}" if detail else what, fix="report this as a bug in the planner")


class RequestError(CredpathError):
    """A planning request is malformed: an unknown target, a negative budget, no target at all.

    ``field`` is the ``LearnerProfile`` field path at fault (``"targets.skills"``, ``"have"``,
    ``"constraints.max_hours"``) and is also the error's ``where``. An edge shows it in its own words
    with ``render`` (the CLI's flags, the web page's labels).
    """

    def __init__(
        self, what: str, *, field: str | None = None, where: str | None = None, fix: str | None = None
    ) -> None:
        self.field = field
        super().__init__(what, where=where or field, fix=fix)


class PlannerError(CredpathError):
    """A planner failed: its solver rejected the model, or it broke its own promises."""


class LLMError(CredpathError):
    """A language model failed or answered unusably: endpoint down, timeout, rate limit, no JSON, refusal.

    The LLM planner catches it and the exact planner's plan stands in, with a note saying what happened;
    only reading a free-text request (which has no plan to fall back on) lets it reach an edge.
    """


class LLMAnswerError(LLMError):
    """The model answered, but not in the required structure: the LLM planner asks again while rounds remain."""


class ConfigError(CredpathError):
    """Configuration is missing or invalid."""


class StoreError(CredpathError):
    """The catalogue index (Chroma) cannot be opened, read or written."""
