"""The learner page: pick targets, held items and constraints, and get a verified pathway back.

The handlers here are plain Python over ``CredpathService`` so that tests call them directly; ``render``
lays the page out inside an open ``gradio.Blocks`` context and wires the handlers to it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Gradio reads this when it is imported; the page must never phone home, whichever module loads it first.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr
from pydantic import ValidationError

from graph.errors import CredpathError, RequestError
from graph.model import Delivery
from recommender.export import FORMATS
from recommender.plan import Pathway
from recommender.planners import AUTO
from recommender.profile import Constraints, LearnerProfile, Objective, Targets
from recommender.service import CredpathService
from ui import badge_input, choices, goal_input, pickers, pictures, request_reading, serving
from ui.markup import alert, data_markdown, picture

log = logging.getLogger(__name__)

MAX_ALTERNATIVES = 5

# One label per form field, used both on the page and in error messages, so an error names the field the
# learner actually sees.
LABELS: dict[str, str] = {
    "occupation": "Target occupation",
    "include_optional_skills": "Also aim for the occupation's optional skills",
    "skills": "Target skills",
    "credentials": "Target credentials",
    "have": "What you already hold",
    "max_hours": "Max total hours",
    "max_cost": "Max total cost",
    "hours_per_week": "Hours per week",
    "exclude_providers": "Providers to avoid",
    "delivery": "Delivery modes",
    "objective": "Minimise",
    "alternatives": "Alternative plans to show",
    "deadline": "Finish by (YYYY-MM-DD)",
    "languages": "Course languages",
    "min_coverage": "Minimum coverage (0–1)",
}

# Errors name LearnerProfile field paths; the page names the widget that sets each one instead.
FIELDS: dict[str, str] = {
    "targets.occupation": "occupation",
    "targets.include_optional_skills": "include_optional_skills",
    "targets.skills": "skills",
    "targets.credentials": "credentials",
    "have": "have",
    "constraints.max_hours": "max_hours",
    "constraints.max_cost": "max_cost",
    "constraints.hours_per_week": "hours_per_week",
    "constraints.exclude_providers": "exclude_providers",
    "constraints.delivery": "delivery",
    "objective": "objective",
    "alternatives": "alternatives",
    "constraints.deadline": "deadline",
    "constraints.as_of": "deadline",
    "constraints.languages": "languages",
    "constraints.min_coverage": "min_coverage",
}
"""LearnerProfile field path (and the plan's ``alternatives``) -> the widget on this page that sets it."""


def _field(name: str) -> str:
    return f"“{LABELS[name]}”"


PAGE_NAMES: dict[str, str] = {path: _field(widget) for path, widget in FIELDS.items()} | {
    "targets": "Targets",
    "badges": f"“{badge_input.BADGES_LABEL}”",
}


def in_page_terms(exc: CredpathError) -> str:
    """An error's message with every field it names given as the label of that field on this page.

    Examples
    --------
    >>> in_page_terms(RequestError("no target given", field="targets", fix="pick ${targets.skills}"))
    'Targets: no target given\\nFix: pick “Target skills”'
    """
    return exc.render(PAGE_NAMES)


# -- planning ------------------------------------------------------------------------------------------


def number_field(field: str, value: str | float | None) -> float | None:
    """A numeric text field's value: empty means no limit; anything but a finite number is a RequestError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise RequestError(
            f"{value!r} is not a number",
            field=f"constraints.{field}",
            fix="enter a number such as 40 or 12.5, or leave the field empty for no limit",
        )
    return number


def _date(field: str, value: str | dt.date | None) -> dt.date | None:
    """A date text field's value: empty means none; anything but YYYY-MM-DD is a RequestError."""
    if value is None or isinstance(value, dt.date):
        return value
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise RequestError(
            f"{value!r} is not a date",
            field=f"constraints.{field}",
            fix="enter a date as YYYY-MM-DD, e.g. 2027-06-30, or leave the field empty",
        ) from None


def _alternatives(value: float | None) -> int:
    if value is None:
        return 0
    if not 0 <= value <= MAX_ALTERNATIVES or value != int(value):
        raise RequestError(
            f"the number of alternative plans must be a whole number from 0 to {MAX_ALTERNATIVES}, not {value}",
            field="alternatives",
            fix=f"choose a whole number between 0 and {MAX_ALTERNATIVES}",
        )
    return int(value)


@dataclass(frozen=True)
class Outcome:
    """What pressing "Plan" gives: the text to show, the plan's files, and the field at fault, if any."""

    text: str
    path: str | None
    field: str | None = None
    problem: str | None = None
    downloads: tuple[tuple[str, str], ...] = ()
    """(export format, file path) for each download besides the plan JSON at ``path``."""


DOWNLOADS: tuple[tuple[str, str], ...] = (("html", "Printable page (HTML)"), ("markdown", "Markdown"))
"""The plan's downloads besides its JSON: (export format, button label)."""


def plan_file(service: CredpathService, pathway: Pathway, fmt: str = "json") -> str:
    """Write the plan in export format ``fmt`` to a file the page can offer for download, and return its path.

    The file lives in the system temp directory, which Gradio serves files from; its name is the content's
    hash, so the same plan is written once however often it is asked for.
    """
    text = service.export(pathway, fmt)
    folder = Path(tempfile.gettempdir()) / "credpath-plans"
    folder.mkdir(exist_ok=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    path = folder / f"credpath-plan-{digest}{FORMATS[fmt].suffix}"
    if not path.exists():
        path.write_text(text + "\n", encoding="utf-8")
    return str(path)


def plan_pictures_handler(plan_path: str | None) -> tuple[str | None, str | None]:
    """PNG paths of the prerequisite DAG and the timeline of the plan JSON at ``plan_path`` (None, None without)."""
    if not plan_path:
        return None, None
    try:
        pathway = Pathway.model_validate_json(Path(plan_path).read_text(encoding="utf-8"))
    except (OSError, ValidationError):
        log.warning("no pictures: %s is not a readable plan", plan_path)
        return None, None
    return pictures.plan_pictures(pathway) or (None, None)


def plan_handler(service: CredpathService, *values: Any, **named: Any) -> tuple[str, str | None]:
    """Plan from the form's values (as ``plan_form`` takes them): the plan as Markdown and its JSON's path,
    or a readable error and None."""
    outcome = plan_form(service, *values, **named)
    return outcome.text, outcome.path


def plan_form(
    service: CredpathService,
    occupation: str | None,
    skills: Sequence[str] | None,
    credentials: Sequence[str] | None,
    include_optional_skills: bool,
    have: Sequence[str] | None,
    max_hours: str | float | None,
    max_cost: str | float | None,
    hours_per_week: str | float | None,
    exclude_providers: Sequence[str] | None,
    delivery: Sequence[str] | None,
    objective: str,
    alternatives: float | None,
    deadline: str | dt.date | None = None,
    languages: Sequence[str] | None = None,
    min_coverage: str | float | None = None,
    goal: str | None = None,
    assumed: Sequence[str] | None = None,
    read: str | None = None,
    badges: Sequence[str] | str | None = None,
    badge_trust: str | None = None,
    badge_support: Sequence[str] | str | None = None,
    accept_unverified: bool | None = False,
) -> Outcome:
    """Plan from the form's values: the plan as Markdown and the path of its JSON, or a readable error
    and, when one field is at fault, that field and a one-line problem to show beside it.

    This is the page's edge: every credpath error and every rejected value becomes a message that says
    what is wrong and how to fix it, and names the field it is about so the page can show it there.
    Nothing planned means a message, never an empty result. With ``goal`` (text the goal box resolved) the
    plan records it, counting its background's ``assumed`` skills (the ones ticked) as confirmed, and with
    ``read`` (what a language model read from it, ``request_reading.carry``) the learner's wishes. With
    ``badges`` (uploaded files), what each verified badge proves counts as held and the plan says which badge
    covered what (``badge_input.inspect`` reads them with the trust and verification files).
    """
    try:
        profile = LearnerProfile(
            targets=Targets(
                occupation=occupation or None,
                skills=tuple(skills or ()),
                credentials=tuple(credentials or ()),
                include_optional_skills=bool(include_optional_skills),
            ),
            have=tuple(have or ()),
            constraints=Constraints(
                max_hours=number_field("max_hours", max_hours),
                max_cost=number_field("max_cost", max_cost),
                hours_per_week=number_field("hours_per_week", hours_per_week),
                exclude_providers=tuple(exclude_providers or ()),
                delivery=tuple(delivery or ()),
                deadline=_date("deadline", deadline),
                languages=tuple(languages or ()),
                min_coverage=number_field("min_coverage", min_coverage),
            ),
            objective=objective or Objective.hours.value,
        )
        wishes = request_reading.carried(read) if goal else None
        if wishes is not None:
            profile = profile.model_copy(update={"preferences": wishes[0]})
        options: dict[str, Any] = {"alternatives": _alternatives(alternatives), "planner": AUTO}
        if wishes is not None:
            options["understood"] = wishes[1]
        uploads = badge_input.Uploads.of(badges, badge_trust, badge_support, accept_unverified)
        held = badge_input.inspect(service, uploads)
        profile = service.with_badges(profile, held, accept_unverified=uploads.accept_unverified)
        if goal:
            pathway = service.plan_goal(goal, profile, assumed=tuple(assumed or ()), **options)
        else:
            pathway = service.plan(profile, **options)
        if held:
            pathway = service.badge_report(pathway, held, accept_unverified=uploads.accept_unverified)
    except CredpathError as exc:
        field = FIELDS.get(exc.field or "") if isinstance(exc, RequestError) else None
        return Outcome(error_markdown(in_page_terms(exc)), None, field, exc.what)
    except ValidationError as exc:
        first = exc.errors()[0]
        names = [str(part) for part in first["loc"] if str(part) in LABELS]
        return Outcome(error_markdown(validation_message(exc)), None, names[-1] if names else None, first["msg"])
    except Exception as exc:
        log.exception("planning failed unexpectedly")
        return Outcome(
            error_markdown(
                f"credpath failed unexpectedly ({type(exc).__name__}: {exc}).\n"
                "Fix: this is a bug in credpath; please report it with the values you entered."
            ),
            None,
        )
    files = tuple((fmt, plan_file(service, pathway, fmt)) for fmt, _ in DOWNLOADS)
    return Outcome(service.markdown(pathway), plan_file(service, pathway), downloads=files)


def validation_message(exc: ValidationError) -> str:
    """A rejected form value, named by its field label, with what to do about it."""
    lines = []
    for err in exc.errors():
        names = [str(part) for part in err["loc"] if str(part) in LABELS]
        field = _field(names[-1]) if names else ".".join(str(p) for p in err["loc"]) or "the request"
        got = err.get("input")
        shown = f" (got {got!r})" if isinstance(got, str | int | float) and len(repr(got)) <= 80 else ""
        lines.append(f"{field}: {err['msg']}{shown}")
    return "invalid value(s): " + "; ".join(lines) + "\nFix: correct the value(s) named above and plan again."


def error_markdown(message: str) -> str:
    """An error as a visible alert block (see ``ui.markup.alert``)."""
    return alert("Could not plan.", message)


FORM_ORDER = (
    "occupation",
    "skills",
    "credentials",
    "include_optional_skills",
    "have",
    "max_hours",
    "max_cost",
    "hours_per_week",
    "exclude_providers",
    "delivery",
    "objective",
    "alternatives",
    "deadline",
    "languages",
    "min_coverage",
)
"""The form's fields in the order ``plan_form`` takes their values."""


def field_mark(name: str, outcome: Outcome, info: str | None) -> Any:
    """The update for one field: the problem under the field at fault, its usual hint everywhere else."""
    if name != outcome.field:
        return gr.update(info=info, elem_classes=[])
    return gr.update(info=f"⚠ {outcome.problem}", elem_classes=["credpath-field-error"])


# -- the page ------------------------------------------------------------------------------------------


def _elem_id(field: str) -> str:
    return "learner-" + field.replace("_", "-")


def _limit_box(field: str, placeholder: str) -> gr.Textbox:
    """A text box for an optional number: ``gr.Number`` cannot be left empty, and empty means no limit here."""
    return gr.Textbox(label=LABELS[field], placeholder=placeholder, max_lines=1, elem_id=_elem_id(field))


def _picker(
    service: CredpathService, kind: str, field: str, info: str | None = None, *, multiselect: bool = True
) -> gr.Dropdown:
    """A searchable picker for one form field over the catalogue's ``kind`` list (``ui.pickers.LISTS``)."""
    listed = pickers.options(service, kind)
    return pickers.picker(listed, label=LABELS[field], multiselect=multiselect, info=info, elem_id=_elem_id(field))


def render(service: CredpathService) -> None:
    """Lay out the learner page inside the current ``gr.Blocks`` and connect its button to ``plan_handler``."""
    goal_box = goal_input.render(service)
    with gr.Row(equal_height=False):
        with gr.Column(scale=1):
            gr.Markdown("### What you want")
            occupation = _picker(
                service,
                "occupation",
                "occupation",
                "Type to search. Its essential skills become your targets.",
                multiselect=False,
            )
            include_optional = gr.Checkbox(label=LABELS["include_optional_skills"], value=False)
            skills = _picker(service, "skill", "skills", "Type to search; pick any number.")
            credentials = _picker(service, "credential", "credentials")
            gr.Markdown("### What you hold")
            have = _picker(service, "held", "have", "Credentials you have earned and skills you already have.")
            badges = badge_input.render(service)
        with gr.Column(scale=1):
            gr.Markdown("### Your limits")
            with gr.Row():
                max_hours = _limit_box("max_hours", "no limit")
                max_cost = _limit_box("max_cost", "no limit")
                hours_per_week = _limit_box("hours_per_week", "optional")
            with gr.Row():
                deadline = gr.Textbox(
                    label=LABELS["deadline"],
                    placeholder="optional",
                    info="Needs hours per week; what does not fit is listed as over budget.",
                    max_lines=1,
                    elem_id=_elem_id("deadline"),
                )
                min_coverage = gr.Textbox(
                    label=LABELS["min_coverage"],
                    placeholder="all",
                    info="e.g. 0.8: reach 80% of the target skills, the cheapest way.",
                    max_lines=1,
                    elem_id=_elem_id("min_coverage"),
                )
            languages = gr.Dropdown(
                choices.language_choices(service),
                multiselect=True,
                allow_custom_value=True,
                label=LABELS["languages"],
                info="Only courses taught in these languages; none picked allows every language.",
                elem_id=_elem_id("languages"),
            )
            exclude = gr.Dropdown(
                choices.provider_choices(service),
                multiselect=True,
                label=LABELS["exclude_providers"],
                elem_id=_elem_id("exclude_providers"),
            )
            delivery = gr.CheckboxGroup(
                [(d.value.replace("_", " "), d.value) for d in Delivery],
                label=LABELS["delivery"],
                info="None ticked allows every mode.",
            )
            with gr.Row():
                objective = gr.Radio(
                    [("total hours", Objective.hours.value), ("total cost", Objective.cost.value)],
                    value=Objective.hours.value,
                    label=LABELS["objective"],
                )
                alternatives = gr.Slider(0, MAX_ALTERNATIVES, value=0, step=1, label=LABELS["alternatives"])
    plan_button = gr.Button("Plan my pathway", variant="primary", elem_id="learner-plan")
    output = data_markdown(
        "Choose a target occupation, skills or credentials, then press **Plan my pathway**.",
        elem_id="learner-output",
    )
    with gr.Row():
        download = gr.DownloadButton("Download plan (JSON)", visible=False, elem_id="learner-download")
        others = [
            gr.DownloadButton(label, visible=False, elem_id=f"learner-download-{fmt}") for fmt, label in DOWNLOADS
        ]
    dag = picture("Prerequisites: stages left to right, arrows from the step that meets a requirement", "learner-dag")
    timeline = picture("Timeline", "learner-timeline")

    inputs = [
        occupation,
        skills,
        credentials,
        include_optional,
        have,
        max_hours,
        max_cost,
        hours_per_week,
        exclude,
        delivery,
        objective,
        alternatives,
        deadline,
        languages,
        min_coverage,
    ]
    fields = dict(zip(FORM_ORDER, inputs, strict=True))
    goal_box.connect(
        occupation,
        skills,
        have,
        {name: fields[name] for name in ("max_hours", "max_cost", "hours_per_week", "exclude_providers", "delivery")},
    )
    infos = {name: getattr(widget, "info", None) for name, widget in fields.items()}

    def run(*values: Any) -> list[Any]:
        outcome = plan_form(service, *values)
        marks = [field_mark(name, outcome, infos[name]) for name in FORM_ORDER]
        files = dict(outcome.downloads)
        buttons = [gr.DownloadButton(value=files.get(fmt), visible=fmt in files) for fmt, _ in DOWNLOADS]
        return [outcome.text, gr.DownloadButton(value=outcome.path, visible=outcome.path is not None), *buttons, *marks]

    def draw(path: str | None) -> tuple[Any, Any]:
        dag_png, timeline_png = plan_pictures_handler(path)
        return (
            gr.Image(value=dag_png, visible=dag_png is not None, alt_text="Prerequisite graph of the plan"),
            gr.Image(value=timeline_png, visible=timeline_png is not None, alt_text="Timeline of the plan"),
        )

    # The page's own events (widget updates) stay out of the API; ``ui.api`` serves the plan as JSON.
    page = {"api_visibility": "private", **serving.pool(serving.SOLVE_POOL)}
    # With a language model configured, "auto" plans with it: the plan waits on the model, in the LLM pool.
    planning = page | serving.pool(serving.LLM_POOL if service.language_model() else serving.SOLVE_POOL)
    plan_button.click(
        run,
        inputs=[*inputs, *goal_box.plan_inputs, *badges.inputs],
        outputs=[output, download, *others, *fields.values()],
        api_name="plan_page",
        **planning,
    ).then(draw, inputs=[download], outputs=[dag, timeline], api_name="plan_pictures", **page)
