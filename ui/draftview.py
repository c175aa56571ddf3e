"""The Advisor tab's HTML: an open draft with each flag on the step it concerns, and error alerts. All text escaped."""

from __future__ import annotations

from html import escape

from graph.model import Kind
from recommender.drafts.workspace import Opened, Workspace
from ui.markup import alert


def error_html(message: str, title: str = "Could not do that.") -> str:
    """An error as a visible alert, escaped, with its fix."""
    return alert(title, message)


def draft_html(ws: Workspace, opened: Opened) -> str:
    """The open draft: totals and verdict, what changed, the steps with each flag on its step, history."""
    g = ws.service.graph
    p, d = opened.pathway, opened.draft
    by_step: dict[int, list[str]] = {}
    for f in opened.flags:
        if f.step is not None:
            by_step.setdefault(f.step, []).append(
                f'<div class="advisor-flag" data-step="{f.step}"><strong>{escape(f.problem)}</strong>'
                f"<br>Fix: {escape(f.fix)}</div>"
            )
    verdict = (
        '<p class="advisor-valid">Verified: every prerequisite comes first and every constraint holds.</p>'
        if p.verification.valid and not opened.flags
        else f'<p class="advisor-invalid">{len(opened.flags)} problem(s) flagged below.</p>'
    )
    out = [
        f'<h3>{escape(d.learner)}</h3><p class="advisor-meta">draft {escape(d.id[:8])} · owner {escape(d.owner)} · '
        f"saved {d.updated_at:%Y-%m-%d %H:%M} UTC</p>",
        f"<p><strong>{len(p.steps)} step(s)</strong> · <strong>{p.total_hours:g} hours</strong> · "
        f"<strong>{p.total_cost:,.2f} {escape(p.currency)}</strong>"
        + (f" · <strong>{p.total_weeks} week(s)</strong>" if p.total_weeks else "")
        + (" · proven optimal" if p.optimal else "")
        + "</p>",
        verdict,
    ]
    if opened.changes:
        out.append('<div class="advisor-changes"><strong>Changed in the catalogue since saved:</strong><ul>')
        out += [f"<li>{escape(c)}</li>" for c in opened.changes]
        out.append("</ul></div>")
    general = [f for f in opened.flags if f.step is None]
    if general:
        out.append('<ul class="advisor-general">')
        out += [
            f'<li class="advisor-flag"><strong>{escape(f.problem)}</strong><br>Fix: {escape(f.fix)}</li>'
            for f in general
        ]
        out.append("</ul>")
    out.append(
        '<table id="advisor-steps"><thead><tr><th>#</th><th>Credential</th><th>Provider</th><th>Hours</th>'
        "<th>Cost</th><th>Teaches</th><th>Check</th></tr></thead><tbody>"
    )
    for s in p.steps:
        pin = " 📌" if s.credential_id in d.pins else ""
        teaches = ", ".join(escape(g.label((Kind.skill, x))) for x in s.teaches) or "—"
        check = "".join(by_step.get(s.index, [])) or "✓"
        out.append(
            f'<tr data-step="{s.index}"><td>{s.index}</td><td>{escape(s.name)}{pin}</td><td>{escape(s.provider)}</td>'
            f"<td>{s.hours:g}</td><td>{s.cost:g} {escape(s.currency)}</td><td>{teaches}</td><td>{check}</td></tr>"
        )
    out.append("</tbody></table>")
    if d.history:
        out.append('<details class="advisor-history"><summary>History</summary><ul>')
        out += [
            f"<li>{h.at:%Y-%m-%d %H:%M} · {escape(h.who)} · {escape(h.what)}"
            + (f": {escape(h.detail)}" if h.detail else "")
            + "</li>"
            for h in d.history
        ]
        out.append("</ul></details>")
    return "\n".join(out)
