"""The plan JSON export: the documented Pathway contract (``credpath schema plan``)."""

from __future__ import annotations

from graph.skillgraph import SkillGraph
from recommender.plan import Pathway


def write(pathway: Pathway, g: SkillGraph) -> str:
    """The pathway as indented plan JSON; the catalogue is not needed, only accepted for a uniform signature."""
    del g
    return pathway.model_dump_json(indent=2)
