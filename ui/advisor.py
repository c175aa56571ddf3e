"""The Advisor tab: drafts for many learners, edited with live verification, compared, exported, batch-made.

The handlers are plain Python over the drafts workspace so that tests call them directly; each takes the signed-in
user and the workspace checks that user's role and ownership itself (a hidden tab is not access control). ``render``
only lays the tab out and wires the handlers, resolving the user from ``gr.Request`` on every event.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr
from pydantic import ValidationError

from graph.errors import CredpathError
from recommender import batch
from recommender.drafts.compare import to_markdown as compare_markdown
from recommender.drafts.workspace import Opened, Workspace
from recommender.escape import markdown_text
from recommender.export import FORMATS
from recommender.profile import Constraints, LearnerProfile, Objective, Targets
from recommender.users import LOCAL, AccessDeniedError, Actor, AuthFile
from ui import learner
from ui.draftview import draft_html, error_html
from ui.markup import data_markdown
from ui.pickers import options, picker

log = logging.getLogger(__name__)
DOWNLOADS = Path(tempfile.gettempdir()) / "credpath-advisor"
PROGRESS = gr.Progress()


@dataclass(frozen=True)
class View:
    """What the draft panel shows: its HTML, the open draft's id, its steps as picker choices."""

    html: str
    draft_id: str | None = None
    steps: list[tuple[str, str]] = field(default_factory=list)
    notes: str = ""


def actor_for(auth: AuthFile | None, username: str | None) -> Actor:
    """The user an event is for: the single local user without an auth file, else the signed-in user."""
    if auth is None:
        return LOCAL
    found = auth.actor(username) if username else None
    if found is None:
        raise AccessDeniedError("not signed in", fix="sign in again")
    return found


def _guard(what: Callable[[], View]) -> View:
    try:
        return what()
    except CredpathError as exc:
        return View(error_html(learner.in_page_terms(exc)))
    except ValidationError as exc:
        return View(error_html(learner.validation_message(exc)))
    except Exception as exc:
        log.exception("advisor action failed unexpectedly")
        return View(error_html(f"credpath failed unexpectedly ({type(exc).__name__}).\nFix: report this as a bug."))


def _view(ws: Workspace, opened: Opened) -> View:
    steps = [(f"{s.index}. {s.name} · {s.provider}", s.credential_id) for s in opened.pathway.steps]
    return View(draft_html(ws, opened), opened.draft.id, steps, opened.draft.notes)


def draft_choices(ws: Workspace, actor: Actor) -> list[tuple[str, str]]:
    """The drafts this user may open, labelled for a picker."""
    return [
        (
            f"{d.learner} · {d.steps} step(s){'' if d.valid else ' · NEEDS ATTENTION'} · {d.updated_at:%Y-%m-%d}"
            + (f" · {d.owner}" if actor.role.value == "admin" else "")
            + f" [{d.id[:8]}]",
            d.id,
        )
        for d in ws.drafts(actor)
    ]


def new_draft(
    ws: Workspace,
    actor: Actor,
    learner_name: str,
    occupation: str | None,
    skills: Sequence[str] | None,
    credentials: Sequence[str] | None,
    have: Sequence[str] | None,
    max_hours: str | float | None,
    max_cost: str | float | None,
    hours_per_week: str | float | None,
    objective: str | None,
) -> View:
    """Plan for a learner and save it as a draft owned by ``actor``."""

    def run() -> View:
        profile = LearnerProfile(
            targets=Targets(
                occupation=occupation or None, skills=tuple(skills or ()), credentials=tuple(credentials or ())
            ),
            have=tuple(have or ()),
            constraints=Constraints(
                max_hours=learner.number_field("max_hours", max_hours),
                max_cost=learner.number_field("max_cost", max_cost),
                hours_per_week=learner.number_field("hours_per_week", hours_per_week),
            ),
            objective=objective or Objective.hours.value,
        )
        return _view(ws, ws.new(actor, learner_name or "", profile))

    return _guard(run)


def open_draft(ws: Workspace, actor: Actor, draft_id: str | None) -> View:
    """Open a draft: re-verified against today's catalogue, with what changed."""
    if not draft_id:
        return View(error_html("no draft chosen\nFix: pick a draft from the list, or draft a new one"))
    return _guard(lambda: _view(ws, ws.open(actor, draft_id)))


def edit_draft(
    ws: Workspace, actor: Actor, draft_id: str | None, action: str, step: str | None, other: str | None = None
) -> View:
    """Apply one edit (remove, swap, add, pin, unpin, up, down, held) and show the re-verified draft."""
    if not draft_id or not step:
        return View(error_html("no draft or step chosen\nFix: open a draft and pick a step (or a credential to add)"))
    return _guard(lambda: _view(ws, ws.edit(actor, draft_id, action, step, other)))


def replan_draft(ws: Workspace, actor: Actor, draft_id: str | None) -> View:
    """Re-plan the rest: pins and the learner's choices kept, the gap filled optimally."""
    if not draft_id:
        return View(error_html("no draft open\nFix: open a draft first"))
    return _guard(lambda: _view(ws, ws.replan(actor, draft_id)))


def save_notes(ws: Workspace, actor: Actor, draft_id: str | None, notes: str) -> View:
    if not draft_id:
        return View(error_html("no draft open\nFix: open a draft first"))
    return _guard(lambda: _view(ws, ws.set_notes(actor, draft_id, notes or "")))


def step_alternatives(ws: Workspace, actor: Actor, draft_id: str | None, step: str | None) -> list[tuple[str, str]]:
    """Credentials that could replace the step, cheapest first (empty when none or nothing is chosen)."""
    if not draft_id or not step:
        return []
    try:
        return [(label, ident) for ident, label in ws.alternatives(actor, draft_id, step)]
    except CredpathError:
        return []


def compare_drafts(ws: Workspace, actor: Actor, draft_ids: Sequence[str] | None) -> str:
    """Two or three drafts or alternatives (see ``Workspace.comparables``) side by side, as Markdown."""
    try:
        return compare_markdown(ws.compare(actor, list(draft_ids or ())))
    except CredpathError as exc:
        return error_html(exc.message)


def _download(name: str, text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    folder = DOWNLOADS / hashlib.sha256(data).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return str(path)


def export_draft(ws: Workspace, actor: Actor, draft_id: str | None, fmt: str) -> tuple[str | None, str]:
    """(path of the exported file, message) for the open draft in ``fmt``."""
    if not draft_id:
        return None, error_html("no draft open\nFix: open a draft first")
    try:
        name, text = ws.export(actor, draft_id, fmt)
    except CredpathError as exc:
        return None, error_html(exc.message)
    return _download(name, text), f"Exported {markdown_text(name)}."


def batch_upload(
    ws: Workspace, actor: Actor, csv_path: str | None, progress: Callable[[int, int], None] | None = None
) -> tuple[str | None, str]:
    """Plan a class from a CSV: every planned row saved as a draft of ``actor``; (ZIP path, summary as Markdown)."""
    if not csv_path:
        return None, error_html("no file uploaded\nFix: upload a learners CSV (see the example)")
    zip_path = DOWNLOADS / f"drafts-{uuid.uuid4().hex[:12]}.zip"
    try:
        outcomes = ws.batch(actor, Path(csv_path), zip_path, progress=progress)
    except CredpathError as exc:
        return None, error_html(exc.message)
    planned = sum(o.pathway is not None for o in outcomes)
    lines = [f"**{planned} of {len(outcomes)} learner(s) planned** and saved as drafts.", ""]
    lines += ["| Learner | Status | Message |", "|---|---|---|"]
    lines += [f"| {markdown_text(o.row.learner)} | {o.status} | {markdown_text(o.message) or '—'} |" for o in outcomes]
    return str(zip_path), "\n".join(lines)


# -- the tab -------------------------------------------------------------------------------------------------


def who_line(auth: AuthFile | None, username: str | None) -> str:
    """Who the page is for: the signed-in user and role, or the single-user notice."""
    if auth is None:
        return "Single-user mode: no sign-in, for use on this computer only (127.0.0.1)."
    actor = actor_for(auth, username)
    return f"Signed in as **{markdown_text(actor.username)}** ({actor.role.value})."


def render(ws: Workspace, auth: AuthFile | None) -> None:
    """Lay out the Advisor tab inside the current ``gr.Blocks`` and wire every control to its handler.

    Every event resolves the user from ``gr.Request`` itself and the workspace checks role and ownership.
    """

    def user(request: gr.Request) -> Actor:
        return actor_for(auth, getattr(request, "username", None))

    with gr.Row():
        who = data_markdown(elem_id="advisor-who")
        gr.Button("Sign out", link="/logout", visible=auth is not None, size="sm", elem_id="advisor-signout")
    with gr.Row():
        drafts = gr.Dropdown(
            [], label="Drafts", allow_custom_value=True, filterable=True, elem_id="advisor-drafts", scale=4
        )
        open_button = gr.Button("Open", elem_id="advisor-open", scale=1)
    with gr.Accordion("New draft", open=True):
        with gr.Row():
            name = gr.Textbox(label="Learner", max_lines=1, elem_id="advisor-learner")
            occupation = picker(
                options(ws.service, "occupation"),
                label="Target occupation",
                multiselect=False,
                value=None,
                elem_id="advisor-occupation",
            )
            skills = picker(options(ws.service, "skill"), label="Target skills", multiselect=True)
            credentials = picker(options(ws.service, "credential"), label="Target credentials", multiselect=True)
        with gr.Row():
            have = picker(options(ws.service, "held"), label="Already holds", multiselect=True)
            max_hours = gr.Textbox(label="Max total hours", placeholder="no limit", max_lines=1)
            max_cost = gr.Textbox(label="Max total cost", placeholder="no limit", max_lines=1)
            hours_per_week = gr.Textbox(label="Hours per week", placeholder="optional", max_lines=1)
            objective = gr.Radio(
                [("hours", "hours"), ("cost", "cost")], value="hours", label="Minimise", elem_id="advisor-objective"
            )
        new_button = gr.Button("Draft pathway", variant="primary", elem_id="advisor-new")
    # The open draft's id lives in the page (not only in server state) so the API can name a draft too; every
    # handler checks that the signed-in user may open it.
    draft_id = gr.Textbox(visible=False, elem_id="advisor-draft-id")
    view = gr.HTML("Open a draft or draft a new one.", elem_id="advisor-view")
    with gr.Row():
        step = gr.Dropdown([], label="Step", elem_id="advisor-step", scale=3)
        edit_buttons = {
            action: gr.Button(label, size="sm", elem_id=f"advisor-{action}")
            for action, label in (
                ("remove", "Remove"),
                ("up", "Move up"),
                ("down", "Move down"),
                ("pin", "Pin"),
                ("unpin", "Unpin"),
                ("held", "Learner holds it"),
            )
        }
    with gr.Row():
        alternative = gr.Dropdown([], label="Swap for (cheapest first)", elem_id="advisor-alternative", scale=3)
        swap_button = gr.Button("Swap", size="sm", elem_id="advisor-swap")
        to_add = picker(
            options(ws.service, "credential"),
            label="Add a credential",
            multiselect=False,
            value=None,
            scale=3,
            elem_id="advisor-to-add",
        )
        add_button = gr.Button("Add", size="sm", elem_id="advisor-add")
        replan_button = gr.Button("Re-plan the rest", variant="primary", elem_id="advisor-replan")
    with gr.Row():
        notes = gr.Textbox(label="Notes", lines=2, scale=4, elem_id="advisor-notes")
        notes_button = gr.Button("Save notes", size="sm", scale=1)
    with gr.Accordion("Compare", open=False):
        compare_pick = gr.Dropdown(
            [],
            multiselect=True,
            max_choices=3,
            label="Two or three drafts or planned alternatives",
            elem_id="advisor-compare-pick",
        )
        compare_button = gr.Button("Compare", elem_id="advisor-compare")
        compared = data_markdown(elem_id="advisor-compared")
    with gr.Accordion("Export", open=False):
        with gr.Row():
            fmt = gr.Radio(list(FORMATS), value="ctdl", label="Format", elem_id="advisor-format")
            export_button = gr.Button("Export", elem_id="advisor-export")
        exported = gr.File(label="Download", elem_id="advisor-download")
        export_message = data_markdown()
    with gr.Accordion("Batch: a class from a spreadsheet", open=False):
        data_markdown(
            "One row per learner. Columns: "
            + ", ".join(f"`{c}`" for c in batch.COLUMNS)
            + ". Lists are separated by `;`."
        )
        upload = gr.File(label="Learners CSV", file_types=[".csv"], elem_id="advisor-batch-file")
        batch_button = gr.Button("Plan the class", elem_id="advisor-batch")
        batch_zip = gr.File(label="Drafts ZIP")
        batch_summary = data_markdown()

    def listings(actor: Actor) -> tuple[Any, Any]:
        return gr.Dropdown(choices=draft_choices(ws, actor)), gr.Dropdown(choices=ws.comparables(actor))

    def show(v: View, actor: Actor) -> tuple[Any, ...]:
        if v.draft_id is None:  # an error: show it, keep the open draft as it was
            return (v.html, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip())
        listed, compare_listed = listings(actor)
        return (
            v.html,
            v.draft_id,
            gr.Dropdown(choices=v.steps, value=None),
            v.notes,
            gr.Dropdown(choices=listed.choices, value=v.draft_id) if v.draft_id else listed,
            compare_listed,
        )

    panel = [view, draft_id, step, notes, drafts, compare_pick]

    def guarded(fn: Callable[[Actor], View], request: gr.Request) -> tuple[Any, ...]:
        try:
            actor = user(request)
        except CredpathError as exc:
            return (error_html(exc.message), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip())
        return show(fn(actor), actor)

    def on_load(request: gr.Request) -> tuple[Any, ...]:
        try:
            actor = user(request)
            line = who_line(auth, getattr(request, "username", None))
            listed, compare_listed = listings(actor)
        except CredpathError as exc:
            return error_html(exc.message), gr.Dropdown(), gr.Dropdown()
        return line, listed, compare_listed

    def on_new(
        learner_name: str,
        occupation: str | None,
        skills: list[str] | None,
        credentials: list[str] | None,
        have: list[str] | None,
        max_hours: str,
        max_cost: str,
        hours_per_week: str,
        objective: str,
        request: gr.Request,
    ) -> tuple[Any, ...]:
        form = (learner_name, occupation, skills, credentials, have, max_hours, max_cost, hours_per_week, objective)
        return guarded(lambda a: new_draft(ws, a, *form), request)

    def on_open(chosen: str | None, request: gr.Request) -> tuple[Any, ...]:
        return guarded(lambda a: open_draft(ws, a, chosen), request)

    def on_edit(action: str) -> Callable[..., tuple[Any, ...]]:
        def run(current: str | None, picked: str | None, request: gr.Request) -> tuple[Any, ...]:
            return guarded(lambda a: edit_draft(ws, a, current, action, picked), request)

        return run

    def on_swap(current: str | None, picked: str | None, other: str | None, request: gr.Request) -> tuple[Any, ...]:
        return guarded(lambda a: edit_draft(ws, a, current, "swap", picked, other), request)

    def on_add(current: str | None, picked: str | None, request: gr.Request) -> tuple[Any, ...]:
        return guarded(lambda a: edit_draft(ws, a, current, "add", picked), request)

    def on_replan(current: str | None, request: gr.Request) -> tuple[Any, ...]:
        return guarded(lambda a: replan_draft(ws, a, current), request)

    def on_notes(current: str | None, text: str, request: gr.Request) -> tuple[Any, ...]:
        return guarded(lambda a: save_notes(ws, a, current, text), request)

    def on_step(current: str | None, picked: str | None, request: gr.Request) -> Any:
        try:
            options = step_alternatives(ws, user(request), current, picked)
        except CredpathError:
            options = []
        return gr.Dropdown(choices=options, value=None)

    def on_compare(picked: list[str] | None, request: gr.Request) -> str:
        try:
            return compare_drafts(ws, user(request), picked)
        except CredpathError as exc:
            return error_html(exc.message)

    def on_export(current: str | None, chosen: str, request: gr.Request) -> tuple[Any, str]:
        try:
            return export_draft(ws, user(request), current, chosen)
        except CredpathError as exc:
            return None, error_html(exc.message)

    def on_batch(path: str | None, request: gr.Request, progress: Any = PROGRESS) -> tuple[Any, str]:
        def report(done: int, total: int) -> None:
            progress((done, total), desc="planning learners")

        try:
            return batch_upload(ws, user(request), path, report)
        except CredpathError as exc:
            return None, error_html(exc.message)

    form_inputs = [name, occupation, skills, credentials, have, max_hours, max_cost, hours_per_week, objective]
    gr.on(None, on_load, inputs=None, outputs=[who, drafts, compare_pick], api_visibility="private")
    new_button.click(on_new, inputs=form_inputs, outputs=panel, api_name="advisor_new")
    open_button.click(on_open, inputs=[drafts], outputs=panel, api_name="advisor_open")
    for action, button in edit_buttons.items():
        button.click(on_edit(action), inputs=[draft_id, step], outputs=panel, api_name=f"advisor_{action}")
    step.change(on_step, inputs=[draft_id, step], outputs=[alternative], api_visibility="private")
    swap_button.click(on_swap, inputs=[draft_id, step, alternative], outputs=panel, api_name="advisor_swap")
    add_button.click(on_add, inputs=[draft_id, to_add], outputs=panel, api_name="advisor_add")
    replan_button.click(on_replan, inputs=[draft_id], outputs=panel, api_name="advisor_replan")
    notes_button.click(on_notes, inputs=[draft_id, notes], outputs=panel, api_name="advisor_notes")
    compare_button.click(on_compare, inputs=[compare_pick], outputs=[compared], api_name="advisor_compare")
    export_button.click(
        on_export, inputs=[draft_id, fmt], outputs=[exported, export_message], api_name="advisor_export"
    )
    batch_button.click(on_batch, inputs=[upload], outputs=[batch_zip, batch_summary], api_name="advisor_batch")
