"""Verifier check of a plan's ``badges``: what a counted badge proves is held in the request, and nothing more."""

from __future__ import annotations

from graph.holdings import Holdings
from recommender.plan import Finding, HeldBadge
from recommender.subject import Subject, plan_finding

COUNTABLE = ("verified", "unverifiable")
"""Badge verdicts that may count as held (unverifiable only with --accept-unverified)."""


def _problems(s: Subject, badge: HeldBadge) -> list[tuple[str, str]]:
    """(field, problem) pairs for one badge record."""
    out = []
    for j, m in enumerate(badge.maps_to):
        known = s.g.skills if m.kind == "skill" else s.g.credentials if m.kind == "credential" else {}
        if m.id not in known:
            out.append((f"maps_to/{j}", f"maps to {m.kind} {m.id}, which the catalogue lacks"))
    proven = [m.id for m in badge.maps_to if not m.proposal]
    if badge.counted:
        if badge.status not in COUNTABLE:
            out.append(("counted", f"a badge labelled {badge.status} never counts as held"))
        if not proven:
            out.append(("counted", "counted but maps to nothing with confidence"))
        missing = [i for i in proven if i not in s.profile.have]
        if missing:
            out.append(("counted", f"counted but the request does not hold {', '.join(missing)}"))
    held = Holdings.from_ids(s.g, [i for i in proven if i in s.g.skills or i in s.g.credentials])
    reach = set(held.credentials) | set(held.skills) if badge.counted else set()
    extra = [c for c in badge.covered if c not in reach]
    if extra:
        out.append(("covered", f"covers {', '.join(extra)}, which what it counts for does not hold"))
    return out


def badge_claims(s: Subject) -> list[Finding] | None:
    """Each badge record is consistent: a counted badge has a countable verdict and its ids are held in the request,
    it maps to catalogue ids, and it covers only what those ids hold. Where a badge came from (source, name, issuer,
    trust, reason) is a record of the files, which the plan does not carry and so cannot be re-checked."""
    if s.pathway is None:
        return None
    return [
        plan_finding(
            "badge_claims",
            f"/badges/{i}/{field}",
            f"badge {badge.name or badge.source}: {problem}",
            "plan again with the badge files (plan --badge); hold the ids a badge proves in the request's have",
        )
        for i, badge in enumerate(s.pathway.badges)
        for field, problem in _problems(s, badge)
    ]
