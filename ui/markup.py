"""Gradio widgets that show Markdown built from catalogue or model text: sanitised, without LaTeX or raw HTML.

The Markdown itself is made safe where text enters it (``recommender.escape``); these widgets are the second
line: Gradio's sanitiser stays on and LaTeX is off, because Gradio finds ``$$...$$`` in the rendered text.
"""

from __future__ import annotations

import os
from typing import Any

# Gradio reads this when it is imported; the page must never phone home, whichever module loads it first.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from recommender.escape import html_text

DATA_MARKDOWN: dict[str, Any] = {"sanitize_html": True, "latex_delimiters": []}
"""The ``gr.Markdown`` keywords for any text that holds catalogue, plan or model text."""


def data_markdown(value: str | None = None, **kwargs: Any) -> gr.Markdown:
    """A ``gr.Markdown`` for text built with ``recommender.escape``: HTML sanitised, LaTeX not rendered."""
    return gr.Markdown(value, **DATA_MARKDOWN, **kwargs)


def alert(heading: str, message: str) -> str:
    """An error as a visible alert block: ``heading``, what is wrong, then the fix after its "Fix: " line.

    One HTML block with no blank line in it, so Markdown never starts inside it; the text is escaped, since
    ids, names and file names must not render as markup.

    >>> print(alert("Could not plan.", "x < 1\nFix: raise it").replace("</p>", "</p>\n"))
    <div class="credpath-error" role="alert"><p><strong>Could not plan.</strong> x &lt; 1</p>
    <p class="credpath-fix"><strong>How to fix it:</strong> raise it</p>
    </div>
    """
    what, _, fix = message.partition("\nFix: ")
    body = "<br>".join(html_text(line) for line in what.splitlines())
    fix_body = "<br>".join(html_text(line) for line in fix.splitlines())
    fix_html = f'<p class="credpath-fix"><strong>How to fix it:</strong> {fix_body}</p>' if fix else ""
    head = f"<p><strong>{html_text(heading)}</strong> {body}</p>"
    return f'<div class="credpath-error" role="alert">{head}{fix_html}</div>'


def picture(label: str, elem_id: str) -> gr.Image:
    """A server-drawn picture, hidden until there is one.

    The picture carries its own title, so the block's label is not drawn over its top corner; it stays the
    block's accessible name and the image's alt text.
    """
    return gr.Image(
        label=label,
        show_label=False,
        alt_text=label,
        type="filepath",
        format="png",
        interactive=False,
        visible=False,
        buttons=["download", "fullscreen"],
        elem_id=elem_id,
    )
