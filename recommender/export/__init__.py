"""Plan exporters, one module per format, and the one table that names them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graph.errors import RequestError
from graph.skillgraph import SkillGraph
from recommender.export import ctdl, html_page, markdown, plan_json
from recommender.plan import Pathway


@dataclass(frozen=True)
class Format:
    """One export format: how to write it, its file suffix and its media type."""

    name: str
    write: Callable[[Pathway, SkillGraph], str]
    suffix: str
    media_type: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", plan_json.write, ".json", "application/json"),
        Format("markdown", markdown.write, ".md", "text/markdown"),
        Format("ctdl", ctdl.write, ".jsonld", "application/ld+json"),
        Format("html", html_page.write, ".html", "text/html"),
    )
}


def export(pathway: Pathway, g: SkillGraph, fmt: str) -> str:
    """The pathway written in format ``fmt`` (one of ``FORMATS``)."""
    if fmt not in FORMATS:
        raise RequestError(f"unknown export format {fmt!r}", fix=f"use one of: {', '.join(FORMATS)}")
    return FORMATS[fmt].write(pathway, g)
