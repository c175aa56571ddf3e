"""The plan verifier: one independent check that every plan, whoever made it, is sound.

Each check is a small named function of a ``Subject`` (the catalogue, the learner's resolved profile and the
plan's claims) returning its findings, or None when it does not apply (and so did not run). ``CHECKS`` lists
them in the order they run: adding a check is writing one function and naming it there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from graph.conditions import describe, is_met
from graph.holdings import Holdings
from graph.model import Kind
from graph.skillgraph import SkillGraph
from recommender.plan import Finding, MetBy, Pathway, Step, Verification
from recommender.problem import allowed_credentials, resolve_profile
from recommender.profile import LearnerProfile

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Subject:
    """What every check sees. Nothing here comes from the planner except the plan's own claims."""

    g: SkillGraph
    profile: LearnerProfile
    steps: Sequence[Step]
    total_hours: float | None = None
    total_cost: float | None = None
    covered: Sequence[str] | None = None
    uncovered: Sequence[str] = ()

    @cached_property
    def held(self) -> Holdings:
        """What the learner holds (held credentials grant their skills)."""
        return Holdings.from_ids(self.g, self.profile.have)

    @cached_property
    def before(self) -> list[Holdings]:
        """What is held before each step (index 0 = before step 1), then after the last."""
        have = self.held.copy()
        out = [have.copy()]
        for step in self.steps:
            if step.credential_id in self.g.credentials:
                have.gain(self.g, step.credential_id)
            out.append(have.copy())
        return out

    def known(self) -> list[tuple[int, Step]]:
        """(1-based index, step) for every step whose credential is in the catalogue."""
        return [(n, s) for n, s in enumerate(self.steps, start=1) if s.credential_id in self.g.credentials]

    @property
    def hours(self) -> float:
        return sum(float(self.g.credentials[s.credential_id].hours or 0.0) for _, s in self.known())

    @property
    def cost(self) -> float:
        return sum(self.g.credentials[s.credential_id].cost for _, s in self.known())


Check = Callable[[Subject], list[Finding] | None]


def _at(check: str, n: int, step: Step, field: str, problem: str, fix: str) -> Finding:
    return Finding(
        check=check,
        pointer=f"/steps/{n - 1}/{field}",
        message=f"step {n} ({step.credential_id}): {problem}",
        fix=fix,
        step=n,
    )


def credentials_exist(s: Subject) -> list[Finding]:
    return [
        _at(
            "credentials_exist",
            n,
            step,
            "credential_id",
            "no such credential in the catalogue",
            "use the id of a credential in this catalogue",
        )
        for n, step in enumerate(s.steps, start=1)
        if step.credential_id not in s.g.credentials
    ]


def no_repeats(s: Subject) -> list[Finding]:
    seen: set[str] = set()
    out = []
    for n, step in s.known():
        if step.credential_id in seen:
            out.append(_at("no_repeats", n, step, "credential_id", "appears more than once", "drop the repeated step"))
        seen.add(step.credential_id)
    return out


def not_already_held(s: Subject) -> list[Finding]:
    return [
        _at("not_already_held", n, step, "credential_id", "the learner already holds it", "drop the step")
        for n, step in s.known()
        if step.credential_id in s.held.credentials
    ]


def allowed_by_constraints(s: Subject) -> list[Finding]:
    allowed = allowed_credentials(s.g, s.profile.constraints)
    return [
        _at(
            "allowed_by_constraints",
            n,
            step,
            "credential_id",
            "excluded by the learner's constraints (provider, delivery, hours or cost)",
            "choose a credential from an allowed provider and delivery mode, within the per-credential limits",
        )
        for n, step in s.known()
        if step.credential_id not in allowed
    ]


def prerequisites_first(s: Subject) -> list[Finding]:
    out = []
    for n, step in s.known():
        requirement = s.g.effective_requirement(step.credential_id)
        if not is_met(requirement, s.before[n - 1].__contains__):
            out.append(
                _at(
                    "prerequisites_first",
                    n,
                    step,
                    "credential_id",
                    f"starts before its requirements are met: needs {describe(requirement, s.g.label)}",
                    "take credentials that meet these requirements in earlier steps, or move this step later",
                )
            )
    return out


def _claim_holds(s: Subject, n: int, claim: MetBy) -> bool:
    if claim.source == "held":
        return (claim.kind, claim.requirement) in s.held
    earlier = s.steps[claim.step - 1] if claim.step and 0 < claim.step < n else None
    if earlier is None:
        return False
    if claim.kind == Kind.credential:
        return earlier.credential_id == claim.requirement
    cred = s.g.credentials.get(earlier.credential_id)
    return cred is not None and claim.requirement in cred.taught_skill_ids


def requirements_met_by_claims(s: Subject) -> list[Finding]:
    return [
        Finding(
            check="requirements_met_by_claims",
            pointer=f"/steps/{n - 1}/requirements_met_by/{j}",
            message=f"step {n} ({step.credential_id}): claims {claim.requirement} is met by "
            f"{claim.source} {claim.step or ''} but it is not",
            fix="name the held item or the earlier step that really meets the requirement",
            step=n,
        )
        for n, step in s.known()
        for j, claim in enumerate(step.requirements_met_by)
        if not _claim_holds(s, n, claim)
    ]


def stages_consistent(s: Subject) -> list[Finding]:
    out = []
    for n, step in enumerate(s.steps, start=1):
        if step.index != n:
            out.append(
                _at("stages_consistent", n, step, "index", f"index is {step.index}, expected {n}", f"set it to {n}")
            )
    for n, step in s.known():
        for claim in step.requirements_met_by:
            if claim.source == "step" and _claim_holds(s, n, claim) and claim.step is not None:
                earlier = s.steps[claim.step - 1]
                if earlier.stage >= step.stage:
                    out.append(
                        _at(
                            "stages_consistent",
                            n,
                            step,
                            "stage",
                            f"stage {step.stage} relies on step {earlier.index} of the same or a later stage",
                            f"put this step in a stage after {earlier.stage}",
                        )
                    )
        if n > 1 and step.stage < s.steps[n - 2].stage:
            out.append(
                _at(
                    "stages_consistent",
                    n,
                    step,
                    "stage",
                    f"stage {step.stage} comes after stage {s.steps[n - 2].stage}",
                    "order the steps by stage",
                )
            )
    return out


def totals_match(s: Subject) -> list[Finding]:
    out = []
    for n, step in s.known():
        cred = s.g.credentials[step.credential_id]
        if abs(step.hours - float(cred.hours or 0.0)) > TOLERANCE or abs(step.cost - cred.cost) > TOLERANCE:
            out.append(
                _at(
                    "totals_match",
                    n,
                    step,
                    "hours",
                    "hours or cost differ from the catalogue",
                    "copy hours and cost from the catalogue",
                )
            )
    for name, claimed, actual in (("total_hours", s.total_hours, s.hours), ("total_cost", s.total_cost, s.cost)):
        if claimed is not None and abs(claimed - actual) > TOLERANCE:
            out.append(
                Finding(
                    check="totals_match",
                    pointer=f"/{name}",
                    message=f"{name} is {claimed:g} but the steps add up to {actual:g}",
                    fix=f"set {name} to {actual:g}",
                )
            )
    return out


def within_budget(s: Subject) -> list[Finding]:
    c = s.profile.constraints
    out = []
    if c.max_hours is not None and s.hours > c.max_hours + TOLERANCE:
        out.append(
            Finding(
                check="within_budget",
                pointer="/total_hours",
                message=f"total hours {s.hours:g} exceed max_hours {c.max_hours:g}",
                fix="drop or replace steps, reporting the targets that no longer fit as over budget",
            )
        )
    if c.max_cost is not None and s.cost > c.max_cost + TOLERANCE:
        out.append(
            Finding(
                check="within_budget",
                pointer="/total_cost",
                message=f"total cost {s.cost:g} exceeds max_cost {c.max_cost:g}",
                fix="drop or replace steps, reporting the targets that no longer fit as over budget",
            )
        )
    return out


def coverage_claims(s: Subject) -> list[Finding] | None:
    """Covered targets are really reached, and every target is either covered or reported uncovered."""
    if s.covered is None:
        return None
    reached = s.before[-1]
    out = [
        Finding(
            check="coverage_claims",
            pointer=f"/covered/{i}",
            message=f"target {t} is claimed covered but no step or held item provides it",
            fix="add a step that teaches or awards it, or report it uncovered",
        )
        for i, t in enumerate(s.covered)
        if (Kind.skill, t) not in reached and (Kind.credential, t) not in reached
    ]
    out += [
        Finding(
            check="coverage_claims",
            pointer=f"/uncovered/{i}",
            message=f"target {t} is listed as both covered and uncovered",
            fix="list it in one of the two",
        )
        for i, t in enumerate(s.uncovered)
        if t in s.covered
    ]
    out += [
        Finding(
            check="coverage_claims",
            pointer="/covered",
            message=f"target {t} is neither covered nor reported uncovered",
            fix="cover it, or report it uncovered with the reason",
        )
        for t in target_ids(s.g, s.profile)
        if t not in s.covered and t not in s.uncovered
    ]
    return out


CHECKS: tuple[Check, ...] = (
    credentials_exist,
    no_repeats,
    not_already_held,
    allowed_by_constraints,
    prerequisites_first,
    requirements_met_by_claims,
    stages_consistent,
    totals_match,
    within_budget,
    coverage_claims,
)
"""Every check, in the order it runs; its function name is its name in ``Verification.checks``."""


def verify_steps(
    g: SkillGraph,
    profile: LearnerProfile,
    steps: Sequence[Step],
    *,
    total_hours: float | None = None,
    total_cost: float | None = None,
    covered: Sequence[str] | None = None,
    uncovered: Sequence[str] = (),
) -> Verification:
    """Check an ordered list of steps against the catalogue and the learner's profile.

    Re-derives everything from the catalogue: it trusts nothing the planner says about itself.
    """
    subject = Subject(g, resolve_profile(g, profile), steps, total_hours, total_cost, covered, uncovered)
    ran: list[str] = []
    findings: list[Finding] = []
    for check in CHECKS:
        found = check(subject)
        if found is not None:
            ran.append(check.__name__)
            findings += found
    return Verification(
        valid=not findings,
        checks=tuple(ran),
        problems=tuple(f.message for f in findings),
        findings=tuple(findings),
    )


def verify(g: SkillGraph, pathway: Pathway) -> Verification:
    """Verify a whole Pathway (its request, steps, totals and coverage claims)."""
    return verify_steps(
        g,
        pathway.request,
        pathway.steps,
        total_hours=pathway.total_hours,
        total_cost=pathway.total_cost,
        covered=pathway.covered,
        uncovered=[u.target for u in pathway.uncovered],
    )


def target_ids(g: SkillGraph, profile: LearnerProfile) -> list[str]:
    """Every target id the profile names, an occupation's skills included (as the profile resolves them)."""
    t = profile.targets
    ids = list(t.skills) + list(t.credentials)
    occ = g.occupations.get(t.occupation) if t.occupation else None
    if occ is not None:
        ids += list(occ.essential_skills) + (list(occ.optional_skills) if t.include_optional_skills else [])
    return ids
