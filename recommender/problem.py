"""A planning request resolved against the catalogue: held items, allowed credentials, reachable targets."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Set
from dataclasses import dataclass, field
from functools import cached_property

from graph.algorithms import Attainable, attainable, dependency_cycles, requirement_closure
from graph.conditions import Leaf
from graph.errors import RequestError
from graph.holdings import Holdings
from graph.model import Kind
from graph.skillgraph import SkillGraph
from recommender.limits import check_deadline, coverage_needed
from recommender.plan import Uncovered, UncoveredReason
from recommender.profile import Constraints, LearnerProfile, Objective, primary_language


@dataclass(frozen=True)
class Target:
    """One thing the learner wants: a skill or a credential id (canonical)."""

    kind: Kind
    id: str

    @property
    def leaf(self) -> Leaf:
        """The target as a ``(kind, id)`` leaf."""
        return (self.kind, self.id)


@dataclass
class PlanProblem:
    """Everything a planner needs, computed once per request and shared by every planner."""

    g: SkillGraph
    profile: LearnerProfile
    targets: tuple[Target, ...]
    holdings: Holdings
    allowed_set: ConstraintFilter
    reach: Attainable
    already_held: tuple[Target, ...] = ()
    coverable: tuple[Target, ...] = ()
    uncovered: list[Uncovered] = field(default_factory=list)

    @property
    def held_credentials(self) -> Set[str]:
        """Ids of the credentials the learner holds."""
        return self.holdings.credentials

    @property
    def held_skills(self) -> Set[str]:
        """Ids of the skills the learner holds, including those their credentials teach."""
        return self.holdings.skills

    def allowed(self, credential_id: str) -> bool:
        """Whether the learner's constraints allow taking this credential at all."""
        return credential_id in self.allowed_set

    @property
    def coverage_needed(self) -> int | None:
        """How many coverable targets ``min_coverage`` asks the plan to reach (None without it)."""
        return coverage_needed(self.profile.constraints, len(self.already_held), len(self.coverable))

    def reached(self, chosen: Set[str]) -> frozenset[Target]:
        """The coverable targets that taking ``chosen`` reaches (a skill one of them teaches, or one of them)."""
        creds = self.g.credentials
        taught = {s for c in chosen if c in creds for s in creds[c].taught_skill_ids}
        return frozenset(t for t in self.coverable if t.id in (taught if t.kind == Kind.skill else chosen))

    def weight(self, credential_id: str) -> float:
        """The credential's contribution to the objective."""
        cred = self.g.credentials[credential_id]
        return (cred.hours or 0.0) if self.profile.objective == Objective.hours else cred.cost

    @cached_property
    def candidates(self) -> tuple[frozenset[str], frozenset[str]]:
        """Reachable credentials and not-held skills that reaching the coverable targets could involve."""
        creds, skills = requirement_closure(
            self.g,
            skills=[t.id for t in self.coverable if t.kind == Kind.skill],
            credentials=[t.id for t in self.coverable if t.kind == Kind.credential],
            allowed=lambda c: c in self.reach.credentials and c not in self.held_credentials,
            held_skills=self.held_skills,
            held_credentials=self.held_credentials,
        )
        return creds, frozenset(s for s in skills if s in self.reach.skills)


class ConstraintFilter:
    """Which credentials the constraints allow on their own: provider, delivery, language, per-item hours and cost.

    Checked lazily per credential, so a plan over a 100k-credential catalogue never scans all of it.
    """

    def __init__(self, g: SkillGraph, c: Constraints) -> None:
        self._g = g
        self._c = c
        self._excluded_providers = {p.casefold() for p in c.exclude_providers}
        self._excluded = set(c.exclude_credentials)
        self._delivery = set(c.delivery)
        self._languages = {primary_language(code) for code in c.languages}
        self._today = c.as_of or dt.date.today()

    def __contains__(self, credential_id: object) -> bool:
        cred = self._g.credentials.get(credential_id) if isinstance(credential_id, str) else None
        if cred is None or cred.id in self._excluded or cred.provider.casefold() in self._excluded_providers:
            return False
        if self._delivery and cred.delivery is not None and cred.delivery not in self._delivery:
            return False
        if self._languages and primary_language(cred.language) not in self._languages:
            return False
        if cred.valid_until is not None and cred.valid_until < self._today:
            return False
        c = self._c
        if c.max_hours is not None and (cred.hours or 0) > c.max_hours:
            return False
        return not (c.max_cost is not None and cred.cost > c.max_cost)


def allowed_credentials(g: SkillGraph, c: Constraints) -> ConstraintFilter:
    """The constraint filter for ``c`` over ``g`` (supports ``credential_id in allowed``)."""
    return ConstraintFilter(g, c)


def prepare(g: SkillGraph, profile: LearnerProfile) -> PlanProblem:
    """Resolve ids, split held items, find what is reachable and explain every unreachable target.

    Raises RequestError for ids the catalogue does not know (with close matches) or no targets.
    """
    profile = resolve_profile(g, profile)
    check_deadline(profile.constraints)
    targets = _resolve_targets(g, profile)
    have = profile.have
    unknown_have = [h for h in have if h not in g.credentials and h not in g.skills and not g.teachers(h)]
    for h in unknown_have:
        _refuse_ambiguous(g, h, (Kind.credential, Kind.skill), "have")
    if unknown_have:
        raise RequestError(
            "unknown held item(s): " + ", ".join(unknown_have),
            field="have",
            fix=_suggest(g, unknown_have[0], (Kind.skill, Kind.credential)),
        )
    holdings = Holdings.from_ids(g, have)
    allowed = allowed_credentials(g, profile.constraints)
    problem = PlanProblem(
        g=g,
        profile=profile,
        targets=targets,
        holdings=holdings,
        allowed_set=allowed,
        reach=_reach_towards(g, targets, holdings, allowed),
    )
    reached = Holdings(problem.reach.credentials, problem.reach.skills)
    held, coverable = [], []
    for t in targets:
        if t.leaf in holdings:
            held.append(t)
        elif t.leaf in reached:
            coverable.append(t)
        else:
            problem.uncovered.append(_why_unreachable(problem, t))
    problem.already_held = tuple(held)
    problem.coverable = tuple(coverable)
    return problem


def _reach_towards(g: SkillGraph, targets: tuple[Target, ...], held: Holdings, allowed: ConstraintFilter) -> Attainable:
    """What is attainable among the credentials that could matter for the targets.

    Exact: every teacher of a skill in the requirement closure is in the closure, so credentials
    outside it can never enable one inside it; restricting first keeps large catalogues fast.
    """
    closure, _ = requirement_closure(
        g,
        skills=[t.id for t in targets if t.kind == Kind.skill],
        credentials=[t.id for t in targets if t.kind == Kind.credential],
        allowed=allowed.__contains__,
        held_skills=held.skills,
        held_credentials=held.credentials,
    )
    return attainable(g, held.credentials, held.skills, allowed=lambda c: c in closure)


def resolve_profile(g: SkillGraph, profile: LearnerProfile) -> LearnerProfile:
    """The profile with every id, alternative id or exact label replaced by the canonical id.

    Unknown names are kept as given, so that the error about them can quote the user's words. With a
    deadline and no ``as_of``, ``as_of`` becomes today, so the plan records the day its weeks count from.
    """
    t = profile.targets
    occupation = g.find(Kind.occupation, t.occupation) or t.occupation if t.occupation else None
    targets = t.model_copy(
        update={
            "skills": tuple(g.find(Kind.skill, s) or s for s in t.skills),
            "credentials": tuple(g.find(Kind.credential, c) or c for c in t.credentials),
            "occupation": occupation,
        }
    )
    have = tuple(dict.fromkeys(g.find(Kind.credential, h) or g.find(Kind.skill, h) or h for h in profile.have))
    c = profile.constraints
    if c.deadline is not None and c.as_of is None:
        c = c.model_copy(update={"as_of": dt.date.today()})
    return profile.model_copy(update={"targets": targets, "have": have, "constraints": c})


def _resolve_targets(g: SkillGraph, profile: LearnerProfile) -> tuple[Target, ...]:
    t = profile.targets
    if t.empty:
        raise RequestError(
            "no target given",
            field="targets",
            fix="name at least one of ${targets.skills}, ${targets.credentials} or ${targets.occupation}",
        )
    out: list[Target] = []
    for ident in t.skills:
        sid = g.find(Kind.skill, ident) or (ident if g.teachers(ident) else None)
        if sid is None:
            _refuse_ambiguous(g, ident, (Kind.skill,), "targets.skills")
            raise RequestError(
                f"unknown skill {ident!r}", field="targets.skills", fix=_suggest(g, ident, (Kind.skill,))
            )
        out.append(Target(Kind.skill, sid))
    for ident in t.credentials:
        cid = g.find(Kind.credential, ident)
        if cid is None:
            _refuse_ambiguous(g, ident, (Kind.credential,), "targets.credentials")
            raise RequestError(
                f"unknown credential {ident!r}",
                field="targets.credentials",
                fix=_suggest(g, ident, (Kind.credential,)),
            )
        out.append(Target(Kind.credential, cid))
    if t.occupation is not None:
        oid = g.find(Kind.occupation, t.occupation)
        if oid is None:
            _refuse_ambiguous(g, t.occupation, (Kind.occupation,), "targets.occupation")
            raise RequestError(
                f"unknown occupation {t.occupation!r}",
                field="targets.occupation",
                fix=_suggest(g, t.occupation, (Kind.occupation,)),
            )
        occ = g.occupations[oid]
        skills = occ.essential_skills + (occ.optional_skills if t.include_optional_skills else ())
        out.extend(Target(Kind.skill, s) for s in skills)
    return tuple(dict.fromkeys(out))


def _refuse_ambiguous(g: SkillGraph, name: str, kinds: tuple[Kind, ...], field: str) -> None:
    """RequestError listing every entry ``name`` labels, when it labels more than one."""
    named = [(kind, ident) for kind in kinds for ident in g.named(kind, name)]
    if len(named) > 1:
        shown = "; ".join(f"{kind} {ident} ({g.label((kind, ident))!r})" for kind, ident in named)
        raise RequestError(
            f"{name!r} is ambiguous: it names {len(named)} entries: {shown}",
            field=field,
            fix="give the id of the one you mean",
        )


def _suggest(g: SkillGraph, ident: str, kinds: tuple[Kind, ...]) -> str:
    """A fix hint naming the closest known entries by name, with their ids."""
    names: dict[str, tuple[Kind, str]] = {}
    for kind in kinds:
        table = g.entries(kind)
        for key in table:
            names.setdefault(key.casefold(), (kind, key))
            names.setdefault(g.label((kind, key)).casefold(), (kind, key))
    close = difflib.get_close_matches(ident.casefold(), list(names), n=5, cutoff=0.6)
    hint = "check the id or name; `credpath search TEXT` finds entries by meaning"
    found = list(dict.fromkeys(names[c] for c in close))[:3]
    if found:
        shown = ", ".join(
            f"{g.label(leaf)!r} ({leaf[1]})" if g.label(leaf) != leaf[1] else repr(leaf[1]) for leaf in found
        )
        return f"did you mean {shown}? Otherwise {hint}"
    return hint


def _why_unreachable(problem: PlanProblem, t: Target) -> Uncovered:
    g = problem.g
    label = g.label(t.leaf)
    if t.kind == Kind.skill:
        teachers = g.teachers(t.id)
        if not teachers:
            return Uncovered(
                target=t.id,
                kind=t.kind,
                reason=UncoveredReason.nothing_teaches,
                detail=f"no credential in the catalogue teaches {label!r}",
            )
        if not any(problem.allowed(c) for c in teachers):
            return Uncovered(
                target=t.id,
                kind=t.kind,
                reason=UncoveredReason.excluded_by_constraints,
                detail=f"every credential that teaches {label!r} is excluded by your constraints "
                f"(provider, delivery, {_language_words(problem)}per-item hours or cost, or no longer offered): "
                f"{', '.join(teachers)}",
            )
    elif not problem.allowed(t.id):
        return Uncovered(
            target=t.id,
            kind=t.kind,
            reason=UncoveredReason.excluded_by_constraints,
            detail=f"{label!r} is excluded by your constraints (provider, delivery, {_language_words(problem)}hours "
            "or cost)",
        )
    creds, skills = requirement_closure(
        g,
        skills=[t.id] if t.kind == Kind.skill else [],
        credentials=[t.id] if t.kind == Kind.credential else [],
        allowed=problem.allowed,
        held_skills=problem.held_skills,
        held_credentials=problem.held_credentials,
    )
    blocked = {(Kind.credential, c) for c in creds if c not in problem.reach.credentials}
    blocked |= {(Kind.skill, s) for s in skills if s not in problem.reach.skills}
    cycles = dependency_cycles(g, blocked)
    if cycles:
        cycle = tuple(i for _, i in cycles[0])
        shown = " -> ".join(g.label(n) for n in [*cycles[0], cycles[0][0]])
        return Uncovered(
            target=t.id,
            kind=t.kind,
            reason=UncoveredReason.prerequisite_cycle,
            detail=f"{label!r} is blocked by a prerequisite cycle: {shown}",
            cycle=cycle,
        )
    unmet = sorted(
        ident
        for kind, ident in blocked
        if kind == Kind.skill and not any(problem.allowed(c) for c in g.teachers(ident))
    )
    return Uncovered(
        target=t.id,
        kind=t.kind,
        reason=UncoveredReason.unsatisfiable_prerequisites,
        detail=f"{label!r} needs prerequisites that nothing available teaches: "
        + (", ".join(g.label((Kind.skill, s)) for s in unmet) or "see `credpath validate`"),
        unmet=tuple(unmet),
    )


def _language_words(problem: PlanProblem) -> str:
    """``"language (en, fr), "`` when the learner limits languages, else nothing (the reasons name what applies)."""
    codes = problem.profile.constraints.languages
    return f"language ({', '.join(codes)}), " if codes else ""
