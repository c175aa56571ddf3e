"""The plan verifier: one independent check that every plan, whoever made it, is sound.

Each check is a small named function of a ``Subject`` (the catalogue, the learner's resolved profile and the
plan's claims) returning its findings, or None when it does not apply (and so did not run). ``CHECKS`` lists
them in the order they run: adding a check is writing one function and naming it there.

The checks of order and prerequisites live here; those of what a person reads on a step in
``step_checks``, those of plan-wide fields (version, request, targets, quality) in ``plan_checks``, and the
``Subject`` in ``subject``. A check of a plan-wide field reads ``s.pathway`` and returns None without it
(an alternative is checked as a Subject of its own, without ``pathway``). Nothing a plan says is trusted:
every field is re-derived from the catalogue and the plan's request, and a field that is derived from
others (weeks, stages, teaches, totals, quality, alternatives' differences) must equal its derivation.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.conditions import describe, is_met, witness
from graph.model import Kind
from graph.skillgraph import SkillGraph
from graph.stacks import earned_along
from recommender.badge_checks import badge_claims
from recommender.limit_checks import meets_deadline, min_coverage_met
from recommender.plan import Finding, MetBy, Pathway, Step, Verification
from recommender.plan_checks import (
    coverage_claims,
    quality_consistent,
    request_known,
    schema_version_known,
    target_ids,
    uncovered_reasons,
)
from recommender.problem import allowed_credentials, resolve_profile
from recommender.profile import LearnerProfile
from recommender.reach import reach_claims
from recommender.step_checks import display_matches_catalogue, schedule_matches, teaches_what_is_needed
from recommender.subject import TOLERANCE, Check, Subject, agrees, at, plan_finding

__all__ = ["CHECKS", "Check", "Subject", "target_ids", "verify", "verify_steps"]


def credentials_exist(s: Subject) -> list[Finding]:
    return [
        at(
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
            out.append(at("no_repeats", n, step, "credential_id", "appears more than once", "drop the repeated step"))
        seen.add(step.credential_id)
    return out


def not_already_held(s: Subject) -> list[Finding]:
    return [
        at("not_already_held", n, step, "credential_id", "the learner already holds it", "drop the step")
        for n, step in s.known()
        if step.credential_id in s.held.credentials
    ]


def allowed_by_constraints(s: Subject) -> list[Finding]:
    allowed = allowed_credentials(s.g, s.profile.constraints)
    return [
        at(
            "allowed_by_constraints",
            n,
            step,
            "credential_id",
            "excluded by the learner's constraints (provider, delivery, language, hours or cost)",
            "choose a credential from an allowed provider, delivery mode and language, within the per-credential "
            "limits",
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
                at(
                    "prerequisites_first",
                    n,
                    step,
                    "credential_id",
                    f"starts before its requirements are met: needs {describe(requirement, s.g.label)}",
                    "take credentials that meet these requirements in earlier steps, or move this step later",
                )
            )
    return out


def _claim_problem(s: Subject, n: int, claim: MetBy) -> str | None:
    """What is false in one requirements_met_by claim of step ``n``, or None when it is the true statement."""
    leaf = (claim.kind, claim.requirement)
    if leaf in s.held:
        via = s.held.granted_via.get(claim.requirement) if claim.kind == Kind.skill else None
        if claim.source != "held":
            return f"the learner holds {claim.requirement}, so its source is 'held', not {claim.source!r}"
        if claim.step is not None or claim.via != via:
            return f"held {claim.requirement} is " + (f"granted via {via}" if via else "held directly")
        return None
    if claim.source == "held":
        return f"claims {claim.requirement} is met by held but the learner does not hold it"
    provider = s.first_provider.get(leaf)
    if claim.source != "step" or provider is None or provider >= n:
        return f"claims {claim.requirement} is met by {claim.source} {claim.step or ''} but no earlier step provides it"
    if claim.step != provider or claim.via is not None:
        return f"claims {claim.requirement} is met by step {claim.step}; step {provider} is the first to provide it"
    return None


def requirements_met_by_claims(s: Subject) -> list[Finding]:
    """Every claim is true: the held item is held, the named step is the first earlier step providing it."""
    out = []
    for n, step in s.known():
        for j, claim in enumerate(step.requirements_met_by):
            problem = _claim_problem(s, n, claim)
            if problem is not None:
                out.append(
                    at(
                        "requirements_met_by_claims",
                        n,
                        step,
                        f"requirements_met_by/{j}",
                        problem,
                        "name the held item (with the held credential that grants it) or the first earlier "
                        "step that meets the requirement",
                    )
                )
    return out


def requirements_met_by_complete(s: Subject) -> list[Finding]:
    """The claims are exactly a witness of the step's requirement: nothing the plan relies on is left unclaimed."""
    out = []
    for n, step in s.known():
        requirement = s.g.effective_requirement(step.credential_id)
        claimed = [(c.kind, c.requirement) for c in step.requirements_met_by]
        used = witness(requirement, set(claimed).__contains__)
        if used != claimed:
            problem = (
                "its claims do not meet the requirement"
                if used is None
                else "claims items the requirement does not use, or repeats one"
            )
            out.append(
                at(
                    "requirements_met_by_complete",
                    n,
                    step,
                    "requirements_met_by",
                    f"{problem}: it needs {describe(requirement, s.g.label)}",
                    "list, in the requirement's order, each item that meets it and what provides that item",
                )
            )
    return out


def stages_consistent(s: Subject) -> list[Finding]:
    out = []
    for n, step in enumerate(s.steps, start=1):
        if step.index != n:
            out.append(
                at("stages_consistent", n, step, "index", f"index is {step.index}, expected {n}", f"set it to {n}")
            )
    for n, step in s.known():
        relied = [
            s.steps[c.step - 1].stage
            for c in step.requirements_met_by
            if c.source == "step" and c.step is not None and 0 < c.step < n
        ]
        expected = max(relied, default=0) + 1
        if step.stage != expected:
            out.append(
                at(
                    "stages_consistent",
                    n,
                    step,
                    "stage",
                    f"stage is {step.stage}, but by the steps its requirements_met_by relies on it is {expected}",
                    f"set it to {expected}",
                )
            )
        if n > 1 and step.stage < s.steps[n - 2].stage:
            out.append(
                at(
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
    for name, claimed, actual in (("total_hours", s.total_hours, s.hours), ("total_cost", s.total_cost, s.cost)):
        if claimed is not None and abs(claimed - actual) > TOLERANCE:
            out.append(
                plan_finding(
                    "totals_match",
                    f"/{name}",
                    f"{name} is {claimed:g} but the steps add up to {actual:g}",
                    f"set {name} to {actual:g}",
                )
            )
    if s.pathway is not None:
        currencies = {step.currency for step in s.steps}
        currency = currencies.pop() if len(currencies) == 1 else "USD"
        if s.pathway.currency != currency:
            out.append(
                plan_finding(
                    "totals_match",
                    "/currency",
                    f"currency is {s.pathway.currency} but the steps are priced in {currency}",
                    f"set currency to {currency}",
                )
            )
    return out


def within_budget(s: Subject) -> list[Finding]:
    c = s.profile.constraints
    out = []
    if c.max_hours is not None and s.hours > c.max_hours + TOLERANCE:
        out.append(
            plan_finding(
                "within_budget",
                "/total_hours",
                f"total hours {s.hours:g} exceed max_hours {c.max_hours:g}",
                "drop or replace steps, reporting the targets that no longer fit as over budget",
            )
        )
    if c.max_cost is not None and s.cost > c.max_cost + TOLERANCE:
        out.append(
            plan_finding(
                "within_budget",
                "/total_cost",
                f"total cost {s.cost:g} exceeds max_cost {c.max_cost:g}",
                "drop or replace steps, reporting the targets that no longer fit as over budget",
            )
        )
    return out


def alternatives_sound(s: Subject) -> list[Finding] | None:
    """Each alternative passes every step check, and its totals, objective value, added and removed are true."""
    if s.pathway is None:
        return None
    main = set(s.pathway.credential_ids)
    objective = s.profile.objective.value
    reach = len(s.covered or ())
    best = s.pathway.quality.value if s.pathway.optimal else None
    seen = [frozenset(main)]
    out = []
    for i, alt in enumerate(s.pathway.alternatives):
        sub = Subject(s.g, s.profile, alt.steps, alt.total_hours, alt.total_cost)
        found = [f for check in CHECKS for f in (check(sub) or [])]
        ids = {step.credential_id for step in alt.steps}
        value = sub.hours if objective == "hours" else sub.cost
        reached = sub.before[-1]
        covers = sum((Kind.skill, t) in reached or (Kind.credential, t) in reached for t in target_ids(s.g, s.profile))
        derived: list[tuple[str, object, object]] = [
            ("objective_value", alt.objective_value, round(value, 6)),
            ("added", alt.added, tuple(sorted(ids - main))),
            ("removed", alt.removed, tuple(sorted(main - ids))),
        ]
        for field, shown, expected in derived:
            if not agrees(shown, expected):
                found.append(
                    plan_finding(
                        "alternatives_sound",
                        f"/{field}",
                        f"{field} is {shown!r} but the steps give {expected!r}",
                        f"set {field} to {expected!r}",
                    )
                )
        if frozenset(ids) in seen:
            found.append(
                plan_finding(
                    "alternatives_sound",
                    "/steps",
                    "takes the same credentials as the plan or an earlier alternative",
                    "drop the repeated alternative",
                )
            )
        seen.append(frozenset(ids))
        if best is not None and value < best - TOLERANCE * max(1.0, abs(best)):
            found.append(
                plan_finding(
                    "alternatives_sound",
                    "/objective_value",
                    f"total {objective} {value:g} beats the optimal {best:g} of the plan",
                    "drop the alternative, or do not claim the plan optimal",
                )
            )
        if covers < reach:
            found.append(
                plan_finding(
                    "alternatives_sound",
                    "/steps",
                    f"reaches {covers} target(s), fewer than the {reach} the plan covers",
                    "drop the alternative, or add steps so it reaches as many targets",
                )
            )
        out += [
            f.model_copy(
                update={"pointer": f"/alternatives/{i}{f.pointer}", "message": f"alternative {i + 1}: {f.message}"}
            )
            for f in found
        ]
    return out


def earned_claims(s: Subject) -> list[Finding] | None:
    """Each stacked credential claimed earned on the way is earned by its parts after that step, and none is missed."""
    if s.pathway is None:
        return None
    order = [step.credential_id for step in s.steps]
    truth = {e.credential_id: e for e in earned_along(s.g, s.held, order)}
    out = []
    for i, claim in enumerate(s.pathway.earned):
        real = truth.get(claim.credential_id)
        cred = s.g.credentials.get(claim.credential_id)
        if real is None:
            why = (
                "is not in the catalogue"
                if cred is None
                else "has no award rule of its own"
                if cred.awarded_for is None
                else "has a capstone (hours or cost of its own), so it needs a step"
                if not cred.earned_by_parts
                else "is held already or is a step"
                if cred.id in s.held.credentials or cred.id in order
                else f"is not earned: its award rule needs {describe(cred.awarded_for, s.g.label)}"
            )
            out.append(
                plan_finding(
                    "earned_claims",
                    f"/earned/{i}",
                    f"{claim.credential_id} is claimed earned on the way but {why}",
                    "list only stacked credentials whose award rule the steps and held credentials meet",
                )
            )
            continue
        if claim.after_step != real.after_step:
            out.append(
                plan_finding(
                    "earned_claims",
                    f"/earned/{i}/after_step",
                    f"{claim.credential_id} is earned after step {real.after_step}, not {claim.after_step}",
                    f"set after_step to {real.after_step}",
                )
            )
        if claim.via != real.via:
            out.append(
                plan_finding(
                    "earned_claims",
                    f"/earned/{i}/via",
                    f"{claim.credential_id} is earned via {', '.join(real.via) or 'held credentials'}, "
                    f"not {', '.join(claim.via) or 'nothing'}",
                    f"set via to {list(real.via)}: the steps, in order, that meet its award rule",
                )
            )
        assert cred is not None
        for name, shown, truth_value in (("name", claim.name, cred.name), ("provider", claim.provider, cred.provider)):
            if shown != truth_value:
                out.append(
                    plan_finding(
                        "earned_claims",
                        f"/earned/{i}/{name}",
                        f"{claim.credential_id}: {name} is {shown!r}, the catalogue says {truth_value!r}",
                        f"copy the {name} from the catalogue",
                    )
                )
    claimed = {e.credential_id for e in s.pathway.earned}
    out += [
        plan_finding(
            "earned_claims",
            "/earned",
            f"{cid} is earned after step {e.after_step} but not listed as earned on the way",
            "list it in earned",
        )
        for cid, e in truth.items()
        if cid not in claimed
    ]
    return out


CHECKS: tuple[Check, ...] = (
    schema_version_known,
    request_known,
    credentials_exist,
    no_repeats,
    not_already_held,
    allowed_by_constraints,
    prerequisites_first,
    requirements_met_by_claims,
    requirements_met_by_complete,
    stages_consistent,
    display_matches_catalogue,
    teaches_what_is_needed,
    schedule_matches,
    totals_match,
    within_budget,
    meets_deadline,
    coverage_claims,
    min_coverage_met,
    uncovered_reasons,
    quality_consistent,
    alternatives_sound,
    earned_claims,
    reach_claims,
    badge_claims,
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
    pathway: Pathway | None = None,
) -> Verification:
    """Check an ordered list of steps against the catalogue and the learner's profile.

    Re-derives everything from the catalogue: it trusts nothing the planner says about itself. With
    ``pathway``, the checks of plan-wide fields (version, quality, uncovered reasons, alternatives) run too.
    """
    subject = Subject(g, resolve_profile(g, profile), steps, total_hours, total_cost, covered, uncovered, pathway)
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
    """Verify a whole Pathway: every field a person reads, its request, steps, totals, coverage and quality."""
    return verify_steps(
        g,
        pathway.request,
        pathway.steps,
        total_hours=pathway.total_hours,
        total_cost=pathway.total_cost,
        covered=pathway.covered,
        uncovered=[u.target for u in pathway.uncovered],
        pathway=pathway,
    )
