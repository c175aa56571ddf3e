"""The catalogue model: skills, credentials, occupations and requirement condition trees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Id = Annotated[str, Field(min_length=1, max_length=2048)]


class StrictModel(BaseModel):
    """Base for every domain model: unknown fields are errors and instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SkillCondition(StrictModel):
    """Leaf: the learner holds this skill (held, or taught by an earlier step)."""

    skill: Id


class CredentialCondition(StrictModel):
    """Leaf: the learner holds this credential (held, or an earlier step)."""

    credential: Id


class AllOf(StrictModel):
    """Every child condition holds."""

    all_of: tuple[Condition, ...] = Field(min_length=1)


class AnyOf(StrictModel):
    """At least one child condition holds."""

    any_of: tuple[Condition, ...] = Field(min_length=1)


class AtLeast(StrictModel):
    """At least ``at_least`` of the child conditions hold."""

    at_least: int = Field(ge=1)
    of: tuple[Condition, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _n_within_children(self) -> AtLeast:
        if self.at_least > len(self.of):
            raise ValueError(
                f"at_least is {self.at_least} but only {len(self.of)} conditions are listed in 'of'; "
                "lower at_least or add conditions"
            )
        return self


Condition = SkillCondition | CredentialCondition | AllOf | AnyOf | AtLeast

AllOf.model_rebuild()
AnyOf.model_rebuild()
AtLeast.model_rebuild()


class Kind(StrEnum):
    """What a node of the catalogue graph is: a skill, a credential or an occupation."""

    skill = "skill"
    credential = "credential"
    occupation = "occupation"

    def __repr__(self) -> str:
        """The value's repr: a member equals, hashes and prints as its string, as in the JSON.

        Examples
        --------
        >>> Kind.skill == "skill", Kind("credential"), f"{Kind.occupation}"
        (True, 'credential', 'occupation')
        >>> (Kind.skill, "sql") == ("skill", "sql"), (Kind.skill, "sql")
        (True, ('skill', 'sql'))
        """
        return repr(self.value)


class Gate(StrEnum):
    """How a composite condition combines its children."""

    all_of = "all_of"
    any_of = "any_of"
    at_least = "at_least"


@dataclass(frozen=True)
class Parts:
    """A composite condition taken apart: its children, how many must hold, and its gate."""

    gate: Gate
    children: tuple[Condition, ...]
    needed: int


def requirement_parts(condition: Condition) -> Parts | None:
    """The children of a composite condition and how many of them must hold; None for a leaf.

    The one place that knows the shapes of a requirement tree: every algorithm walks trees through it.

    Examples
    --------
    >>> parts = requirement_parts(AtLeast(at_least=2, of=(SkillCondition(skill="a"), SkillCondition(skill="b"),
    ...     SkillCondition(skill="c"))))
    >>> parts.gate, len(parts.children), parts.needed
    (<Gate.at_least: 'at_least'>, 3, 2)
    >>> requirement_parts(AllOf(all_of=(SkillCondition(skill="a"), SkillCondition(skill="b")))).needed
    2
    >>> requirement_parts(SkillCondition(skill="a")) is None
    True
    """
    if isinstance(condition, AllOf):
        return Parts(Gate.all_of, condition.all_of, len(condition.all_of))
    if isinstance(condition, AnyOf):
        return Parts(Gate.any_of, condition.any_of, 1)
    if isinstance(condition, AtLeast):
        return Parts(Gate.at_least, condition.of, condition.at_least)
    return None


def condition_children(condition: Condition) -> tuple[Condition, ...]:
    """The direct children of a composite condition (empty for a leaf)."""
    parts = requirement_parts(condition)
    return parts.children if parts is not None else ()


def iter_leaves(condition: Condition) -> Iterator[SkillCondition | CredentialCondition]:
    """Every leaf of a condition tree, depth first, left to right.

    Iterative, so that deeply nested trees from outside sources cannot exhaust the stack.
    """
    stack: list[Condition] = [condition]
    while stack:
        node = stack.pop()
        if isinstance(node, (SkillCondition, CredentialCondition)):
            yield node
        else:
            stack.extend(reversed(condition_children(node)))


def _composites(condition: Condition) -> Iterator[Condition]:
    """Every composite node of a condition tree (the root first)."""
    stack: list[Condition] = [condition]
    while stack:
        node = stack.pop()
        if requirement_parts(node) is not None:
            yield node
            stack.extend(condition_children(node))


class CredentialKind(StrEnum):
    """What sort of credential an entry is."""

    badge = "badge"
    microcredential = "microcredential"
    certificate = "certificate"
    certification = "certification"
    course = "course"
    program = "program"
    degree = "degree"
    other = "other"


class Level(StrEnum):
    """Difficulty level as catalogues commonly state it."""

    beginner = "beginner"
    intermediate = "intermediate"
    advanced = "advanced"
    mixed = "mixed"


class Delivery(StrEnum):
    """How a credential is delivered."""

    online = "online"
    in_person = "in_person"
    blended = "blended"


class Skill(StrictModel):
    """A skill or competency, identified by a URI where one exists (ESCO, CTDL, CASE)."""

    id: Id
    label: str = Field(min_length=1)
    alt_labels: tuple[str, ...] = ()
    alt_ids: tuple[Id, ...] = Field(default=(), description="Other ids accepted for this skill (e.g. a CTID).")
    description: str = ""
    prerequisites: tuple[Id, ...] = Field(
        default=(), description="Skill ids that must be held before this skill can be learned."
    )
    broader: tuple[Id, ...] = Field(default=(), description="Broader skills or groups (hierarchy).")


class TaughtSkill(StrictModel):
    """A skill a credential teaches, optionally with the level it reaches."""

    skill: Id
    level: str | None = None


class Credential(StrictModel):
    """A badge, certificate, course or programme a learner can earn."""

    id: Id
    alt_ids: tuple[Id, ...] = Field(
        default=(), description="Other ids accepted for this credential (e.g. a CTDL ctid)."
    )
    name: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    kind: CredentialKind = CredentialKind.course
    description: str = ""
    teaches: tuple[TaughtSkill, ...] = ()
    requires: Condition | None = Field(
        default=None,
        description=(
            "Condition tree over skills and credentials that must hold before the credential starts. "
            "The prerequisites of the skills it teaches are added implicitly, except those it teaches itself."
        ),
    )
    hours: float | None = Field(default=None, ge=0, allow_inf_nan=False, description="Expected learning hours.")
    credits: float | None = Field(
        default=None, ge=0, allow_inf_nan=False, description="Academic credits it carries, if stated."
    )
    cost: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    level: Level | None = None
    delivery: Delivery | None = None
    language: str = "en"
    url: str | None = None
    valid_until: dt.date | None = None
    stacks_into: tuple[Id, ...] = Field(default=(), description="Larger credentials this one counts toward.")
    awarded_for: Condition | None = Field(
        default=None,
        description=(
            "Award rule of a stacked credential: a condition tree over credential leaves only (its parts), "
            "e.g. at_least 4 of 6 badges. A stacked credential with no hours and no cost of its own is earned "
            "as soon as the rule holds; one with hours or cost has a capstone, taken once the rule holds."
        ),
    )
    areas: tuple[str, ...] = Field(default=(), description="Career areas, e.g. 'data', 'cybersecurity'.")

    @model_validator(mode="after")
    def _award_rule_over_parts(self) -> Credential:
        if self.awarded_for is None:
            return self
        for leaf in iter_leaves(self.awarded_for):
            if isinstance(leaf, SkillCondition):
                raise ValueError(
                    f"awarded_for of {self.id!r} names skill {leaf.skill!r}; an award rule lists credentials "
                    "(its parts): move skill conditions to 'requires'"
                )
            if leaf.credential == self.id:
                raise ValueError(f"awarded_for of {self.id!r} lists the credential itself as a part; remove it")
        for node in _composites(self.awarded_for):
            parts = requirement_parts(node)
            assert parts is not None
            distinct = len(set(parts.children))
            if parts.needed > distinct:
                raise ValueError(
                    f"awarded_for of {self.id!r} needs {parts.needed} parts but names only {distinct} distinct "
                    "ones; lower the number or list more parts"
                )
        return self

    @property
    def taught_skill_ids(self) -> tuple[str, ...]:
        """Ids of the skills this credential teaches, in catalogue order."""
        return tuple(t.skill for t in self.teaches)

    @property
    def part_ids(self) -> tuple[str, ...]:
        """Ids of the credentials its award rule names (its parts), in rule order; empty unless stacked."""
        if self.awarded_for is None:
            return ()
        return tuple(
            dict.fromkeys(
                leaf.credential for leaf in iter_leaves(self.awarded_for) if isinstance(leaf, CredentialCondition)
            )
        )

    @property
    def earned_by_parts(self) -> bool:
        """A stacked credential with no capstone (no hours, no cost): its parts alone earn it."""
        return self.awarded_for is not None and not self.hours and not self.cost


class Occupation(StrictModel):
    """A job, with the skills it needs (ESCO, O*NET)."""

    id: Id
    label: str = Field(min_length=1)
    alt_labels: tuple[str, ...] = ()
    alt_ids: tuple[Id, ...] = ()
    description: str = ""
    essential_skills: tuple[Id, ...] = ()
    optional_skills: tuple[Id, ...] = ()
    isco_group: str | None = Field(default=None, description="ISCO-08 group code the occupation is filed under.")


class Catalogue(StrictModel):
    """Everything the planner knows: skills, credentials and occupations."""

    format: Literal["credpath-catalogue"] = "credpath-catalogue"
    version: Literal[1] = 1
    name: str = ""
    description: str = ""
    skills: tuple[Skill, ...] = ()
    credentials: tuple[Credential, ...] = ()
    occupations: tuple[Occupation, ...] = ()

    def merged(self, other: Catalogue) -> Catalogue:
        """This catalogue with ``other`` appended; later entries win on equal ids.

        Skills from two sources with the same id are merged: labels and prerequisites combine, so an
        ESCO release and a provider catalogue that both name an ESCO skill describe one skill.
        """
        skills: dict[str, Skill] = {s.id: s for s in self.skills}
        for s in other.skills:
            old = skills.get(s.id)
            skills[s.id] = s if old is None else _merge_skill(old, s)
        creds = {c.id: c for c in self.credentials} | {c.id: c for c in other.credentials}
        occs = {o.id: o for o in self.occupations} | {o.id: o for o in other.occupations}
        names = " + ".join(n for n in (self.name, other.name) if n)
        return Catalogue(
            name=names,
            description=self.description or other.description,
            skills=tuple(skills.values()),
            credentials=tuple(creds.values()),
            occupations=tuple(occs.values()),
        )


def _merge_skill(old: Skill, new: Skill) -> Skill:
    def union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a + b))

    return Skill(
        id=new.id,
        label=new.label or old.label,
        alt_labels=tuple(
            x for x in union((old.label, *old.alt_labels), new.alt_labels) if x != (new.label or old.label)
        ),
        alt_ids=union(old.alt_ids, new.alt_ids),
        description=new.description or old.description,
        prerequisites=union(old.prerequisites, new.prerequisites),
        broader=union(old.broader, new.broader),
    )
