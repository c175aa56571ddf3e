"""The learner page's handlers, called directly, and the app's construction and launch options."""

from __future__ import annotations

import doctest
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ui.app
import ui.choices
import ui.learner
from graph.model import Delivery
from recommender.plan import Pathway
from recommender.service import CredpathService
from ui.app import build_app, launch, launch_options
from ui.choices import catalogue_summary, credential_choices, held_choices, provider_choices
from ui.learner import FORM_ORDER, LABELS, error_markdown, field_mark, plan_form, plan_handler

Lookup = Callable[[str, str], str]


def form(**values: Any) -> dict[str, Any]:
    """The page's values as the browser sends them when nothing is filled in, overridden by ``values``."""
    empty: dict[str, Any] = {
        "occupation": None,
        "skills": [],
        "credentials": [],
        "include_optional_skills": False,
        "have": [],
        "max_hours": "",
        "max_cost": "",
        "hours_per_week": "",
        "exclude_providers": [],
        "delivery": [],
        "objective": "hours",
        "alternatives": 0,
        "deadline": "",
        "languages": [],
        "min_coverage": "",
    }
    unknown = set(values) - set(empty)
    assert not unknown, unknown
    return empty | values


def plan(service: CredpathService, **values: Any) -> tuple[str, str | None]:
    return plan_handler(service, **form(**values))


def load(path: str | None) -> Pathway:
    assert path is not None
    return Pathway.model_validate_json(Path(path).read_text(encoding="utf-8"))


# -- successful plans ------------------------------------------------------------------------------------


def test_occupation_plan_renders_table_verification_and_json(service: CredpathService, lookup: Lookup) -> None:
    analyst = lookup("occupation", "data analyst")
    text, path = plan(service, occupation=analyst)
    pathway = load(path)
    assert pathway.request.targets.occupation == analyst
    assert pathway.verification.valid
    assert service.verify(pathway).valid
    assert "| # | Stage | Credential |" in text
    assert "- Verified: " in text
    assert "SQL Basics" in text
    for step in pathway.steps:
        assert f"| {step.index} | {step.stage} | {step.name} |" in text
    assert text == service.markdown(pathway)


def test_downloaded_json_is_the_plan_contract(service: CredpathService, lookup: Lookup) -> None:
    _, path = plan(service, skills=[lookup("skill", "SQL")])
    assert path is not None and path.endswith(".json")
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    assert data["schema_version"] == "1.0"
    assert [s["name"] for s in data["steps"]] == ["Spreadsheet Foundations", "SQL Basics"]
    assert data["verification"]["valid"] is True
    assert load(path).covered == (lookup("skill", "SQL"),)


def test_constraints_reach_the_planner(service: CredpathService, lookup: Lookup) -> None:
    analyst = lookup("occupation", "data analyst")
    free, _ = plan(service, occupation=analyst)
    _, path = plan(
        service,
        occupation=analyst,
        exclude_providers=["Brightpath Polytechnic"],
        delivery=[Delivery.online.value],
        max_cost="5000",
        hours_per_week=" 10 ",
    )
    pathway = load(path)
    assert pathway.steps
    by_id = service.graph.credentials
    assert all(s.provider != "Brightpath Polytechnic" for s in pathway.steps)
    assert all(by_id[s.credential_id].delivery in (None, Delivery.online) for s in pathway.steps)
    assert pathway.total_cost <= 5000
    assert pathway.total_weeks is not None and pathway.total_weeks > 0
    assert pathway.request.constraints.exclude_providers == ("Brightpath Polytechnic",)
    assert "Brightpath Polytechnic" in free


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_empty_limits_mean_no_limit(service: CredpathService, lookup: Lookup, blank: str | None) -> None:
    _, path = plan(service, skills=[lookup("skill", "SQL")], max_hours=blank, max_cost=blank, hours_per_week=blank)
    constraints = load(path).request.constraints
    assert (constraints.max_hours, constraints.max_cost, constraints.hours_per_week) == (None, None, None)


def test_objective_cost_is_never_dearer_than_objective_hours(service: CredpathService, lookup: Lookup) -> None:
    analyst = lookup("occupation", "data analyst")
    by_hours = load(plan(service, occupation=analyst, objective="hours")[1])
    by_cost = load(plan(service, occupation=analyst, objective="cost")[1])
    assert by_cost.quality.objective == "cost"
    assert by_cost.total_cost <= by_hours.total_cost
    assert by_hours.total_hours <= by_cost.total_hours


def test_held_items_shorten_the_plan(service: CredpathService, lookup: Lookup) -> None:
    sql = lookup("skill", "SQL")
    analyst = lookup("occupation", "data analyst")
    base = load(plan(service, occupation=analyst)[1])
    held = load(plan(service, occupation=analyst, have=[sql, lookup("credential", "Python for Beginners")])[1])
    assert "Python for Beginners" not in {s.name for s in held.steps}
    assert held.total_hours < base.total_hours
    assert held.request.have[0] == sql


def test_alternatives_are_shown(service: CredpathService, lookup: Lookup) -> None:
    text, path = plan(service, occupation=lookup("occupation", "data scientist"), alternatives=2.0)
    assert "## Alternatives" in text
    assert len(load(path).alternatives) == 2


def test_already_held_target_is_a_plan_not_an_error(service: CredpathService, lookup: Lookup) -> None:
    sql = lookup("skill", "SQL")
    text, path = plan(service, skills=[sql], have=[sql])
    assert "No credentials to take." in text
    assert load(path).already_held == (sql,)


# -- errors become readable messages ------------------------------------------------------------------------


def test_no_target_names_the_page_fields(service: CredpathService) -> None:
    text, path = plan(service)
    assert path is None
    assert 'class="credpath-error"' in text
    assert "no target given" in text
    assert "How to fix it:" in text
    for name in ("occupation", "skills", "credentials"):
        assert LABELS[name] in text
    assert "--" not in text
    assert "Traceback" not in text


def test_infeasible_constraints_say_why(service: CredpathService, lookup: Lookup) -> None:
    text, path = plan(service, occupation=lookup("occupation", "data analyst"), max_hours="1")
    assert path is None
    assert "nothing can be planned" in text
    assert "How to fix it:" in text and "relax the constraints" in text


def test_unknown_held_item_names_the_field_and_a_fix(service: CredpathService, lookup: Lookup) -> None:
    text, path = plan(service, skills=[lookup("skill", "SQL")], have=["no-such-thing"])
    assert path is None
    assert "unknown held item(s): no-such-thing" in text
    assert LABELS["have"] in text


@pytest.mark.parametrize(
    ("values", "field", "phrase"),
    [
        ({"hours_per_week": "0"}, "hours_per_week", "greater than or equal to 0.5"),
        ({"max_hours": "lots"}, "max_hours", "'lots' is not a number"),
        ({"max_hours": "1,000"}, "max_hours", "'1,000' is not a number"),
        ({"max_cost": "nan"}, "max_cost", "'nan' is not a number"),
        ({"max_cost": "inf"}, "max_cost", "'inf' is not a number"),
        ({"max_cost": "-5"}, "max_cost", "greater than or equal to 0"),
        ({"delivery": ["by carrier pigeon"]}, "delivery", "by carrier pigeon"),
        ({"alternatives": -1}, "alternatives", "whole number from 0 to 5"),
        ({"alternatives": 1.5}, "alternatives", "whole number from 0 to 5"),
        ({"alternatives": 99}, "alternatives", "whole number from 0 to 5"),
    ],
)
def test_rejected_values_name_their_field(
    service: CredpathService, lookup: Lookup, values: dict[str, Any], field: str, phrase: str
) -> None:
    text, path = plan(service, skills=[lookup("skill", "SQL")], **values)
    assert path is None
    assert LABELS[field] in text
    assert phrase in text
    assert "How to fix it:" in text


def test_unexpected_failure_is_reported_not_raised(
    service: CredpathService, lookup: Lookup, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = CredpathService(service.catalogue, source=service.source)

    def explode(*_args: Any, **_kwargs: Any) -> Pathway:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(broken, "plan", explode)
    text, path = plan(broken, skills=[lookup("skill", "SQL")])
    assert path is None
    assert "ZeroDivisionError: division by zero" in text
    assert "bug in credpath" in text


def test_error_text_is_escaped() -> None:
    text = error_markdown("unknown credential '<script>alert(1)</script>'\nFix: pick *one* from the list")
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    assert "How to fix it:</strong> pick *one* from the list" in text


def test_page_term_examples_run() -> None:
    result = doctest.testmod(ui.learner)
    assert result.attempted > 0 and result.failed == 0


# -- choices and the header ---------------------------------------------------------------------------------


def test_choices_cover_the_catalogue(service: CredpathService) -> None:
    g = service.graph
    held = dict((ident, label) for label, ident in held_choices(service))
    assert set(held) == set(g.credentials) | set(g.skills)
    assert held[next(iter(g.skills))].endswith("(skill)")
    creds = dict((ident, label) for label, ident in credential_choices(service))
    assert all(label.endswith(f" · {g.credentials[i].provider}") for i, label in creds.items())
    assert provider_choices(service) == sorted({c.provider for c in g.credentials.values()}, key=str.casefold)


@given(st.dictionaries(st.text(min_size=1, max_size=8), st.sampled_from(["a", "b", "a [x]", "c"]), max_size=12))
def test_labels_become_unique(pairs: dict[str, str]) -> None:
    out = ui.choices.unique_labels([(label, ident) for ident, label in pairs.items()])
    assert [ident for _, ident in out] == list(pairs)
    shared = {label for label in pairs.values() if list(pairs.values()).count(label) > 1}
    for (label, ident), (_, original) in zip(out, [(i, lab) for i, lab in pairs.items()], strict=True):
        assert label == (f"{original} [{ident}]" if original in shared else original)


def test_summary_names_size_and_source(service: CredpathService) -> None:
    line = catalogue_summary(service)
    assert line.startswith("**credpath example catalogue**: 34 credentials · 40 skills · 4 occupations")
    assert "example\\_catalogue.yaml" in line


# -- the app -------------------------------------------------------------------------------------------------


def test_build_app_holds_the_learner_page(service: CredpathService) -> None:
    demo = build_app(service)
    assert isinstance(demo, gr.Blocks)
    config = json.dumps(demo.get_config_file())
    for label in (LABELS["occupation"], LABELS["skills"], LABELS["have"], LABELS["max_hours"], "Plan my pathway"):
        assert label in config
    assert "34 credentials" in config
    assert "data analyst" in config


def test_launch_serves_locally_without_sharing(service: CredpathService, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_launch(self: gr.Blocks, **kwargs: Any) -> None:
        seen.update(kwargs, blocks=self)

    monkeypatch.setattr(gr.Blocks, "launch", fake_launch)
    launch(service, host="127.0.0.1", port=7999)
    assert seen["server_name"] == "127.0.0.1" and seen["server_port"] == 7999
    assert seen["share"] is False and seen["ssr_mode"] is False
    assert seen["css"] == ui.app.CSS
    assert isinstance(seen["blocks"], gr.Blocks)
    assert set(launch_options()) <= set(seen)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"have": ["no-such-thing"]}, "have"),
        ({"max_hours": "lots"}, "max_hours"),
        ({"hours_per_week": "0"}, "hours_per_week"),
        ({"alternatives": 99}, "alternatives"),
    ],
)
def test_an_error_is_shown_beside_its_field(
    service: CredpathService, lookup: Lookup, values: dict[str, Any], field: str
) -> None:
    outcome = plan_form(service, **form(skills=[lookup("skill", "SQL")], **values))
    assert outcome.path is None and outcome.field == field and outcome.problem
    mark = field_mark(field, outcome, "usual hint")
    assert mark["elem_classes"] == ["credpath-field-error"] and outcome.problem in mark["info"]
    other = next(name for name in FORM_ORDER if name != field)
    assert field_mark(other, outcome, "usual hint") == {"__type__": "update", "info": "usual hint", "elem_classes": []}


def test_serve_warns_when_binding_beyond_loopback_without_auth(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from click.testing import CliRunner

    import ui.cli
    from recommender.users import AuthFile, Role

    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(ui.app, "launch", lambda service, **kw: seen.append(kw))
    runner = CliRunner()
    example = str(Path(ui.app.__file__).resolve().parents[1] / "ingest" / "data" / "example_catalogue.yaml")
    out = runner.invoke(ui.cli.main, ["serve", "-c", example, "--host", "0.0.0.0"])
    assert out.exit_code == 0 and "without --auth-file" in out.output and seen[-1]["auth"] is None
    out = runner.invoke(ui.cli.main, ["serve", "-c", example])
    assert out.exit_code == 0 and "warning" not in out.output
    users = tmp_path / "users.json"
    AuthFile().with_user("ana", Role.advisor, "correct horse battery").save(users)
    out = runner.invoke(ui.cli.main, ["serve", "-c", example, "--host", "0.0.0.0", "--auth-file", str(users)])
    assert out.exit_code == 0 and "warning" not in out.output and seen[-1]["auth"].actor("ana") is not None
    empty = tmp_path / "none.json"
    out = runner.invoke(ui.cli.main, ["serve", "-c", example, "--auth-file", str(empty)])
    assert out.exit_code == 2 and "no users" in out.output


def test_launch_with_auth_checks_passwords(service: CredpathService, monkeypatch: pytest.MonkeyPatch) -> None:
    from recommender.users import AuthFile, Role

    seen: dict[str, Any] = {}
    monkeypatch.setattr(gr.Blocks, "launch", lambda self, **kw: seen.update(kw))
    auth = AuthFile().with_user("ana", Role.advisor, "correct horse battery")
    launch(service, host="127.0.0.1", port=7999, auth=auth)
    assert seen["auth"]("ana", "correct horse battery") is True
    assert seen["auth"]("ana", "wrong") is False and seen["auth"]("ben", "correct horse battery") is False
