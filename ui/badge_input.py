"""The learner page's badges: upload the badges you hold, see each one verified offline, and plan with them.

The handlers are plain Python over ``CredpathService`` so tests call them directly; ``render`` lays the box out
and ``BadgeInput.connect`` wires it. Nothing is fetched: status lists, DID documents and anchoring records a
badge needs are uploaded beside it, and a badge whose checks cannot be done offline is "unverifiable".
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Gradio reads this when it is imported; the page must never phone home, whichever module loads it first.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from graph.errors import ConfigError, CredpathError, RequestError
from graph.model import Kind
from ingest.badges import BadgeResult, BadgeStatus, sort_support
from recommender.badges import why_not_counted
from recommender.escape import markdown_text
from recommender.service import CredpathService
from ui import serving
from ui.markup import alert, data_markdown

BADGES_LABEL = "Your badges"
TRUST_LABEL = "Issuers you trust (trust file, optional)"
SUPPORT_LABEL = "Status lists, DID documents and anchor records the badges need (optional)"
ACCEPT_LABEL = "Also count badges that cannot be verified offline"

HEADING = "Could not read the badges."

MAX_BADGES = 50
"""Badge files taken in one go; a wallet export with more is split or exported as one CLR."""

MAX_SUPPORT = 50
"""Status lists, DID documents and anchor records taken in one go."""


@dataclass(frozen=True)
class Uploads:
    """The badge box's files as the page hands them over: paths (Gradio's temp copies) and the accept tick."""

    badges: tuple[str, ...] = ()
    trust: str | None = None
    support: tuple[str, ...] = ()
    accept_unverified: bool = False

    @classmethod
    def of(
        cls,
        badges: Sequence[str] | str | None,
        trust: str | None,
        support: Sequence[str] | str | None,
        accept_unverified: bool | None,
    ) -> Uploads:
        return cls(_paths(badges), trust or None, _paths(support), bool(accept_unverified))


def _paths(value: Sequence[str] | str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _check_sizes(service: CredpathService, paths: Sequence[str], field: str) -> None:
    """Refuse a trust or verification file above the badge size limit before reading it."""
    limit = service.settings.max_badge_mb
    for path in paths:
        size = Path(path).stat().st_size
        if size > limit * 2**20:
            raise RequestError(
                f"{Path(path).name} is {size / 2**20:.1f} MB; files here may be up to {limit:g} MB",
                field=field,
                fix="give the issuer's own status list, DID document or trust file, not an archive of them",
            )


def inspect(service: CredpathService, uploads: Uploads) -> list[BadgeResult]:
    """Every uploaded badge verified offline against the uploaded trust and verification files, and mapped
    onto the catalogue; each result's ``source`` is the file's own name, not the server's temp path.

    Raises RequestError (field "badges") for too many files, and ConfigError naming the file when a trust
    or verification file cannot be used.
    """
    if not uploads.badges:
        return []
    if len(uploads.badges) > MAX_BADGES or len(uploads.support) > MAX_SUPPORT:
        raise RequestError(
            f"{len(uploads.badges)} badges and {len(uploads.support)} verification files were given; "
            f"the page takes up to {MAX_BADGES} of each",
            field="badges",
            fix="upload fewer files at a time, or a wallet's CLR export that holds them all",
        )
    _check_sizes(service, [*uploads.support, *([uploads.trust] if uploads.trust else [])], "badges")
    try:
        support = sort_support([Path(p) for p in uploads.support])
        results = service.inspect_badges(
            [Path(p) for p in uploads.badges],
            trust=Path(uploads.trust) if uploads.trust else None,
            status=support.status,
            dids=support.dids,
            anchors=support.anchors,
        )
    except ConfigError as exc:
        # Name the file as the learner uploaded it, not by the server's temp copy.
        where = Path(exc.where).name if exc.where else None
        raise ConfigError(exc.what, where=where, fix=exc.fix) from None
    return [r.model_copy(update={"source": _named(r.source, uploads.badges)}) for r in results]


def _named(source: str, paths: Sequence[str]) -> str:
    """A result's source with the upload's temp folder left out (a CLR entry keeps its JSON pointer)."""
    for path in paths:
        if source == path or source.startswith(f"{path}#"):
            return Path(path).name + source[len(path) :]
    return source


def report(service: CredpathService, results: Sequence[BadgeResult], *, accept_unverified: bool) -> str:
    """The badges as a Markdown table: verdict, issuer, whether it counts as held and what it maps to.

    Every string from a badge is escaped; a failed check is named so the learner knows why.
    """
    if not results:
        return "No badges given. Upload the badges you hold and what they prove is skipped in your plan."
    rows = ["| Badge | Verdict | Issuer (trusted?) | Counts as held | Maps to |", "|---|---|---|---|---|"]
    for r in results:
        failed = [c.message for c in r.checks if c.outcome.value in ("failed", "unverifiable")]
        verdict = r.status.value + (f": {failed[0]}" if failed and r.status is not BadgeStatus.verified else "")
        issuer = f"{r.issuer_name or r.issuer or 'unknown'} ({r.trusted})"
        reason = why_not_counted(r, accept_unverified=accept_unverified)
        counted = f"no: {reason}" if reason else "yes"
        maps = "; ".join(
            f"{service.graph.label((Kind(m.kind), m.id))} ({m.kind}{', a guess' if m.proposal else ''})"
            for m in r.maps_to
        )
        cells = [r.name or r.source, verdict, issuer, counted, maps or "nothing in this catalogue"]
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    held = sum(1 for r in results if not why_not_counted(r, accept_unverified=accept_unverified))
    rows.append("")
    rows.append(f"{held} of {len(results)} badge(s) count as held; guesses (low-confidence matches) never do.")
    return "\n".join(rows)


def _cell(text: str) -> str:
    return markdown_text(text).replace("|", "\\|").replace("\n", " ")


def report_handler(service: CredpathService, *values: Any) -> str:
    """What the box shows once files are uploaded (values as ``BadgeInput.inputs`` gives them)."""
    uploads = Uploads.of(*values)
    try:
        results = inspect(service, uploads)
    except (ConfigError, RequestError) as exc:
        return alert(HEADING, exc.render({"badges": f"“{BADGES_LABEL}”"}))
    except CredpathError as exc:
        return alert(HEADING, exc.message)
    return report(service, results, accept_unverified=uploads.accept_unverified)


@dataclass
class BadgeInput:
    """The badge box's widgets; ``inputs`` are the values the plan button passes on to ``plan_form``."""

    service: CredpathService
    badges: gr.File
    trust: gr.File
    support: gr.File
    accept: gr.Checkbox
    message: gr.Markdown

    @property
    def inputs(self) -> list[Any]:
        return [self.badges, self.trust, self.support, self.accept]

    def connect(self) -> None:
        """Inspect the badges whenever a file or the accept tick changes, and show the verdicts."""
        for widget in self.inputs:
            widget.change(
                lambda *values: report_handler(self.service, *values),
                inputs=self.inputs,
                outputs=[self.message],
                api_visibility="private",
                **serving.pool(serving.SOLVE_POOL),
            )


def render(service: CredpathService) -> BadgeInput:
    """Lay out the badge box inside the current ``gr.Blocks`` and connect it."""
    badges = gr.File(label=BADGES_LABEL, file_count="multiple", type="filepath", elem_id="learner-badges", height=120)
    gr.Markdown(
        "Open Badges 2.0/3.0 (JSON, baked PNG or SVG), VC-JWT, CLR or Blockcerts files; checked here, offline.",
        elem_classes=["credpath-hint"],
    )
    with gr.Accordion("Badge verification files (optional)", open=False, elem_id="learner-badge-files"):
        trust = gr.File(label=TRUST_LABEL, file_count="single", type="filepath", elem_id="learner-badge-trust")
        support = gr.File(label=SUPPORT_LABEL, file_count="multiple", type="filepath", elem_id="learner-badge-support")
    accept = gr.Checkbox(label=ACCEPT_LABEL, value=False, elem_id="learner-accept-unverified")
    message = data_markdown(elem_id="learner-badge-report")
    box = BadgeInput(service, badges, trust, support, accept, message)
    box.connect()
    return box
