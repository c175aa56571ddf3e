"""Catalogue validation: every problem with its location, never just the first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from graph.algorithms import attainable, dependency_cycles, skill_prerequisite_cycles
from graph.conditions import Leaf, leaves
from graph.holdings import Holdings
from graph.model import Credential, Kind, Occupation, Skill
from graph.skillgraph import SkillGraph
from graph.stacks import part_cycles

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalogue: what, where (a JSON pointer into the catalogue), how to fix."""

    code: str
    severity: str
    pointer: str
    message: str
    fix: str
    nodes: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        return f"{self.severity}: {self.pointer}: {self.message} (fix: {self.fix})"


def validate(g: SkillGraph) -> list[Problem]:
    """Every problem in the catalogue: duplicate ids, unknown references, cycles, unsatisfiable credentials.

    Errors make plans impossible or wrong; warnings are worth fixing but planning still works.

    Examples
    --------
    >>> from graph.model import Catalogue, Credential, Skill, TaughtSkill
    >>> cat = Catalogue(skills=(Skill(id="a", label="A", prerequisites=("b",)),
    ...     Skill(id="b", label="B", prerequisites=("a",))),
    ...     credentials=(Credential(id="c", name="C", provider="P", hours=1,
    ...                             teaches=(TaughtSkill(skill="x"), TaughtSkill(skill="a"))),))
    >>> for p in validate(SkillGraph(cat)):
    ...     print(p.code, p.pointer)
    unknown_reference /credentials/0/teaches/0/skill
    prerequisite_cycle /skills/0/prerequisites
    unsatisfiable /credentials/0
    """
    cat = g.catalogue
    problems: list[Problem] = []
    problems += _duplicates(g)
    problems += _unknown_references(g)
    index = {s.id: i for i, s in reversed(list(enumerate(cat.skills)))}
    for cycle in skill_prerequisite_cycles(g):
        shown = " -> ".join([*cycle, cycle[0]])
        problems.append(
            Problem(
                "prerequisite_cycle",
                ERROR,
                f"/skills/{index[cycle[0]]}/prerequisites",
                f"skill prerequisites form a cycle: {shown}",
                "remove one prerequisite link on the cycle",
                tuple(cycle),
            )
        )
    position = {c.id: i for i, c in reversed(list(enumerate(cat.credentials)))}
    for cycle in part_cycles(g):
        shown = " -> ".join([*cycle, cycle[0]])
        problems.append(
            Problem(
                "part_cycle",
                ERROR,
                f"/credentials/{position[cycle[0]]}/awarded_for",
                f"stacked credentials are parts of each other: {shown}",
                "remove one credential from an award rule on the cycle",
                tuple(cycle),
            )
        )
    problems += _unsatisfiable(g)
    problems += _incomplete_facts(g)
    return problems


def _incomplete_facts(g: SkillGraph) -> list[Problem]:
    """Facts the planner needs to compare credentials fairly: hours, and one currency."""
    out = []
    for i, c in enumerate(g.catalogue.credentials):
        if c.hours is None and not c.earned_by_parts:
            out.append(
                Problem(
                    "missing_hours",
                    WARNING,
                    f"/credentials/{i}/hours",
                    f"credential {c.id!r} states no hours; plans count it as 0 hours",
                    "add the expected learning hours",
                    (c.id,),
                )
            )
    currencies = sorted({c.currency for c in g.catalogue.credentials if c.cost})
    if len(currencies) > 1:
        out.append(
            Problem(
                "mixed_currency",
                WARNING,
                "/credentials",
                f"costs are in several currencies ({', '.join(currencies)}); total costs add them as they are",
                "convert costs to one currency",
                tuple(currencies),
            )
        )
    return out


def _duplicates(g: SkillGraph) -> list[Problem]:
    cat = g.catalogue
    out = []
    sections: list[tuple[str, Sequence[Skill | Credential | Occupation]]] = [
        ("skills", cat.skills),
        ("credentials", cat.credentials),
        ("occupations", cat.occupations),
    ]
    for section, entries in sections:
        first: dict[str, int] = {}
        for i, e in enumerate(entries):
            if e.id in first:
                out.append(
                    Problem(
                        "duplicate_id",
                        ERROR,
                        f"/{section}/{i}/id",
                        f"id {e.id!r} is already used by /{section}/{first[e.id]}; plans would use that one",
                        "give each entry its own id",
                        (e.id,),
                    )
                )
            first.setdefault(e.id, i)
    clash = set(g.skills) & set(g.credentials)
    for ident in sorted(clash):
        i = next(i for i, c in enumerate(cat.credentials) if c.id == ident)
        out.append(
            Problem(
                "ambiguous_id",
                WARNING,
                f"/credentials/{i}/id",
                f"id {ident!r} names both a skill and a credential; --have {ident} means the credential",
                "use distinct ids for skills and credentials",
                (ident,),
            )
        )
    return out


def _unknown_references(g: SkillGraph) -> list[Problem]:
    cat = g.catalogue
    out: list[Problem] = []

    def unknown(pointer: str, kind: Kind, ident: str, severity: str = ERROR) -> None:
        if ident not in g.entries(kind):
            out.append(
                Problem(
                    "unknown_reference",
                    severity,
                    pointer,
                    f"refers to unknown {kind} {ident!r}",
                    f"define {kind} {ident!r} in a catalogue file, or correct the id",
                    (ident,),
                )
            )

    for i, s in enumerate(cat.skills):
        for j, p in enumerate(s.prerequisites):
            unknown(f"/skills/{i}/prerequisites/{j}", Kind.skill, p)
        for j, b in enumerate(s.broader):
            unknown(f"/skills/{i}/broader/{j}", Kind.skill, b, WARNING)
    for i, c in enumerate(cat.credentials):
        for j, t in enumerate(c.teaches):
            unknown(f"/credentials/{i}/teaches/{j}/skill", Kind.skill, t.skill)
        for kind, ident in leaves(c.requires):
            unknown(f"/credentials/{i}/requires", kind, ident)
        for kind, ident in leaves(c.awarded_for):
            unknown(f"/credentials/{i}/awarded_for", kind, ident)
        for j, big in enumerate(c.stacks_into):
            unknown(f"/credentials/{i}/stacks_into/{j}", Kind.credential, big, WARNING)
    for i, o in enumerate(cat.occupations):
        for j, sid in enumerate(o.essential_skills):
            unknown(f"/occupations/{i}/essential_skills/{j}", Kind.skill, sid)
        for j, sid in enumerate(o.optional_skills):
            unknown(f"/occupations/{i}/optional_skills/{j}", Kind.skill, sid)
    return out


def _unsatisfiable(g: SkillGraph) -> list[Problem]:
    """Credentials nothing in the catalogue lets anyone start, with the reason."""
    reach = attainable(g)
    blocked = [c for c in g.credentials if c not in reach.credentials]
    if not blocked:
        return []
    blocked_nodes: set[Leaf] = {(Kind.credential, c) for c in blocked}
    blocked_nodes |= {(Kind.skill, s) for s in g.skills if s not in reach.skills}
    cycle_of: dict[str, list[Leaf]] = {}
    for cycle in dependency_cycles(g, blocked_nodes):
        for kind, ident in cycle:
            if kind == Kind.credential:
                cycle_of.setdefault(ident, cycle)
    position = {c.id: i for i, c in reversed(list(enumerate(g.catalogue.credentials)))}
    reached = Holdings(reach.credentials, reach.skills)
    out = []
    for cid in sorted(blocked, key=lambda c: position[c]):
        missing = [leaf for leaf in g.requirement_leaves(cid) if leaf not in reached]
        if cid in cycle_of:
            cycle = cycle_of[cid]
            shown = " -> ".join(f"{k} {i}" for k, i in [*cycle, cycle[0]])
            message = f"can never start: its requirements depend on itself ({shown})"
            fix = "break the cycle by removing one requirement or prerequisite on it"
            nodes = tuple(i for _, i in cycle)
        else:
            names = ", ".join(f"{k} {i}" for k, i in missing)
            message = f"no credential in the catalogue can satisfy its requirements; unmet: {names}"
            fix = (
                "add credentials that teach the unmet skills, or relax the requirement "
                "(learners who hold them can still take it)"
            )
            nodes = tuple(i for _, i in missing)
        out.append(Problem("unsatisfiable", ERROR, f"/credentials/{position[cid]}", message, fix, nodes))
    return out
