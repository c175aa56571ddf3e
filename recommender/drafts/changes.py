"""What changed since a draft was made: the catalogue's fingerprint, and each step against today's entry."""

from __future__ import annotations

import hashlib
import json

from graph.model import Catalogue
from graph.skillgraph import SkillGraph
from recommender.plan import Pathway


def fingerprint(catalogue: Catalogue) -> str:
    """A SHA-256 of the catalogue's canonical JSON: equal exactly when the catalogues are equal."""
    canonical = json.dumps(catalogue.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def step_changes(g: SkillGraph, pathway: Pathway) -> list[str]:
    """Each step's difference from today's catalogue: withdrawn, renamed, moved provider, new hours or price."""
    out = []
    for s in pathway.steps:
        cred = g.credentials.get(s.credential_id)
        where = f"step {s.index} ({s.name})"
        if cred is None:
            out.append(f"{where}: withdrawn: the catalogue no longer has {s.credential_id}")
            continue
        if cred.name != s.name:
            out.append(f"{where}: renamed to {cred.name}")
        if cred.provider != s.provider:
            out.append(f"{where}: now offered by {cred.provider} (was {s.provider})")
        if abs(float(cred.hours or 0.0) - s.hours) > 1e-6:
            out.append(f"{where}: hours changed from {s.hours:g} to {float(cred.hours or 0.0):g}")
        if abs(cred.cost - s.cost) > 1e-6 or cred.currency != s.currency:
            out.append(f"{where}: price changed from {s.cost:g} {s.currency} to {cred.cost:g} {cred.currency}")
    return out
