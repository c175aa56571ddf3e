"""The Markdown export: the same readable plan the CLI and the learner page show."""

from __future__ import annotations

from graph.skillgraph import SkillGraph
from recommender.plan import Pathway
from recommender.render import to_markdown


def write(pathway: Pathway, g: SkillGraph) -> str:
    """The pathway as Markdown: ordered table, totals, what is not covered and why, proof status."""
    return to_markdown(pathway, g)
