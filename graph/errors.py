"""The one exception tree: every error credpath raises on purpose is a CredpathError."""

from __future__ import annotations

from collections.abc import Sequence


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
        parts = [f"{self.where}: {self.what}" if self.where else self.what]
        if self.fix:
            parts.append(f"Fix: {self.fix}")
        return "\n".join(parts)


class CatalogueError(CredpathError):
    """A catalogue file or store cannot be read, or its content is malformed."""

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

    @property
    def message(self) -> str:
        base = super().message
        if not self.problems:
            return base
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = f"\n  ... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        return f"{base}\n{shown}{more}"


class UnknownFormatError(CatalogueError):
    """A file is in none of the formats credpath reads."""


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
    """A planning request is malformed: an unknown target, a negative budget, no target at all."""


class LLMError(CredpathError):
    """A configured language model failed or answered with something unusable."""


class ConfigError(CredpathError):
    """Configuration is missing or invalid."""


class StoreError(CredpathError):
    """The catalogue index (Chroma) cannot be opened, read or written."""
