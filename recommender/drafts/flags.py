"""The verifier's problems placed on the step they concern, each with the fix an advisor can apply."""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.conditions import Leaf, leaves, witness
from graph.skillgraph import CREDENTIAL, SKILL, SkillGraph
from recommender.plan import Pathway, UncoveredReason
from recommender.problem import allowed_credentials

_STEP = re.compile(r"^step (\d+) \(")


@dataclass(frozen=True)
class Flag:
    """One problem: the 1-based step it concerns (None for the whole plan), what is wrong, and the fix."""

    step: int | None
    problem: str
    fix: str


def flags(g: SkillGraph, pathway: Pathway) -> list[Flag]:
    """Every verifier problem and every uncovered target of ``pathway``, with fixes drawn from the catalogue."""
    out = []
    for problem in pathway.verification.problems:
        m = _STEP.match(problem)
        step = int(m.group(1)) if m else None
        out.append(Flag(step, problem, _fix(g, pathway, step, problem)))
    for u in pathway.uncovered:
        if u.reason == UncoveredReason.left_out:
            teachers = _cheapest(g, pathway, [(u.kind, u.target)])
            fix = f"add {teachers} or use “Re-plan the rest”" if teachers else "use “Re-plan the rest”"
            out.append(Flag(None, f"target {g.label((u.kind, u.target))} is not reached by any step", fix))
    return out


def missing(g: SkillGraph, pathway: Pathway, step: int) -> list[Leaf]:
    """The requirement leaves of step ``step`` that neither held items nor earlier steps provide."""
    s = pathway.steps[step - 1]
    if s.credential_id not in g.credentials:
        return []
    held_c, held_s, _ = g.held_skills(pathway.request.have)
    have_c, have_s = set(held_c), set(held_s)
    for earlier in pathway.steps[: step - 1]:
        have_c.add(earlier.credential_id)
        cred = g.credentials.get(earlier.credential_id)
        if cred is not None:
            have_s.update(cred.taught_skill_ids)
    requirement = g.effective_requirement(s.credential_id)

    def holds(leaf: Leaf) -> bool:
        return leaf[1] in (have_s if leaf[0] == SKILL else have_c)

    if witness(requirement, holds) is not None:
        return []
    return [leaf for leaf in leaves(requirement) if not holds(leaf)]


def _cheapest(g: SkillGraph, pathway: Pathway, needed: list[Leaf]) -> str:
    """Readable names of the cheapest allowed credential for each needed leaf."""
    allowed = allowed_credentials(g, pathway.request.constraints)
    names = []
    for kind, ident in needed:
        if kind == CREDENTIAL:
            names.append(g.label((CREDENTIAL, ident)))
            continue
        options = [c for c in g.teachers(ident) if c in allowed and c not in pathway.credential_ids]
        if options:
            best = min(options, key=lambda c: (g.credentials[c].cost, g.credentials[c].hours or 0.0, c))
            names.append(f"{g.credentials[best].name} ({g.label((SKILL, ident))})")
    return ", ".join(dict.fromkeys(names))


def _fix(g: SkillGraph, pathway: Pathway, step: int | None, problem: str) -> str:
    if step is not None and "requirements are met" in problem:
        gap = missing(g, pathway, step)
        later = [s.index for s in pathway.steps[step:] if any(leaf[1] in (s.credential_id, *s.teaches) for leaf in gap)]
        teachers = _cheapest(g, pathway, gap)
        if later:
            return f"move this step after step {later[0]}, or use “Re-plan the rest”"
        return (f"add {teachers} before this step, " if teachers else "") + "or use “Re-plan the rest”"
    if step is not None and "no such credential" in problem:
        return "the catalogue withdrew it: remove it or swap it for an alternative"
    if step is not None and "constraints" in problem:
        return "swap it for an alternative, or relax the learner's constraints"
    if step is not None and "already holds" in problem:
        return "remove this step"
    if step is not None and ("stage" in problem or "index" in problem):
        return "use “Re-plan the rest” to re-order"
    if "max_hours" in problem or "max_cost" in problem:
        return "remove or swap a step for a cheaper or shorter alternative, or raise the limit"
    return "use “Re-plan the rest”"
