"""The LLM planner: propose with a language model, critique with the verifier, repair with the exact planner."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

from graph.errors import ConfigError, LLMAnswerError, LLMError
from graph.model import Kind
from recommender.build import PREFERRED
from recommender.llm.answers import PlanAnswer
from recommender.llm.config import Session
from recommender.llm.prompts import feedback_message, plan_messages
from recommender.llm.repair import Fault, covered, diagnose, name, prune, repair, sanitize, topological, totals
from recommender.plan import LLMRun, PreferencePrice, Quality, TokenUsage, Verification
from recommender.planners import ExactPlanner, Proposal
from recommender.problem import PlanProblem
from recommender.settings import LLMSettings, PlannerSettings

MAX_CANDIDATES = 80


@dataclass
class _Run:
    """One request's rounds: the conversation, the exact reference and what happened so far."""

    problem: PlanProblem
    session: Session
    exact: Proposal
    exact_order: list[str]
    required: frozenset[str]
    messages: list[BaseMessage]
    started: float = field(default_factory=time.perf_counter)
    rounds: int = 0
    faults: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    fallback: str | None = None
    last: list[str] = field(default_factory=list)
    last_faults: list[Fault] = field(default_factory=list)
    rationale: dict[str, str] = field(default_factory=dict)
    kinds: list[frozenset[str]] = field(default_factory=list)


class LLMPlanner:
    """Plans with a language model inside the verifier's rules; never returns what it cannot stand behind.

    Round 1 asks the model for an ordered pathway with the exact plan as reference. Invented ids and
    repeats are dropped and padding pruned (each listed); the service verifies and calls back with
    the verdict, which goes to the model as precise messages. On the last round anything still wrong
    is repaired with the exact plan. Any model failure gives the exact plan with a note saying why.
    """

    name = "llm"

    def __init__(self, settings: LLMSettings | None = None, *, model: Any = None, rounds: int | None = None) -> None:
        self.settings = settings or LLMSettings()
        self._model = model
        self.rounds = rounds or PlannerSettings().planner_rounds
        self._run: _Run | None = None
        self._session: Session | None = None

    @property
    def configured(self) -> bool:
        """Whether there is a model to ask: a configured one or one handed in."""
        return self._model is not None or self.settings.configured

    @property
    def model_name(self) -> str:
        if self._model is not None:
            return str(getattr(self._model, "model_name", None) or type(self._model).__name__)
        return self.settings.llm or "none"

    def session(self) -> Session:
        """This request's session: one deadline and one usage tally for understanding, planning and narrating.

        A planner serves one request (the registry makes a new one each time).
        """
        if self._session is None:
            make = (lambda _timeout: self._model) if self._model is not None else None
            self._session = Session(self.settings, make_model=make, name=self.model_name)
        return self._session

    @property
    def rationale(self) -> dict[str, str]:
        """The reason the model gave for each step of its last proposal."""
        return dict(self._run.rationale) if self._run is not None else {}

    def propose(
        self,
        problem: PlanProblem,
        *,
        feedback: Verification | None = None,
        alternatives: int = 0,
        time_limit: float = 20.0,
    ) -> Proposal:
        run = self._run
        if feedback is None or run is None or run.problem.profile != problem.profile:
            run = self._run = self._start(problem, alternatives, time_limit)
        run.problem = problem
        if run.fallback is not None:
            return self._exact(run)
        if not problem.coverable:
            return self._exact(run)  # nothing left to plan: no model call
        if feedback is not None and not feedback.valid:
            run.messages.append(feedback_message(self._critique(run, feedback)))
        if run.rounds >= self.rounds:
            return self._repaired(run, run.last)
        answer = self._ask(run)
        if answer is None:
            return self._exact(run)
        run.messages.append(AIMessage(answer.model_dump_json()))
        order, faults = sanitize(problem, [s.credential_id for s in answer.steps])
        for step in answer.steps:
            cid = problem.g.find(Kind.credential, step.credential_id)
            if cid is not None:
                run.rationale.setdefault(cid, step.reason)
        faults += diagnose(problem, order, run.required)
        kept, dropped = prune(problem, order)
        faults += [Fault("padding", f"{name(problem, c)} serves no target and no later step", c) for c in dropped]
        run.faults += [f"round {run.rounds}: {f.message}" for f in faults]
        run.kinds.append(frozenset(f.kind for f in faults))
        run.repairs = [f"dropped {f.credential!r}: {f.message}" for f in faults if f.kind in ("invented", "duplicate")]
        run.repairs += [f"removed {name(problem, c)}: serves no target and no later step" for c in dropped]
        run.last, run.last_faults = kept, diagnose(problem, kept, run.required)
        if run.last_faults and (run.rounds >= self.rounds or (not kept and run.required)):
            return self._repaired(run, kept)
        return self._proposal(run, kept)

    def record(self) -> LLMRun | None:
        """What the model did for the last request (for the plan file), or None before any request."""
        run = self._run
        if run is None:
            return None
        hours, cost = totals(run.problem, run.last if run.fallback is None else run.exact_order)
        best_hours, best_cost = totals(run.problem, run.exact_order)
        usage = run.session.usage
        return LLMRun(
            model=self.model_name,
            method=self.settings.llm_method,
            rounds=run.rounds,
            faults=tuple(run.faults),
            repairs=tuple(run.repairs),
            fallback=run.fallback,
            price_of_preferences=PreferencePrice(
                extra_hours=round(hours - best_hours, 6),
                extra_cost=round(cost - best_cost, 6),
                optimum_hours=best_hours,
                optimum_cost=best_cost,
            ),
            usage=TokenUsage(calls=usage.calls, input_tokens=usage.input_tokens, output_tokens=usage.output_tokens)
            if usage.calls
            else None,
        )

    def fault_kinds(self) -> list[frozenset[str]]:
        """The kinds of fault in each round's raw answer (invented, prerequisite, budget, ...), for the bench."""
        return list(self._run.kinds) if self._run is not None else []

    # -- internals ---------------------------------------------------------------------------------

    def _start(self, p: PlanProblem, alternatives: int, time_limit: float) -> _Run:
        exact = ExactPlanner().propose(p, alternatives=max(alternatives, 2), time_limit=time_limit)
        exact_order, _ = topological(p, exact.chosen, [])
        required = frozenset(covered(p, exact.chosen))
        closure, _ = p.candidates
        ranked = sorted(closure - exact.chosen, key=lambda c: (p.weight(c), c))
        extra = [c for alt in exact.alternatives for c in sorted(alt) if c not in exact.chosen]
        candidates = list(dict.fromkeys([*exact_order, *extra, *ranked]))[:MAX_CANDIDATES]
        alts = [topological(p, alt, [])[0] for alt in exact.alternatives]
        shown = Proposal(exact.chosen, exact.quality, exact.uncovered, exact.alternatives[:alternatives])
        messages = plan_messages(p, candidates, exact_order, alts)
        return _Run(p, self.session(), shown, exact_order, required, messages)

    def _ask(self, run: _Run) -> PlanAnswer | None:
        """The model's next answer; one in the wrong structure is asked again while rounds remain.

        None (and ``run.fallback`` says why) when the model fails or never answers in the structure.
        """
        while True:
            run.rounds += 1
            try:
                answer: PlanAnswer = run.session.ask(run.messages, PlanAnswer)
                return answer
            except LLMAnswerError as exc:
                run.faults.append(f"round {run.rounds}: {exc.what}")
                run.kinds.append(frozenset({"unparseable"}))
                if run.rounds < self.rounds:
                    run.messages.append(feedback_message([f"{exc.what}; answer with the JSON structure only"]))
                    continue
                run.fallback = f"the language model failed: {exc.what}; the exact plan stands in"
            except (LLMError, ConfigError) as exc:
                run.fallback = f"the language model failed: {exc.what}; the exact plan stands in"
            return None

    def _critique(self, run: _Run, feedback: Verification) -> list[str]:
        """Precise messages for the model: the planner's own diagnosis, else the verifier's findings."""
        lines = [f.message for f in run.last_faults]
        if not lines:
            lines = [f"{f.message} (fix: {f.fix})" for f in feedback.findings] or list(feedback.problems)
        return lines

    def _proposal(self, run: _Run, order: Sequence[str], notes: Sequence[str] = ()) -> Proposal:
        p = run.problem
        hours, cost = totals(p, order)
        value = hours if p.profile.objective.value == "hours" else cost
        best = run.exact.quality
        optimal = best.optimal and value <= best.value + 1e-6
        bound = best.value if best.optimal else best.bound
        quality = Quality(
            objective=best.objective,
            value=value,
            optimal=optimal,
            bound=bound,
            gap=(value - bound) / value if bound is not None and value else (0.0 if optimal else None),
            solver=f"llm ({self.model_name}), verified; reference: {best.solver}",
            status=best.status if optimal else PREFERRED,
            seconds=round(time.perf_counter() - run.started, 4),
        )
        reached = covered(p, order)
        uncovered = tuple(u for u in run.exact.uncovered if u.target not in reached)
        rationale = {c: run.rationale[c] for c in order if c in run.rationale}
        return Proposal(
            frozenset(order),
            quality,
            uncovered,
            run.exact.alternatives,
            order=tuple(order),
            notes=(*run.repairs, *notes, self._price_note(run, order)),
            rationale=rationale,
        )

    def _repaired(self, run: _Run, order: Sequence[str]) -> Proposal:
        fixed, changes = repair(run.problem, order, run.exact_order, run.required)
        run.repairs += [f"exact-planner repair after {run.rounds} round(s): {c}" for c in changes]
        for cid in fixed:
            run.rationale.setdefault(cid, "added by the exact planner: the plan needs it to be valid")
        run.last, run.last_faults = fixed, []
        return self._proposal(run, fixed)

    def _exact(self, run: _Run) -> Proposal:
        e = run.exact
        note = run.fallback or "the exact plan stands in"
        return Proposal(e.chosen, e.quality, e.uncovered, e.alternatives, order=tuple(run.exact_order), notes=(note,))

    def _price_note(self, run: _Run, order: Sequence[str]) -> str:
        hours, cost = totals(run.problem, order)
        best_hours, best_cost = totals(run.problem, run.exact_order)
        if abs(hours - best_hours) < 1e-6 and abs(cost - best_cost) < 1e-6:
            return "Your preferences cost nothing extra: this plan matches the proven optimum's hours and cost."
        return (
            f"Price of your preferences: {hours - best_hours:+g} hours and {cost - best_cost:+g} in cost against the "
            f"proven optimum under the same hard limits ({best_hours:g} hours, {best_cost:g})."
        )
