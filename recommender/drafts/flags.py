"""The verifier's findings placed on the step they concern, each with the fix an advisor can apply."""

from __future__ import annotations

from dataclasses import dataclass

from graph.conditions import Leaf, leaves, witness
from graph.holdings import Holdings
from graph.model import Kind
from graph.skillgraph import SkillGraph
from recommender.plan import Finding, Pathway, UncoveredReason
from recommender.problem import allowed_credentials, resolve_profile


@dataclass(frozen=True)
class Flag:
    """One problem: the 1-based step it concerns (None for the whole plan), what is wrong, and the fix."""

    step: int | None
    problem: str
    fix: str


def flags(g: SkillGraph, pathway: Pathway) -> list[Flag]:
    """Every verifier finding and every target an edit left out, with fixes drawn from the catalogue."""
    out = [Flag(f.step, f.message, _fix(g, pathway, f)) for f in pathway.verification.findings]
    for u in pathway.uncovered:
        if u.reason == UncoveredReason.left_out:
            teachers = _cheapest(g, pathway, [(Kind(u.kind), u.target)])
            fix = f"add {teachers} or use “Re-plan the rest”" if teachers else "use “Re-plan the rest”"
            out.append(Flag(None, f"target {g.label((Kind(u.kind), u.target))} is not reached by any step", fix))
    return out


def missing(g: SkillGraph, pathway: Pathway, step: int) -> list[Leaf]:
    """The requirement leaves of step ``step`` that neither held items nor earlier steps provide."""
    s = pathway.steps[step - 1]
    if s.credential_id not in g.credentials:
        return []
    have = Holdings.from_ids(g, resolve_profile(g, pathway.request).have)
    for earlier in pathway.steps[: step - 1]:
        if earlier.credential_id in g.credentials:
            have.gain(g, earlier.credential_id)
    requirement = g.effective_requirement(s.credential_id)
    if witness(requirement, have.__contains__) is not None:
        return []
    return [leaf for leaf in leaves(requirement) if leaf not in have]


def _cheapest(g: SkillGraph, pathway: Pathway, needed: list[Leaf]) -> str:
    """Readable names of the cheapest allowed credential for each needed leaf."""
    allowed = allowed_credentials(g, pathway.request.constraints)
    names = []
    for kind, ident in needed:
        if kind == Kind.credential:
            names.append(g.label((Kind.credential, ident)))
            continue
        options = [c for c in g.teachers(ident) if c in allowed and c not in pathway.credential_ids]
        if options:
            best = min(options, key=lambda c: (g.credentials[c].cost, g.credentials[c].hours or 0.0, c))
            names.append(f"{g.credentials[best].name} ({g.label((Kind.skill, ident))})")
    return ", ".join(dict.fromkeys(names))


def _fix(g: SkillGraph, pathway: Pathway, finding: Finding) -> str:
    """The verifier's fix, made concrete for an advisor where the catalogue can say more."""
    step = finding.step
    if step is not None and finding.check == "prerequisites_first":
        gap = missing(g, pathway, step)
        later = [s.index for s in pathway.steps[step:] if any(i in (s.credential_id, *s.teaches) for _, i in gap)]
        if later:
            return f"move this step after step {later[0]}, or use “Re-plan the rest”"
        teachers = _cheapest(g, pathway, gap)
        return (f"add {teachers} before this step, " if teachers else "") + "or use “Re-plan the rest”"
    if step is not None and finding.check == "credentials_exist":
        return "the catalogue withdrew it: remove it or swap it for an alternative"
    if step is not None and finding.check == "allowed_by_constraints":
        return "swap it for an alternative, or relax the learner's constraints"
    if finding.check in ("stages_consistent", "requirements_met_by_claims"):
        return "use “Re-plan the rest” to re-order"
    if finding.check == "within_budget":
        return "remove a step or swap one for a cheaper or shorter alternative, or raise the limit"
    return finding.fix
