"""Verifier checks of what a person reads on each step: the catalogue's fields, what it teaches, its weeks."""

from __future__ import annotations

from graph.model import Kind
from graph.skillgraph import SkillGraph
from recommender.limits import step_weeks
from recommender.plan import Finding
from recommender.profile import LearnerProfile
from recommender.subject import Subject, agrees, at, plan_finding


def _target_skills(g: SkillGraph, profile: LearnerProfile) -> set[str]:
    t = profile.targets
    skills = set(t.skills)
    occ = g.occupations.get(t.occupation) if t.occupation else None
    if occ is not None:
        skills.update(occ.essential_skills + (occ.optional_skills if t.include_optional_skills else ()))
    return skills


def display_matches_catalogue(s: Subject) -> list[Finding]:
    """Every field a person reads on a step is the catalogue's: name, provider, kind, hours, cost, currency, url."""
    out = []
    for n, step in s.known():
        cred = s.g.credentials[step.credential_id]
        expected: dict[str, object] = {
            "name": cred.name,
            "provider": cred.provider,
            "kind": cred.kind.value,
            "hours": float(cred.hours or 0.0),
            "cost": float(cred.cost),
            "currency": cred.currency,
            "url": cred.url,
        }
        for field, value in expected.items():
            shown = getattr(step, field)
            if not agrees(shown, value):
                out.append(
                    at(
                        "display_matches_catalogue",
                        n,
                        step,
                        field,
                        f"{field} is {shown!r} but the catalogue says {value!r}",
                        f"copy {field} from the catalogue: {value!r}",
                    )
                )
    return out


def teaches_what_is_needed(s: Subject) -> list[Finding]:
    """A step's ``teaches`` lists, in catalogue order, the skills it teaches that are targets or relied on."""
    needed = _target_skills(s.g, s.profile) | {
        c.requirement for step in s.steps for c in step.requirements_met_by if c.kind == Kind.skill
    }
    out = []
    for n, step in s.known():
        taught = s.g.credentials[step.credential_id].taught_skill_ids
        expected = tuple(x for x in dict.fromkeys(taught) if x in needed)
        if step.teaches != expected:
            out.append(
                at(
                    "teaches_what_is_needed",
                    n,
                    step,
                    "teaches",
                    f"teaches {list(step.teaches)} but of what the pathway needs it teaches {list(expected)}",
                    f"set teaches to {list(expected)}",
                )
            )
    return out


def schedule_matches(s: Subject) -> list[Finding]:
    """Weeks follow from the steps in order at ``hours_per_week`` (none without it), and so does ``total_weeks``."""
    hpw = s.profile.constraints.hours_per_week
    out = []
    elapsed = 0.0
    last = 0
    for n, step in s.known():
        start = end = None
        if hpw:
            hours = float(s.g.credentials[step.credential_id].hours or 0.0)
            start, end = step_weeks(elapsed, hours, hpw)
            elapsed += hours
            last = max(last, end)
        for field, shown, value in (("start_week", step.start_week, start), ("end_week", step.end_week, end)):
            if shown != value:
                why = f"at {hpw:g} hours per week" if hpw else "without hours_per_week in the request"
                out.append(
                    at(
                        "schedule_matches",
                        n,
                        step,
                        field,
                        f"{field} is {shown} but {why} it is {value}",
                        f"set {field} to {'null' if value is None else value}",
                    )
                )
    if s.pathway is not None:
        weeks = last if hpw else None
        if s.pathway.total_weeks != weeks:
            out.append(
                plan_finding(
                    "schedule_matches",
                    "/total_weeks",
                    f"total_weeks is {s.pathway.total_weeks} but the schedule ends in week {weeks}",
                    f"set total_weeks to {'null' if weeks is None else weeks}",
                )
            )
    return out
