"""From a planner to a verified Pathway: the repair rounds, the exact stand-in, and each proposal assembled."""

from __future__ import annotations

import logging

from graph.errors import InfeasiblePlanError, PlanVerificationError
from graph.skillgraph import SkillGraph
from recommender.build import (
    PENDING,
    build_steps,
    covered_targets,
    earned_on_the_way,
    explanation,
    objective_value,
    totals,
)
from recommender.plan import Alternative, LLMRun, Pathway, Understood, Verification
from recommender.planners import ExactPlanner, Planner, Proposal
from recommender.problem import PlanProblem
from recommender.reach import occupation_reach
from recommender.verify import target_ids, verify, verify_steps

log = logging.getLogger(__name__)


def verified_pathway(
    g: SkillGraph,
    p: PlanProblem,
    asked: Planner,
    *,
    rounds: int,
    alternatives: int,
    time_limit: float,
    understood: Understood | None,
) -> Pathway:
    """The first of ``asked``'s proposals that passes the verifier, else the exact planner's plan with why.

    A proposal that fails verification goes back to its planner with the findings, for up to ``rounds``
    proposals (the exact planner gets one: an unsound exact plan is a bug and raises PlanVerificationError).
    """
    exact = isinstance(asked, ExactPlanner)
    rounds = 1 if exact else rounds
    feedback: Verification | None = None
    fallback: str | None = None
    made = 0
    while made < rounds:
        try:
            proposal = asked.propose(p, feedback=feedback, alternatives=alternatives, time_limit=time_limit)
        except Exception as exc:
            if exact:
                raise
            log.warning("the %s planner failed", asked.name, exc_info=True)
            fallback = f"the {asked.name} planner failed ({type(exc).__name__}: {exc})"
            break
        made += 1
        draft, dropped = _assemble(g, p, proposal, asked.name, wanted=alternatives)
        check = verify(g, draft)
        if check.valid:
            return _llm_record(g, asked, _deliver(g, draft, check, dropped, rounds=made), understood)
        if exact:
            raise PlanVerificationError(f"the {asked.name} planner proposed an unsound plan", problems=check.problems)
        feedback = check
    if fallback is None and feedback is not None:
        shown = "; ".join(feedback.problems[:3]) + ("; ..." if len(feedback.problems) > 3 else "")
        fallback = f"the {asked.name} planner's plan failed verification after {made} round(s) ({shown})"
    stand_in = ExactPlanner()
    proposal = stand_in.propose(p, alternatives=alternatives, time_limit=time_limit)
    draft, dropped = _assemble(g, p, proposal, stand_in.name, wanted=alternatives)
    check = verify(g, draft)
    if not check.valid:
        raise PlanVerificationError("the exact planner proposed an unsound plan", problems=check.problems)
    reason = fallback or f"the {asked.name} planner made no proposal"
    note = f"{reason[0].upper()}{reason[1:]}; this is the exact planner's plan instead."
    delivered = _deliver(g, draft, check, (note, *dropped), rounds=made, fallback=reason)
    return _llm_record(g, asked, delivered, understood)


def _assemble(
    g: SkillGraph, p: PlanProblem, proposal: Proposal, planner: str, *, wanted: int = 0
) -> tuple[Pathway, tuple[str, ...]]:
    """A draft Pathway from a proposal, and notes on alternatives fewer than ``wanted`` or dropped."""
    steps = build_steps(p, proposal.chosen, proposal.order)
    uncovered = tuple(p.uncovered) + proposal.uncovered
    covered = covered_targets(p, steps)
    hours, cost, weeks = totals(p, steps)
    coverage, nearest = occupation_reach(g, p.profile.targets.occupation, p.held_credentials, p.held_skills)
    alternatives_out = []
    dropped = []
    targets = target_ids(g, p.profile)
    for n, alt in enumerate(proposal.alternatives, start=1):
        alt_steps = build_steps(p, alt)
        a_hours, a_cost, _ = totals(p, alt_steps)
        a_covered = covered_targets(p, alt_steps)
        check = verify_steps(
            g,
            p.profile,
            alt_steps,
            total_hours=a_hours,
            total_cost=a_cost,
            covered=a_covered,
            uncovered=[t for t in targets if t not in a_covered],
        )
        if not check.valid:
            dropped.append(f"Alternative {n} was dropped: it failed verification ({'; '.join(check.problems)}).")
            continue
        alternatives_out.append(
            Alternative(
                steps=alt_steps,
                total_hours=a_hours,
                total_cost=a_cost,
                objective_value=objective_value(p, alt_steps),
                added=tuple(sorted(alt - proposal.chosen)),
                removed=tuple(sorted(proposal.chosen - alt)),
                verification=check,
            )
        )
    proposed = len(proposal.alternatives)
    if proposed < wanted:
        dropped.insert(0, _fewer_alternatives(wanted, proposed, planner))
    currencies = {s.currency for s in steps}
    labels = {s.credential_id: s.name for s in steps}
    reasons = tuple(f"{labels.get(c, c)}: {why}" for c, why in proposal.rationale.items())
    draft = Pathway(
        request=p.profile,
        steps=steps,
        covered=covered,
        already_held=tuple(t.id for t in p.already_held),
        uncovered=uncovered,
        earned=earned_on_the_way(p, steps),
        total_hours=hours,
        total_cost=cost,
        currency=currencies.pop() if len(currencies) == 1 else "USD",
        total_weeks=weeks,
        optimal=proposal.quality.optimal,
        quality=proposal.quality,
        alternatives=tuple(alternatives_out),
        verification=PENDING,
        planner=planner,
        explanation=explanation(p, steps, proposal.quality, uncovered),
        notes=proposal.notes + reasons,
        coverage=coverage,
        nearest_occupations=nearest,
    )
    return draft, tuple(dropped)


def _deliver(
    g: SkillGraph,
    draft: Pathway,
    check: Verification,
    dropped: tuple[str, ...],
    *,
    rounds: int,
    fallback: str | None = None,
) -> Pathway:
    """The verified plan, or InfeasiblePlanError with every reason when it reaches no target at all.

    With an occupation target the plan says how much of it the catalogue covers and, when not all of
    it, the nearest occupations the catalogue can teach in full.
    """
    if not draft.covered and draft.uncovered:
        near = "; ".join(f"{n.label} ({n.occupation}, shares {n.shared})" for n in draft.nearest_occupations)
        raise InfeasiblePlanError(
            "nothing can be planned: "
            + "; ".join(f"{g.label((u.kind, u.target))}: {u.detail}" for u in draft.uncovered),
            unmet=[u.target for u in draft.uncovered],
            fix="relax the constraints, add what you hold to ${have}, or choose other targets"
            + (f"; nearest occupations the catalogue can teach in full: {near}" if near else ""),
        )
    return draft.model_copy(
        update={
            "verification": check,
            "notes": dropped + draft.notes,
            "rounds": rounds,
            "fallback": fallback,
        }
    )


def _llm_record(g: SkillGraph, planner: Planner, pathway: Pathway, understood: Understood | None) -> Pathway:
    """The pathway with the LLM planner's record and narrative; with another planner, only ``understood``."""
    from recommender.llm.planner import LLMPlanner
    from recommender.llm.run import finish
    from recommender.settings import LLMSettings

    if isinstance(planner, LLMPlanner):
        return finish(g, pathway, planner, understood=understood)
    if understood is None:
        return pathway
    settings = LLMSettings()
    record = LLMRun(model=settings.llm or "none", method=settings.llm_method, rounds=0, understood=understood)
    return pathway.model_copy(update={"llm": record})


def _fewer_alternatives(wanted: int, proposed: int, planner: str) -> str:
    """The note for a plan with fewer alternatives than asked for."""
    if proposed == 0 and planner != ExactPlanner.name:
        return (
            f"{wanted} alternative plan(s) were asked for, but the {planner} planner makes a single plan; "
            "the exact planner lists alternatives."
        )
    return (
        f"{wanted} alternative plan(s) were asked for; the {planner} planner found {proposed} other distinct "
        "plan(s) within the time limit."
    )
