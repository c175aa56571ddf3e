"""One LLM request end to end: the record of what the model did, its checked narrative, put into the plan."""

from __future__ import annotations

from graph.skillgraph import SkillGraph
from recommender.llm.explain import narrate
from recommender.llm.planner import LLMPlanner
from recommender.plan import Pathway, Understood


def finish(
    g: SkillGraph,
    pathway: Pathway,
    planner: LLMPlanner,
    *,
    understood: Understood | None = None,
    narrative: bool = True,
) -> Pathway:
    """``pathway`` with the model's record (rounds, repairs, price, tokens) and, if it holds up, its narrative.

    The narrative is written only about a verified plan, and only when the model planned it; when
    the check rejects it, a note says so and the templated explanation stands.
    """
    paragraphs: tuple[str, ...] = ()
    note = None
    first = planner.record()
    if first is None:
        return pathway
    if narrative and first.fallback is None and pathway.verification.valid:
        paragraphs, note = narrate(g, pathway, planner.session(), planner.rationale)
    record = (planner.record() or first).model_copy(update={"narrative": paragraphs, "understood": understood})
    explanation = (*pathway.explanation, note) if note else pathway.explanation
    return pathway.model_copy(update={"llm": record, "explanation": explanation})
