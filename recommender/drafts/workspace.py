"""The advisor workspace: drafts made, reopened against today's catalogue, edited, re-planned, compared, exported."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from graph.errors import RequestError
from graph.model import Kind
from recommender.batch import Outcome
from recommender.drafts.changes import step_changes
from recommender.drafts.compare import Column, compare
from recommender.drafts.edit import alternatives, assemble, insertion_point
from recommender.drafts.flags import Flag, flags
from recommender.drafts.store import Draft, DraftStore, DraftSummary
from recommender.export import FORMATS
from recommender.plan import Pathway
from recommender.profile import LearnerProfile
from recommender.service import CredpathService
from recommender.users import Actor, Role

ALTERNATIVES = 2
ALT = "#alt"
ACTIONS = ("remove", "swap", "add", "pin", "unpin", "up", "down", "held")


@dataclass(frozen=True)
class Opened:
    """A draft as the advisor sees it now: re-verified on today's catalogue, with what changed and every flag."""

    draft: Draft
    pathway: Pathway
    changes: tuple[str, ...]
    flags: tuple[Flag, ...]


class Workspace:
    """Drafts over one catalogue and one store. Every method takes the signed-in user and checks them."""

    def __init__(self, service: CredpathService, store: DraftStore) -> None:
        self.service = service
        self.store = store

    def new(self, actor: Actor, learner: str, profile: LearnerProfile, *, notes: str = "") -> Opened:
        """Plan for a learner (with near-best alternatives to compare against) and keep it as a draft."""
        pathway = self.service.plan(profile, alternatives=ALTERNATIVES)
        draft = self.store.create(
            actor,
            learner=learner,
            profile=profile,
            pathway=pathway,
            fingerprint=self.service.fingerprint,
            notes=notes,
            detail=f"planned {len(pathway.steps)} step(s) with the {pathway.planner} planner",
        )
        return self._opened(draft)

    def drafts(self, actor: Actor) -> list[DraftSummary]:
        return self.store.list(actor)

    def open(self, actor: Actor, draft_id: str) -> Opened:
        """The draft re-verified against the current catalogue, saying what changed since it was made."""
        return self._opened(self.store.get(actor, draft_id))

    def _opened(self, draft: Draft) -> Opened:
        g = self.service.graph
        pathway = assemble(g, draft.profile, draft.pathway.credential_ids, previous=draft.pathway)
        changes = step_changes(g, draft.pathway)
        if draft.catalogue_fingerprint != self.service.fingerprint and not changes:
            changes.append("the catalogue changed since this draft was saved; none of its steps did")
        return Opened(draft, pathway, tuple(changes), tuple(flags(g, pathway)))

    def alternatives(self, actor: Actor, draft_id: str, credential_id: str) -> list[tuple[str, str]]:
        """(id, label) of credentials that could replace this step, cheapest first."""
        draft = self.store.get(actor, draft_id)
        g = self.service.graph
        return [
            (
                c,
                f"{g.credentials[c].name} · {g.credentials[c].provider} · {g.credentials[c].cost:g} "
                f"{g.credentials[c].currency} · {g.credentials[c].hours or 0:g} h",
            )
            for c in alternatives(g, draft.pathway, credential_id)
        ]

    def edit(self, actor: Actor, draft_id: str, action: str, credential_id: str, other: str | None = None) -> Opened:
        """Apply one edit and re-verify; a removed step is excluded from re-plans, an added or swapped-in one pinned."""
        if action not in ACTIONS:
            raise RequestError(f"unknown edit {action!r}", where="action", fix=f"use one of: {', '.join(ACTIONS)}")
        draft = self.store.get(actor, draft_id)
        g = self.service.graph
        order = list(draft.pathway.credential_ids)
        pins = list(draft.pins)
        profile = draft.profile
        c = profile.constraints
        on_plan = credential_id in order
        if action in ("remove", "swap", "pin", "unpin", "up", "down", "held") and not on_plan:
            raise RequestError(f"{credential_id!r} is not a step of this draft", where="credential", fix="pick a step")
        label = g.label((Kind.credential, credential_id))
        detail = label
        if action == "remove":
            order.remove(credential_id)
            pins = [p for p in pins if p != credential_id]
            profile = _with(profile, exclude=(*c.exclude_credentials, credential_id))
        elif action == "swap":
            if not other or other not in g.credentials:
                raise RequestError("swap needs the credential to swap in", where="other", fix="pick an alternative")
            order[order.index(credential_id)] = other
            pins = [p for p in pins if p != credential_id] + [other]
            profile = _with(profile, exclude=(*c.exclude_credentials, credential_id))
            detail = f"{label} -> {g.label((Kind.credential, other))}"
        elif action == "add":
            if on_plan:
                raise RequestError(f"{label} is already a step", where="credential", fix="pick another credential")
            order.insert(insertion_point(g, draft.pathway, credential_id), credential_id)
            pins.append(credential_id)
            profile = _with(profile, exclude=tuple(x for x in c.exclude_credentials if x != credential_id))
        elif action == "pin":
            pins = [*dict.fromkeys([*pins, credential_id])]
        elif action == "unpin":
            pins = [p for p in pins if p != credential_id]
        elif action in ("up", "down"):
            i = order.index(credential_id)
            j = i - 1 if action == "up" else i + 1
            if 0 <= j < len(order):
                order[i], order[j] = order[j], order[i]
        else:
            order.remove(credential_id)
            pins = [p for p in pins if p != credential_id]
            profile = profile.model_copy(update={"have": (*profile.have, credential_id)})
            detail = f"{label} (the learner holds it)"
        pathway = assemble(g, profile, order, previous=draft.pathway)
        saved = self.store.update(
            actor,
            draft_id,
            what=action,
            detail=detail,
            profile=profile,
            pathway=pathway,
            pins=pins,
            fingerprint=self.service.fingerprint,
        )
        return self._opened(saved)

    def replan(self, actor: Actor, draft_id: str) -> Opened:
        """Re-plan the rest: keep the pins and the learner's choices, fill the gap optimally."""
        draft = self.store.get(actor, draft_id)
        g = self.service.graph
        t = draft.profile.targets
        pinned = tuple(p for p in draft.pins if p in g.credentials)
        augmented = draft.profile.model_copy(
            update={"targets": t.model_copy(update={"credentials": tuple(dict.fromkeys((*t.credentials, *pinned)))})}
        )
        planned = self.service.plan(augmented)
        notes = list(planned.explanation)
        if pinned:
            notes.insert(
                0, "Re-planned around pinned credential(s): " + ", ".join(g.label((Kind.credential, p)) for p in pinned)
            )
        pathway = assemble(
            g,
            draft.profile,
            planned.credential_ids,
            quality=planned.quality,
            planner=planned.planner,
            notes=notes,
            goal=draft.pathway.goal,
        )
        saved = self.store.update(
            actor,
            draft_id,
            what="replan",
            detail=f"{len(pathway.steps)} step(s)",
            pathway=pathway,
            fingerprint=self.service.fingerprint,
        )
        return self._opened(saved)

    def set_notes(self, actor: Actor, draft_id: str, notes: str) -> Opened:
        return self._opened(self.store.update(actor, draft_id, what="notes", notes=notes))

    def comparables(self, actor: Actor) -> list[tuple[str, str]]:
        """(label, key) of everything this user may compare: each draft, and each draft's planned alternatives."""
        out = []
        for summary in self.store.list(actor):
            draft = self.store.get(actor, summary.id)
            out.append((f"{draft.learner} [{draft.id[:8]}]", draft.id))
            out += [
                (f"{draft.learner} [{draft.id[:8]}], alternative {n}", f"{draft.id}{ALT}{n}")
                for n in range(1, len(draft.pathway.alternatives) + 1)
            ]
        return out

    def compare(self, actor: Actor, keys: Sequence[str]) -> list[Column]:
        """Two or three drafts or alternatives (``<draft id>#alt<n>``) side by side, on today's catalogue."""
        g = self.service.graph
        chosen: dict[str, Pathway] = {}
        for key in keys:
            draft_id, _, n = key.partition(ALT)
            opened = self.open(actor, draft_id)
            name = f"{opened.draft.learner} ({opened.draft.id[:8]})"
            if not n:
                chosen[name] = opened.pathway
                continue
            alternatives = opened.draft.pathway.alternatives
            if not n.isdigit() or not 1 <= int(n) <= len(alternatives):
                raise RequestError(
                    f"draft {draft_id[:8]} has no alternative {n}", where="compare", fix="pick one from the list"
                )
            order = [s.credential_id for s in alternatives[int(n) - 1].steps]
            chosen[f"{name} alternative {n}"] = assemble(g, opened.draft.profile, order, planner="alternative")
        return compare(g, chosen)

    def batch(
        self, actor: Actor, learners: Path, out: Path, *, progress: Callable[[int, int], None] | None = None
    ) -> list[Outcome]:
        """Plan a class from a CSV into a ZIP (as ``credpath batch``), keeping every planned row as a draft."""
        actor.require(Role.advisor, Role.admin)
        outcomes = self.service.batch(learners, out, progress=progress)
        for o in outcomes:
            if o.pathway is not None:
                self.store.create(
                    actor,
                    learner=o.row.learner,
                    profile=o.pathway.request,
                    pathway=o.pathway,
                    fingerprint=self.service.fingerprint,
                    detail=f"batch upload ({learners.name}, line {o.row.line})",
                )
        return outcomes

    def export(self, actor: Actor, draft_id: str, fmt: str) -> tuple[str, str]:
        """(file name, text) of the draft's current pathway in an export format."""
        opened = self.open(actor, draft_id)
        if fmt not in FORMATS:
            raise RequestError(f"unknown export format {fmt!r}", fix=f"use one of: {', '.join(FORMATS)}")
        return _file_name(opened.draft.learner) + FORMATS[fmt].suffix, self.service.export(opened.pathway, fmt)


def _with(profile: LearnerProfile, *, exclude: tuple[str, ...]) -> LearnerProfile:
    constraints = profile.constraints.model_copy(update={"exclude_credentials": tuple(dict.fromkeys(exclude))})
    return profile.model_copy(update={"constraints": constraints})


def _file_name(learner: str) -> str:
    """A safe file name stem from a learner's name."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", learner).strip("-.")
    return stem[:80] or "learner"
