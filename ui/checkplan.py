"""The plan check on the learner page: upload a plan JSON and see whether it holds against this catalogue."""

from __future__ import annotations

import html
import os
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr
from pydantic import ValidationError

from recommender.plan import Pathway
from recommender.service import CredpathService
from ui import serving
from ui.learner import error_markdown

MAX_PLAN_MB = 5
"""Largest plan file the check reads (a plan of hundreds of steps is well under 1 MB)."""

LABEL = f"Plan file to check (a plan JSON from this page or `credpath plan --format json`, up to {MAX_PLAN_MB} MB)"


def _alert(message: str) -> str:
    return error_markdown(message).replace("Could not plan.", "Could not check the plan.", 1)


def read_plan(upload: str) -> Pathway | str:
    """The plan in the file at ``upload``, or a readable message saying why it is not one."""
    path = Path(upload)
    size = path.stat().st_size
    if size > MAX_PLAN_MB * 2**20:
        return (
            f"the file is {size / 2**20:.1f} MB; the check reads plan files up to {MAX_PLAN_MB} MB\n"
            "Fix: upload the plan JSON itself, or run `credpath verify PLAN.json` on your own machine"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return "the file is not text in UTF-8, so it is no plan JSON\nFix: upload the plan's .json file"
    try:
        return Pathway.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            return f"the file is not JSON ({first['msg']})\nFix: upload the plan's .json file, unchanged"
        problems = [f"/{'/'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]]
        more = f" and {len(exc.errors()) - 5} more" if len(exc.errors()) > 5 else ""
        return (
            "the file is JSON but not a credpath plan: " + "; ".join(problems) + more + "\n"
            "Fix: upload a plan JSON as this page or `credpath plan --format json` writes it (`credpath schema plan`)"
        )


def check_handler(service: CredpathService, upload: str | None) -> str:
    """The verifier's verdict on an uploaded plan as Markdown, or a readable message about the file."""
    if not upload:
        return _alert("no plan file chosen\nFix: choose a plan JSON file, then press “Check the plan”")
    plan = read_plan(upload)
    if isinstance(plan, str):
        return _alert(plan)
    verdict = service.verify(plan)
    checks = f"{len(verdict.checks)} checks ({', '.join(verdict.checks)})"
    if verdict.valid:
        return f"**Valid**: the plan holds against this catalogue; {checks} passed."
    problems = "".join(f"<li>{html.escape(p, quote=False)}</li>" for p in verdict.problems)
    head = f"<p><strong>Invalid</strong>: {checks}.</p>"
    return f'<div class="credpath-error" role="alert">{head}<ul>{problems}</ul></div>'


def render(service: CredpathService) -> None:
    """The plan check, laid out inside the current ``gr.Blocks`` (under the learner page)."""
    with gr.Accordion("Check a plan file", open=False, elem_id="check"):
        upload = gr.File(label=LABEL, type="filepath", file_count="single", elem_id="check-upload")
        verdict = gr.Markdown(elem_id="check-verdict")
        button = gr.Button("Check the plan", elem_id="check-run")

    button.click(
        lambda path: check_handler(service, path),
        inputs=[upload],
        outputs=[verdict],
        api_name="check_plan",
        api_visibility="private",
        **serving.pool(serving.SOLVE_POOL),
    )
