"""The learner page's goal box: a goal in plain words first, its candidates and a pivot's likely-held skills next.

The handlers are plain Python over ``CredpathService`` so tests call them directly; ``render`` lays the box out
and ``GoalInput.connect`` wires it to the page's occupation, skill and held pickers.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

# Gradio reads this when it is imported; the page must never phone home, whichever module loads it first.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from graph.errors import CredpathError
from recommender.escape import markdown_text
from recommender.service import CredpathService
from ui import pickers, request_reading, serving
from ui.markup import alert, data_markdown

GOAL_LABEL = "Your goal, in your own words"
GOAL_INFO = "e.g. “I teach maths and want to become a data analyst” or “learn SQL and Python”."
CANDIDATES_LABEL = "What you could be aiming for (best match first)"
BACKGROUND_LABEL = "Skills you likely hold already: tick the ones you have"


@dataclass(frozen=True)
class GoalOptions:
    """What "Find my options" gives: a message, the candidates to choose from and the background's skills."""

    message: str
    candidates: list[tuple[str, str]] = field(default_factory=list)
    chosen: str | None = None
    background: list[tuple[str, str]] = field(default_factory=list)
    resolved: str | None = None
    problem: str | None = None
    reading: request_reading.Reading | None = None


def candidate_value(kind: str, ident: str) -> str:
    """One radio value for a candidate: its kind and id.

    >>> candidate_value("skill", "http://x/s1")
    'skill:http://x/s1'
    """
    return f"{kind}:{ident}"


def find_options(service: CredpathService, text: str | None) -> GoalOptions:
    """Resolve the goal text: ranked candidates (the top one chosen unless the reading is ambiguous) and,
    for a pivot, the background occupation's essential skills as likely held, none of them ticked. With a
    language model configured, it also reads the limits, holdings and wishes the text states
    (``request_reading``)."""
    try:
        goal = service.resolve_goal(text or "")
    except CredpathError as exc:
        message = alert("Could not read the goal.", exc.render({"goal": f"“{GOAL_LABEL}”"}))
        return GoalOptions(message=message, problem=exc.what)
    skills = service.graph.skills
    candidates = [
        (f"{c.label} ({c.kind}, score {c.score:.2f})", candidate_value(c.kind, c.id)) for c in goal.candidates
    ]
    lines: list[str] = []
    chosen = None
    if not candidates:
        lines.append("Nothing in the catalogue matches this goal; name an occupation or skills in other words.")
    elif goal.ambiguous:
        lines.append(
            "**Your goal could mean more than one thing:** the best matches score too close to tell apart. "
            "Choose the one you mean below."
        )
    else:
        chosen = candidates[0][1]
        lines.append(
            f"**{len(candidates)} options found.** The best match is chosen below; choose another if it fits better."
        )
    background: list[tuple[str, str]] = []
    b = goal.background
    if b is not None and b.likely_held:
        background = [(skills[s].label if s in skills else s, s) for s in b.likely_held]
        lines.append(
            f"You are coming from **{markdown_text(b.label or b.phrase)}**: tick the skills below that you have "
            "(nothing is counted as held until you tick it)."
        )
    lines.extend(f"- {markdown_text(note)}" for note in goal.notes)
    reading, said = request_reading.read_request(service, goal.text)
    lines += [said] if said else []
    return GoalOptions("\n\n".join(lines), candidates, chosen, background, goal.text, reading=reading)


def choose_candidate(
    value: str | None, occupation: str | None, skills: Sequence[str] | None
) -> tuple[str | None, list[str]]:
    """The occupation and target-skill pickers' values once a candidate is chosen.

    >>> choose_candidate("skill:s2", "o1", ["s1"])
    ('o1', ['s1', 's2'])
    >>> choose_candidate("occupation:o2", "o1", ["s1"])
    ('o2', ['s1'])
    """
    kind, _, ident = (value or "").partition(":")
    if kind == "occupation" and ident:
        return ident, list(skills or ())
    if kind == "skill" and ident:
        return occupation, list(dict.fromkeys((*(skills or ()), ident)))
    return occupation, list(skills or ())


def sync_held(ticked: Sequence[str] | None, background: Sequence[str] | None, have: Sequence[str] | None) -> list[str]:
    """The held picker's value: the ticks decide the background's skills, everything else stays.

    >>> sync_held(["s1"], ["s1", "s2"], ["c1", "s2"])
    ['c1', 's1']
    """
    offered = set(background or ())
    return list(dict.fromkeys((*(h for h in have or () if h not in offered), *(ticked or ()))))


@dataclass
class GoalInput:
    """The goal box's widgets; ``plan_inputs`` are the extra values the plan button passes to ``plan_form``."""

    service: CredpathService
    text: gr.Textbox
    find: gr.Button
    message: gr.Markdown
    candidates: gr.Radio
    background: gr.CheckboxGroup
    all_held: gr.Button
    resolved: gr.Textbox
    offered: gr.Textbox
    read: gr.Textbox

    @property
    def plan_inputs(self) -> list[Any]:
        return [self.resolved, self.background, self.read]

    def connect(self, occupation: gr.Dropdown, skills: gr.Dropdown, have: gr.Dropdown, limits: dict[str, Any]) -> None:
        """Wire the goal box to the page's pickers: candidates fill the targets, ticks fill the held picker, and
        what a language model read fills ``limits`` (form field name -> widget) and the held picker. A value set
        here reaches a picker with its choices (``ui.pickers``: long lists hold only what is picked)."""
        limit_names = list(limits)
        occupations = pickers.options(self.service, "occupation")
        skill_list = pickers.options(self.service, "skill")
        held_list = pickers.options(self.service, "held")

        def targets_set(occ: str | None, chosen_skills: list[str]) -> list[Any]:
            return [occupations.update(occ), skill_list.update(chosen_skills)]

        def run(
            text: str | None, occ: str | None, chosen_skills: list[str] | None, held: list[str] | None
        ) -> list[Any]:
            found = find_options(self.service, text)
            occ_value, skill_value = choose_candidate(found.chosen, occ, chosen_skills)
            targets = targets_set(occ_value, skill_value) if found.chosen else [gr.update(), gr.update()]
            mark = (
                gr.update(info=f"⚠ {found.problem}", elem_classes=["credpath-field-error"])
                if found.problem
                else gr.update(info=GOAL_INFO, elem_classes=[])
            )
            ids = [ident for _, ident in found.background]
            values = request_reading.field_values(self.service, found.reading) if found.reading else {}
            held_update = (
                held_list.update(list(dict.fromkeys((*(held or ()), *found.reading.profile.have))))
                if found.reading and found.reading.profile.have
                else gr.update()
            )
            return [
                found.message,
                mark,
                gr.Radio(choices=found.candidates, value=found.chosen, visible=bool(found.candidates)),
                gr.CheckboxGroup(choices=found.background, value=[], visible=bool(ids)),
                gr.Button(visible=bool(ids)),
                found.resolved,
                "\n".join(ids),
                request_reading.carry(found.reading),
                *targets,
                held_update,
                *(values.get(name, gr.update()) for name in limit_names),
            ]

        reads = self.service.language_model() is not None
        self.find.click(
            run,
            inputs=[self.text, occupation, skills, have],
            outputs=[
                self.message,
                self.text,
                self.candidates,
                self.background,
                self.all_held,
                self.resolved,
                self.offered,
                self.read,
                occupation,
                skills,
                have,
                *limits.values(),
            ],
            api_name="find_goal_options",
            api_visibility="private",
            **serving.pool(serving.LLM_POOL if reads else serving.SOLVE_POOL),
        )
        self.text.input(lambda: ("", ""), outputs=[self.resolved, self.read], api_visibility="private")
        self.candidates.input(
            lambda value, occ, chosen_skills: targets_set(*choose_candidate(value, occ, chosen_skills)),
            inputs=[self.candidates, occupation, skills],
            outputs=[occupation, skills],
            api_visibility="private",
        )
        self.all_held.click(
            lambda ids: (ids or "").split(), inputs=[self.offered], outputs=[self.background], api_visibility="private"
        )
        self.background.change(
            lambda ticked, ids, held: held_list.update(sync_held(ticked, (ids or "").split(), held)),
            inputs=[self.background, self.offered, have],
            outputs=[have],
            api_visibility="private",
        )


def render(service: CredpathService) -> GoalInput:
    """Lay out the goal box inside the current ``gr.Blocks``; connect it once the page's pickers exist."""
    gr.Markdown("### Your goal")
    with gr.Row(equal_height=False):
        with gr.Column(scale=2):
            text = gr.Textbox(
                label=GOAL_LABEL, info=GOAL_INFO, lines=2, max_lines=4, elem_id="goal-text", placeholder="I want to…"
            )
            find = gr.Button("Find my options", elem_id="goal-find")
        with gr.Column(scale=3):
            message = data_markdown(
                "Say what you want in a sentence and press **Find my options**, or use the pickers below directly.",
                elem_id="goal-message",
            )
    candidates = gr.Radio([], label=CANDIDATES_LABEL, visible=False, elem_id="goal-candidates")
    background = gr.CheckboxGroup([], label=BACKGROUND_LABEL, visible=False, elem_id="goal-background")
    all_held = gr.Button("I have all of these", visible=False, size="sm", elem_id="goal-all-held")
    # Hidden boxes, not gr.State: state makes Gradio keep a heartbeat request open for the session.
    resolved = gr.Textbox(visible=False, elem_id="goal-resolved")
    offered = gr.Textbox(visible=False, elem_id="goal-offered")
    read = gr.Textbox(visible=False, elem_id="goal-read")
    return GoalInput(service, text, find, message, candidates, background, all_held, resolved, offered, read)
