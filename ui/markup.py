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

DATA_MARKDOWN: dict[str, Any] = {"sanitize_html": True, "latex_delimiters": []}
"""The ``gr.Markdown`` keywords for any text that holds catalogue, plan or model text."""


def data_markdown(value: str | None = None, **kwargs: Any) -> gr.Markdown:
    """A ``gr.Markdown`` for text built with ``recommender.escape``: HTML sanitised, LaTeX not rendered."""
    return gr.Markdown(value, **DATA_MARKDOWN, **kwargs)
