"""The plan check on the learner page: upload a plan JSON and see whether it holds against this catalogue."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from graph.errors import CredpathError, PlanFileError
from recommender.escape import html_text
from recommender.plan import Pathway, read_plan
from recommender.service import CredpathService
from ui import serving
from ui.markup import alert, data_markdown

MAX_PLAN_MB = 5
"""Largest plan file the check reads (a plan of hundreds of steps is well under 1 MB)."""

LABEL = f"Plan file to check (a plan JSON from this page or `credpath plan --format json`, up to {MAX_PLAN_MB} MB)"


def _alert(message: str) -> str:
    return alert("Could not check the plan.", message)


def read_uploaded_plan(upload: str) -> Pathway:
    """The plan in the uploaded file, read as ``credpath verify`` reads one; PlanFileError says why it is none."""
    path = Path(upload)
    size = path.stat().st_size
    if size > MAX_PLAN_MB * 2**20:
        raise PlanFileError(
            f"the file is {size / 2**20:.1f} MB; the check reads plan files up to {MAX_PLAN_MB} MB",
            fix="upload the plan JSON itself, or run `credpath verify PLAN.json` on your own machine",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PlanFileError(
            "the file is not UTF-8 text, so it is no plan JSON", fix="upload the plan's .json file"
        ) from None
    return read_plan(text, where=path.name)


def check_handler(service: CredpathService, upload: str | None) -> str:
    """The verifier's verdict on an uploaded plan as Markdown, or a readable message about the file."""
    if not upload:
        return _alert("no plan file chosen\nFix: choose a plan JSON file, then press “Check the plan”")
    try:
        plan = read_uploaded_plan(upload)
    except CredpathError as exc:
        return _alert(exc.message)
    verdict = service.verify(plan)
    checks = f"{len(verdict.checks)} checks ({', '.join(verdict.checks)})"
    if verdict.valid:
        return f"**Valid**: the plan holds against this catalogue; {checks} passed."
    problems = "".join(
        f"<li><code>{html_text(f.pointer)}</code>: {html_text(f.message)} <em>Fix:</em> {html_text(f.fix)}</li>"
        for f in verdict.findings
    )
    head = f"<p><strong>Invalid</strong>: {checks}.</p>"
    return f'<div class="credpath-error" role="alert">{head}<ul>{problems}</ul></div>'


def render(service: CredpathService) -> None:
    """The plan check, laid out inside the current ``gr.Blocks`` (under the learner page)."""
    with gr.Accordion("Check a plan file", open=False, elem_id="check"):
        upload = gr.File(label=LABEL, type="filepath", file_count="single", elem_id="check-upload")
        verdict = data_markdown(elem_id="check-verdict")
        button = gr.Button("Check the plan", elem_id="check-run")

    button.click(
        lambda path: check_handler(service, path),
        inputs=[upload],
        outputs=[verdict],
        api_name="check_plan",
        api_visibility="private",
        **serving.pool(serving.SOLVE_POOL),
    )
