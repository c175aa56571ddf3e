"""The text table `credpath badges inspect` prints: each badge, each check, and what it maps to."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from graph.model import Kind
from ingest.badges import BadgeResult


def badge_table(results: Sequence[BadgeResult], label: Callable[[tuple[Kind, str]], str]) -> str:
    """One block per badge: its verdict line, its checks in order, then its mappings."""
    lines: list[str] = []
    for r in results:
        issuer = r.issuer_name or r.issuer or "unknown issuer"
        lines.append(f"{r.status.value.upper():<12} {r.name or '(no name)'} — {issuer} (trusted: {r.trusted})")
        lines.append(f"{'':12} {r.source}")
        lines += [f"{'':12} {c.check:<12} {c.outcome.value:<12} {c.message}" for c in r.checks]
        for m in r.maps_to:
            tag = "proposal" if m.proposal else "maps to"
            named = label((Kind(m.kind), m.id))
            lines.append(f"{'':12} {tag:<12} {m.kind} {m.id} ({named}) confidence {m.confidence:.2f} via {m.via}")
        if not r.maps_to and r.status.value != "unreadable":
            lines.append(f"{'':12} {'maps to':<12} nothing in the catalogue")
        lines.append("")
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status.value] = counts.get(r.status.value, 0) + 1
    lines.append(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no badges")
    return "\n".join(lines)
