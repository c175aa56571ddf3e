"""The printable HTML export: one self-contained page (no scripts, nothing fetched, pictures inline), text escaped."""

from __future__ import annotations

from html import escape

from graph.model import Kind
from graph.skillgraph import SkillGraph
from recommender.escape import html_link
from recommender.plan import Pathway

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border: 1px solid #999; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eee; }
.invalid { color: #7f1d1d; font-weight: bold; }
figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; }
@media print {
  body { margin: 0; } a { color: inherit; text-decoration: none; } tr, figure { break-inside: avoid; }
}
@page { size: A4; margin: 15mm; }
"""


def _money(value: float, currency: str) -> str:
    return f"{value:,.2f} {currency}" if value else "free"


def write(pathway: Pathway, g: SkillGraph) -> str:
    """A printable page: summary, the ordered steps with what each needs, the prerequisite graph and timeline
    (inline SVG), coverage, and the verifier's verdict."""
    e = escape
    t = pathway.request.targets
    goal = [g.label((Kind.occupation, t.occupation))] if t.occupation else []
    goal += [g.label((Kind.skill, s)) for s in t.skills] + [g.label((Kind.credential, c)) for c in t.credentials]
    title = "Pathway to " + (", ".join(goal) or "your targets")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{e(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p><strong>{len(pathway.steps)} step(s)</strong> · <strong>{pathway.total_hours:g} hours</strong> · "
        f"<strong>{e(_money(pathway.total_cost, pathway.currency))}</strong>"
        + (f" · <strong>{pathway.total_weeks} week(s)</strong>" if pathway.total_weeks else "")
        + f" · minimising {e(pathway.quality.objective)} · planner: {e(pathway.planner)}</p>",
    ]
    if pathway.steps:
        out.append(
            "<table><thead><tr><th>#</th><th>Stage</th><th>Credential</th><th>Provider</th><th>Hours</th>"
            "<th>Cost</th><th>Teaches</th><th>Requires (met by)</th></tr></thead><tbody>"
        )
        for s in pathway.steps:
            name = html_link(s.name, s.url)
            teaches = ", ".join(e(g.label((Kind.skill, x))) for x in s.teaches) or "—"
            met = "; ".join(
                f"{e(g.label((m.kind, m.requirement)))} ({'held' if m.source == 'held' else f'step {m.step}'})"
                for m in s.requirements_met_by
            )
            out.append(
                f"<tr><td>{s.index}</td><td>{s.stage}</td><td>{name}</td><td>{e(s.provider)}</td>"
                f"<td>{s.hours:g}</td><td>{e(_money(s.cost, s.currency))}</td><td>{teaches}</td>"
                f"<td>{met or '—'}</td></tr>"
            )
        out.append("</tbody></table>")
        # Drawn here only: matplotlib costs a quarter of a second to import, which no other export needs.
        from recommender.pictures import inline_svg, plan_dag, timeline

        out.append('<h2>Prerequisites</h2><figure role="img" aria-label="Prerequisite graph of the plan">')
        out += [inline_svg(plan_dag(pathway)), "</figure>"]
        out.append('<h2>Timeline</h2><figure role="img" aria-label="Timeline of the plan">')
        out += [inline_svg(timeline(pathway)), "</figure>"]
    else:
        out.append("<p>No credentials to take.</p>")
    if pathway.covered:
        labels = (g.label((Kind.skill if c in g.skills else Kind.credential, c)) for c in pathway.covered)
        out.append("<p><strong>Covered:</strong> " + ", ".join(e(x) for x in labels) + "</p>")
    if pathway.uncovered:
        out.append("<h2>Not covered</h2><ul>")
        out += [
            f"<li><strong>{e(g.label((u.kind, u.target)))}</strong> ({e(u.reason.value)}): {e(u.detail)}</li>"
            for u in pathway.uncovered
        ]
        out.append("</ul>")
    out.append("<h2>Why this plan</h2><ul>")
    out += [f"<li>{e(n)}</li>" for n in pathway.explanation]
    v = pathway.verification
    out.append(
        f"<li>Verified: {len(v.checks)} checks passed.</li>"
        if v.valid
        else '<li class="invalid">Verification FAILED: ' + "; ".join(e(p) for p in v.problems) + "</li>"
    )
    out.append("</ul></body></html>")
    return "\n".join(out) + "\n"
