"""Render a Pathway for people: Markdown for the CLI, the web app and exports, every catalogue text escaped."""

from __future__ import annotations

from graph.conditions import describe
from graph.model import Kind
from graph.skillgraph import SkillGraph
from recommender.escape import markdown_link, markdown_text
from recommender.llm.explain import markdown_lines
from recommender.plan import HeldBadge, Pathway


def _money(value: float, currency: str) -> str:
    return f"{value:,.2f} {markdown_text(currency)}" if value else "free"


def _label(g: SkillGraph, kind: Kind, ident: str) -> str:
    """An item's label as Markdown text: catalogue text never becomes markup."""
    return markdown_text(g.label((kind, ident)))


def _entry(g: SkillGraph, ident: str) -> str:
    """A skill's or credential's label, escaped, whichever the id names."""
    return _label(g, Kind.skill if ident in g.skills else Kind.credential, ident)


def _badge_line(badge: HeldBadge, g: SkillGraph) -> str:
    """One held badge: its verdict, whether it counted, and what it covered or why not (badge text escaped)."""
    head = (
        f"- **{markdown_text(badge.name or badge.source)}** ({markdown_text(badge.status)}, "
        f"issuer trusted: {markdown_text(badge.trusted)})"
    )
    if not badge.counted:
        return f"{head}: not counted ({markdown_text(badge.reason)})"
    covered = ", ".join(_entry(g, c) for c in badge.covered) or "nothing this plan needed"
    proposals = [m for m in badge.maps_to if m.proposal]
    shown = ", ".join(f"{_entry(g, m.id)} ({markdown_text(m.id)})" for m in proposals)
    tail = f"; possible matches (hold their ids to accept them): {shown}" if proposals else ""
    return f"{head}: counted, covered {covered}{tail}"


def to_markdown(pathway: Pathway, g: SkillGraph) -> str:
    """A readable plan: the ordered table, totals, what is not covered and why, and its proof status.

    Every text from the catalogue, the plan or a planner goes through ``recommender.escape``; links come
    only from a step's ``url`` and only for http(s) URLs.
    """
    lines = ["# Your pathway", ""]
    lines += _goal_lines(pathway, g)
    q = pathway.quality
    if pathway.optimal:
        status = "optimal"
    elif q.gap is None:
        status = "not proven optimal, gap unknown"
    else:
        status = f"best found, within {100 * q.gap:.1f}% of a proven bound"
    lines.append(
        f"**{len(pathway.steps)} step(s)** · **{pathway.total_hours:g} hours** · "
        f"**{_money(pathway.total_cost, pathway.currency)}**"
        + (f" · **{pathway.total_weeks} week(s)**" if pathway.total_weeks else "")
        + f" · minimising {q.objective} ({status}) · planner: {markdown_text(pathway.planner)}"
    )
    lines.append("")
    if pathway.steps:
        weeks = any(s.start_week for s in pathway.steps)
        head = "| # | Stage | Credential | Provider | Hours | Cost | Teaches | Requires (met by) |"
        sep = "|---|---|---|---|---|---|---|---|"
        if weeks:
            head += " Weeks |"
            sep += "---|"
        lines += [head, sep]
        needed_by: dict[str, list[int]] = {}
        for later in pathway.steps:
            for m in later.requirements_met_by:
                if m.kind == Kind.credential and m.source == "step":
                    needed_by.setdefault(m.requirement, []).append(later.index)
        for s in pathway.steps:
            teaches = ", ".join(_label(g, Kind.skill, x) for x in s.teaches)
            rule = g.credentials[s.credential_id].awarded_for if s.credential_id in g.credentials else None
            if not teaches and rule is not None:
                teaches = f"awarded for {describe(rule, lambda leaf: _label(g, *leaf))}"
            if not teaches:
                steps_needing = ", ".join(str(i) for i in needed_by.get(s.credential_id, []))
                teaches = f"required by step {steps_needing}" if steps_needing else "—"
            met = (
                "; ".join(
                    f"{_label(g, m.kind, m.requirement)} ({'held' if m.source == 'held' else f'step {m.step}'})"
                    for m in s.requirements_met_by
                )
                or "—"
            )
            name, provider = markdown_link(s.name, s.url), markdown_text(s.provider)
            row = (
                f"| {s.index} | {s.stage} | {name} | {provider} | {s.hours:g} | "
                f"{_money(s.cost, s.currency)} | {teaches} | {met} |"
            )
            if weeks:
                row += f" {s.start_week}–{s.end_week} |"
            lines.append(row)
        lines.append("")
    else:
        lines += ["No credentials to take.", ""]
    if pathway.earned:
        lines += ["## Earned on the way", ""]
        names = {s.credential_id: s.name for s in pathway.steps}
        for e in pathway.earned:
            parts = ", ".join(markdown_text(names.get(c, c)) for c in e.via)
            lines.append(
                f"- **{markdown_text(e.name)}** ({markdown_text(e.provider)}): earned after step {e.after_step}, "
                f"from {parts or 'held credentials'}"
            )
        lines.append("")
    if pathway.covered:
        lines.append(
            "**Covered:** "
            + ", ".join(_label(g, Kind.skill if c in g.skills else Kind.credential, c) for c in pathway.covered)
        )
        lines.append("")
    if pathway.badges:
        lines += ["## Badges you hold", ""]
        lines += [_badge_line(b, g) for b in pathway.badges]
        lines.append("")
    if pathway.uncovered:
        lines.append("## Not covered")
        lines.append("")
        for u in pathway.uncovered:
            lines.append(f"- **{_label(g, u.kind, u.target)}** ({u.reason.value}): {markdown_text(u.detail)}")
        lines.append("")
    lines += _reach_lines(pathway)
    if pathway.alternatives:
        lines.append("## Alternatives")
        lines.append("")
        for i, a in enumerate(pathway.alternatives, start=1):
            diff = []
            if a.added:
                diff.append("adds " + ", ".join(_label(g, Kind.credential, c) for c in a.added))
            if a.removed:
                diff.append("drops " + ", ".join(_label(g, Kind.credential, c) for c in a.removed))
            lines.append(
                f"{i}. {len(a.steps)} step(s), {a.total_hours:g} hours, {_money(a.total_cost, pathway.currency)}: "
                + "; ".join(diff)
            )
        lines.append("")
    lines += markdown_lines(pathway, g)
    lines.append("## Why this plan")
    lines.append("")
    lines += [f"- {markdown_text(n)}" for n in (*pathway.explanation, *pathway.notes)]
    v = pathway.verification
    lines.append(
        f"- Verified: {len(v.checks)} checks passed (every credential exists, every prerequisite comes first, "
        "every constraint holds)."
        if v.valid
        else f"- Verification FAILED: {'; '.join(markdown_text(p) for p in v.problems)}"
    )
    return "\n".join(lines) + "\n"


def _goal_lines(pathway: Pathway, g: SkillGraph) -> list[str]:
    """How the plain-words goal was read: the chosen occupation, other readings and the background."""
    goal = pathway.goal
    if goal is None:
        return []
    lines = [f"**Goal:** “{goal.text}”"]
    if goal.chosen:
        lines.append(f"- planned for: **{g.label((Kind.occupation, goal.chosen))}**")
    others = [c.label for c in goal.candidates if c.kind == "occupation" and c.id != goal.chosen][:4]
    if others:
        lines.append(
            ("- close readings (choose one to plan for it instead): " if goal.ambiguous else "- other readings: ")
            + ", ".join(others)
        )
    if goal.target_skills:
        lines.append("- skills asked for: " + ", ".join(g.label((Kind.skill, s)) for s in goal.target_skills))
    b = goal.background
    if b is not None:
        who = b.label or b.phrase
        if b.assumed:
            lines.append(f"- background: {who}; {len(b.assumed)} of its skills counted as held (you confirmed them)")
        elif b.likely_held:
            lines.append(
                f"- background: {who}; {len(b.likely_held)} of its skills are likely held but not assumed "
                "(confirm them to count them as held)"
            )
    lines += [f"- {n}" for n in goal.notes]
    return [*lines, ""]


def _reach_lines(pathway: Pathway) -> list[str]:
    """What the catalogue covers of the target occupation, and the nearest occupations it covers in full."""
    c = pathway.coverage
    if c is None or c.share >= 1:
        return []
    lines = [
        "## What the catalogue covers",
        "",
        f"The catalogue can teach {c.reachable} of the {c.essential} essential skills of **{c.label}** "
        f"({c.share:.0%}); no credential teaches {len(c.nothing_teaches)} of them.",
        "",
    ]
    if pathway.nearest_occupations:
        lines += ["Nearest occupations the catalogue can teach in full:", ""]
        lines += [
            f"- **{n.label}**: shares {n.shared} of the {c.essential} essential skills ({n.share:.0%})"
            for n in pathway.nearest_occupations
        ]
        lines.append("")
    return lines
