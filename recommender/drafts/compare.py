"""Two or three pathways side by side: totals, providers, delivery, skills, and what each has that others lack."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graph.model import Kind
from graph.skillgraph import SkillGraph
from recommender.escape import markdown_text
from recommender.plan import Pathway


@dataclass(frozen=True)
class Column:
    """One pathway's figures, and what it alone has."""

    name: str
    steps: int
    hours: float
    cost: float
    currency: str
    weeks: int | None
    valid: bool
    providers: tuple[str, ...]
    delivery: tuple[str, ...]
    skills: tuple[str, ...]
    only_credentials: tuple[str, ...]
    only_skills: tuple[str, ...]


def compare(g: SkillGraph, pathways: Mapping[str, Pathway]) -> list[Column]:
    """A column per pathway (2 or 3 of them), with labels, in the order given."""
    if not 2 <= len(pathways) <= 3:
        from graph.errors import RequestError

        raise RequestError(f"compare takes 2 or 3 pathways, got {len(pathways)}", fix="pick two or three")
    creds = {name: set(p.credential_ids) for name, p in pathways.items()}
    skills = {
        name: {s for cid in p.credential_ids if cid in g.credentials for s in g.credentials[cid].taught_skill_ids}
        for name, p in pathways.items()
    }
    out = []
    for name, p in pathways.items():
        others_c = set().union(*(c for n, c in creds.items() if n != name))
        others_s = set().union(*(s for n, s in skills.items() if n != name))
        modes = [g.credentials[c].delivery for c in p.credential_ids if c in g.credentials]
        delivery = [m.value if m is not None else "unstated" for m in modes]
        out.append(
            Column(
                name=name,
                steps=len(p.steps),
                hours=p.total_hours,
                cost=p.total_cost,
                currency=p.currency,
                weeks=p.total_weeks,
                valid=p.verification.valid,
                providers=tuple(sorted({s.provider for s in p.steps})),
                delivery=tuple(sorted(set(delivery))),
                skills=tuple(sorted(g.label((Kind.skill, s)) for s in skills[name])),
                only_credentials=tuple(s.name for s in p.steps if s.credential_id not in others_c),
                only_skills=tuple(sorted(g.label((Kind.skill, s)) for s in skills[name] - others_s)),
            )
        )
    return out


def to_markdown(columns: list[Column]) -> str:
    """The comparison as a Markdown table (one column per pathway)."""

    def cell(values: tuple[str, ...]) -> str:
        return ", ".join(values) or "—"

    rows = [
        ("Steps", [str(c.steps) for c in columns]),
        ("Hours", [f"{c.hours:g}" for c in columns]),
        ("Cost", [f"{c.cost:,.2f} {c.currency}" for c in columns]),
        ("Weeks", [str(c.weeks) if c.weeks else "—" for c in columns]),
        ("Verified", ["yes" if c.valid else "NO" for c in columns]),
        ("Providers", [cell(c.providers) for c in columns]),
        ("Delivery", [cell(c.delivery) for c in columns]),
        ("Skills covered", [str(len(c.skills)) for c in columns]),
        ("Only here: credentials", [cell(c.only_credentials) for c in columns]),
        ("Only here: skills", [cell(c.only_skills) for c in columns]),
    ]
    lines = ["| | " + " | ".join(markdown_text(c.name) for c in columns) + " |", "|---" * (len(columns) + 1) + "|"]
    lines += [f"| {label} | " + " | ".join(markdown_text(v) for v in values) + " |" for label, values in rows]
    return "\n".join(lines) + "\n"
