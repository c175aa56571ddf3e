"""A language model reorders a goal's candidates: only among the ids retrieval returned; a failure keeps its order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.errors import ConfigError, LLMError
from recommender.goals import Reranked
from recommender.llm.answers import RankingAnswer
from recommender.llm.config import Session
from recommender.llm.prompts import rerank_messages
from recommender.plan import GoalCandidate
from recommender.settings import LLMSettings


def rerank(text: str, candidates: Sequence[GoalCandidate], session: Session) -> Reranked:
    """``candidates`` in the model's order, then those it left out in retrieval's order, with notes.

    Ids the model invents are dropped and named in a note; when the model fails or times out, retrieval's
    order stands and a note says why. Nothing outside ``candidates`` can come back.
    """
    offline = tuple(c.id for c in candidates)
    if len(offline) < 2:
        return Reranked(offline)
    entries = [{"id": c.id, "label": c.label, "kind": c.kind} for c in candidates]
    try:
        answer = session.ask(rerank_messages(text, entries), RankingAnswer)
    except (LLMError, ConfigError) as exc:
        return Reranked(offline, (f"the model could not rank the candidates ({exc.what}); retrieval's order stands",))
    known = set(offline)
    ranked = tuple(dict.fromkeys(i for i in answer.ids if i in known))
    invented = list(dict.fromkeys(i for i in answer.ids if i not in known))
    notes = [f"candidates ranked by {session.model_name} among what retrieval found"] if ranked else []
    if invented:
        notes.append("not among the candidates, so dropped: " + ", ".join(repr(i) for i in invented[:5]))
    return Reranked((*ranked, *(i for i in offline if i not in ranked)), tuple(notes))


class GoalReranker:
    """The goal resolver's reranker over the configured model (``CREDPATH_LLM*``): one session per goal.

    ``model`` stands in for the configured one (a LangChain chat model, e.g. a fake in tests).
    """

    def __init__(self, settings: LLMSettings | None = None, *, model: Any = None) -> None:
        self.settings = settings or LLMSettings()
        self._model = model

    @property
    def configured(self) -> bool:
        return self._model is not None or self.settings.configured

    def __call__(self, text: str, candidates: Sequence[GoalCandidate]) -> Reranked:
        make = (lambda _timeout: self._model) if self._model is not None else None
        return rerank(text, candidates, Session(self.settings, make_model=make))
