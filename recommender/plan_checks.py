"""Verifier checks of a whole plan's fields: its version, its request, the targets it answers, its quality claims."""

from __future__ import annotations

from collections import Counter

from graph.errors import RequestError
from graph.model import Kind
from graph.skillgraph import SkillGraph
from recommender.limits import hours_budget
from recommender.plan import Finding, UncoveredReason, version_problem
from recommender.profile import LearnerProfile
from recommender.subject import TOLERANCE, Subject, plan_finding


def target_ids(g: SkillGraph, profile: LearnerProfile) -> list[str]:
    """Every target id the profile names, an occupation's skills included (as the profile resolves them)."""
    t = profile.targets
    ids = list(t.skills) + list(t.credentials)
    occ = g.occupations.get(t.occupation) if t.occupation else None
    if occ is not None:
        ids += list(occ.essential_skills) + (list(occ.optional_skills) if t.include_optional_skills else [])
    return list(dict.fromkeys(ids))


def schema_version_known(s: Subject) -> list[Finding] | None:
    """The plan's contract version is one this verifier reads (any minor of a major it knows)."""
    if s.pathway is None:
        return None
    problem = version_problem(s.pathway.schema_version)
    if problem is None:
        return []
    return [
        plan_finding(
            "schema_version_known",
            "/schema_version",
            problem,
            "plan again with this credpath, or verify with the credpath that wrote the plan",
        )
    ]


def request_known(s: Subject) -> list[Finding] | None:
    """The request names only targets and held items the catalogue knows, as any planner requires."""
    if s.pathway is None:
        return None
    if not isinstance(s.problem, RequestError):
        return []
    field = s.problem.field or ""
    return [
        plan_finding(
            "request_known",
            "/request" + "".join(f"/{part}" for part in field.split(".") if part),
            f"the request cannot be planned: {s.problem.what}",
            s.problem.fix or "name targets and held items by catalogue id or exact label",
        )
    ]


def _repeats(check: str, field: str, items: tuple[str, ...]) -> list[Finding]:
    return [
        plan_finding(check, f"/{field}", f"{field} lists {item} {count} times", f"list {item} once")
        for item, count in Counter(items).items()
        if count > 1
    ]


def coverage_claims(s: Subject) -> list[Finding] | None:
    """The plan answers exactly the request's targets: each covered (and really reached) or uncovered, none invented."""
    if s.covered is None:
        return None
    targets = target_ids(s.g, s.profile)
    wanted = set(targets)
    reached = s.before[-1]
    out = []
    for i, t in enumerate(s.covered):
        if t not in wanted:
            out.append(
                plan_finding(
                    "coverage_claims",
                    f"/covered/{i}",
                    f"{t} is claimed covered but is not a target of the request",
                    "list only the request's targets, or add it to the request's targets",
                )
            )
        elif (Kind.skill, t) not in reached and (Kind.credential, t) not in reached:
            out.append(
                plan_finding(
                    "coverage_claims",
                    f"/covered/{i}",
                    f"target {t} is claimed covered but no step or held item provides it",
                    "add a step that teaches or awards it, or report it uncovered",
                )
            )
    for i, t in enumerate(s.uncovered):
        if t not in wanted:
            out.append(
                plan_finding(
                    "coverage_claims",
                    f"/uncovered/{i}/target",
                    f"{t} is reported uncovered but is not a target of the request",
                    "drop it, or add it to the request's targets",
                )
            )
        elif t in s.covered:
            out.append(
                plan_finding(
                    "coverage_claims",
                    f"/uncovered/{i}",
                    f"target {t} is listed as both covered and uncovered",
                    "list it in one of the two",
                )
            )
    out += [
        plan_finding(
            "coverage_claims",
            "/covered",
            f"target {t} is neither covered nor reported uncovered",
            "cover it, or report it uncovered with the reason",
        )
        for t in targets
        if t not in s.covered and t not in s.uncovered
    ]
    out += _repeats("coverage_claims", "covered", tuple(s.covered)) + _repeats(
        "coverage_claims", "uncovered", tuple(s.uncovered)
    )
    if s.pathway is not None:
        held = [t for t in targets if (Kind.skill, t) in s.held or (Kind.credential, t) in s.held]
        out += [
            plan_finding(
                "coverage_claims",
                "/covered",
                f"target {t} is held by the learner but not listed as covered",
                "list it in covered (and already_held)",
            )
            for t in held
            if t not in s.covered
        ]
        if sorted(s.pathway.already_held) != sorted(held):
            out.append(
                plan_finding(
                    "coverage_claims",
                    "/already_held",
                    f"already_held is {list(s.pathway.already_held)} but the learner holds targets {held}",
                    f"set already_held to {held}",
                )
            )
    return out


def uncovered_reasons(s: Subject) -> list[Finding] | None:
    """Each uncovered target gives the reason the catalogue and constraints show: a reachable one is over budget
    only under a budget (max_hours, max_cost, a deadline), beyond min coverage only under min_coverage."""
    if s.pathway is None or isinstance(s.problem, RequestError):
        return None
    c = s.profile.constraints
    left_out = set()
    if hours_budget(c) is not None or c.max_cost is not None:
        left_out.add(UncoveredReason.over_budget)
    if c.min_coverage is not None:
        left_out.add(UncoveredReason.beyond_min_coverage)
    known = {u.target: u for u in s.problem.uncovered}
    coverable = {t.id: t.kind for t in s.problem.coverable}
    out = []
    for i, u in enumerate(s.pathway.uncovered):
        expected = known.get(u.target)
        if expected is not None and u != expected:
            out.append(
                plan_finding(
                    "uncovered_reasons",
                    f"/uncovered/{i}",
                    f"target {u.target} is uncovered because {expected.reason.value}: {expected.detail}",
                    f"report it as: {expected.model_dump_json()}",
                )
            )
        elif u.target in coverable and (
            u.reason not in left_out or u.kind != coverable[u.target] or u.cycle or u.unmet
        ):
            out.append(
                plan_finding(
                    "uncovered_reasons",
                    f"/uncovered/{i}",
                    f"target {u.target} can be reached, so it is uncovered only if it does not fit a budget "
                    "or the plan reaches min_coverage without it",
                    "cover it, or report it as over_budget (under max_hours, max_cost or a deadline) or "
                    "beyond_min_coverage (under min_coverage)",
                )
            )
    return out


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


def quality_consistent(s: Subject) -> list[Finding] | None:
    """``optimal`` and ``quality`` agree with each other and with the steps: value, objective, bound and gap."""
    if s.pathway is None:
        return None
    p, q = s.pathway, s.pathway.quality
    objective = s.profile.objective.value
    value = s.hours if objective == "hours" else s.cost
    problems: list[tuple[str, str, str]] = []
    if p.optimal != q.optimal:
        problems.append(("/optimal", f"optimal is {p.optimal} but quality.optimal is {q.optimal}", "make them equal"))
    if q.objective != objective:
        problems.append(("/quality/objective", f"objective is {q.objective!r}, request minimises {objective!r}", ""))
    if not _close(q.value, value):
        problems.append(("/quality/value", f"value is {q.value:g} but the steps' total {objective} is {value:g}", ""))
    if q.optimal:
        if q.gap not in (None, 0.0):
            problems.append(("/quality/gap", f"gap is {q.gap:g} on a plan claimed optimal", "set gap to 0"))
        if q.bound is not None and not _close(q.bound, q.value):
            problems.append(("/quality/bound", f"bound {q.bound:g} differs from the optimal value {q.value:g}", ""))
    elif q.bound is None:
        if q.gap is not None:
            problems.append(("/quality/gap", f"gap is {q.gap:g} without a proven bound", "set gap to null"))
    elif q.bound > q.value + TOLERANCE * max(1.0, abs(q.value)):
        problems.append(("/quality/bound", f"bound {q.bound:g} is above the value {q.value:g}", ""))
    elif q.value and (q.gap is None or not _close(q.gap, (q.value - q.bound) / q.value)):
        gap = (q.value - q.bound) / q.value
        problems.append(("/quality/gap", f"gap is {q.gap} but (value - bound) / value is {gap:g}", f"set it to {gap}"))
    elif not q.value and q.gap not in (None, 0.0):
        problems.append(("/quality/gap", f"gap is {q.gap:g} on a plan of value 0", "set gap to 0"))
    return [
        plan_finding(
            "quality_consistent",
            pointer,
            message,
            fix or "make quality describe these steps: value, bound and gap of the request's objective",
        )
        for pointer, message, fix in problems
    ]
