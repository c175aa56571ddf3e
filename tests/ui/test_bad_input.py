"""Bad input in the page, through the handlers: a readable message beside the field, and the session goes on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from recommender.service import CredpathService
from tests.ui.test_app import form
from ui import checkplan, provider
from ui.checkplan import check_handler
from ui.choices import provider_choices
from ui.learner import LABELS, plan_form
from ui.pickers import options
from ui.provider import catalogue_handler, report_handler

Lookup = Callable[[str, str], str]
NATIVE = Path(__file__).resolve().parents[1] / "fixtures" / "native"


def sparse(path: Path, megabytes: int) -> str:
    """A file of ``megabytes`` MB that takes no disk space: the handlers must refuse it by its size alone."""
    with path.open("wb") as f:
        f.truncate(megabytes * 2**20)
    return str(path)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """The bad uploads: not JSON, 60 MB, a wrong format, a JSON that is no plan, and a catalogue with a cycle."""
    (tmp_path / "not.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (tmp_path / "notes.txt").write_text("Dear provider,\nplease find our courses attached.\n", encoding="utf-8")
    return {
        "not_json": str(tmp_path / "not.json"),
        "huge": sparse(tmp_path / "huge.json", 60),
        "png": str(tmp_path / "picture.png"),
        "text": str(tmp_path / "notes.txt"),
        "catalogue": str(NATIVE / "catalogue.yaml"),
        "catalogue_json": str(NATIVE / "bad_syntax.json"),
        "cycle": str(NATIVE / "cycle.yaml"),
    }


def plans_still(service: CredpathService, lookup: Lookup) -> None:
    """The same service still plans after the bad input: nothing else broke."""
    outcome = plan_form(service, **form(skills=[lookup("skill", "SQL")]))
    assert outcome.path is not None and outcome.field is None


# -- the learner page ------------------------------------------------------------------------------------


def test_unknown_occupation_is_named_beside_its_field(service: CredpathService, lookup: Lookup) -> None:
    outcome = plan_form(service, **form(occupation="astronaut"))
    assert outcome.path is None and outcome.field == "occupation"
    assert "unknown occupation 'astronaut'" in outcome.text and LABELS["occupation"] in outcome.text
    assert outcome.problem and "astronaut" in outcome.problem
    plans_still(service, lookup)


@pytest.mark.parametrize(
    ("name", "phrases"),
    [
        ("not_json", ["not JSON", "line 1, column 2"]),
        ("huge", ["60.0 MB", f"up to {checkplan.MAX_PLAN_MB} MB"]),
        ("png", ["not UTF-8 text"]),
        ("catalogue", ["not JSON"]),
        ("cycle", ["not JSON"]),
    ],
)
def test_a_file_that_is_no_plan_is_explained(
    service: CredpathService, lookup: Lookup, files: dict[str, str], name: str, phrases: list[str]
) -> None:
    text = check_handler(service, files[name])
    assert 'class="credpath-error"' in text and "Could not check the plan." in text
    assert "How to fix it:" in text
    for phrase in phrases:
        assert phrase in text
    plans_still(service, lookup)


def test_json_that_is_no_plan_names_the_fields(service: CredpathService, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"schema_version": "1.0", "steps": "none"}', encoding="utf-8")
    text = check_handler(service, str(other))
    assert "not a credpath plan" in text and "/steps" in text


def test_no_file_chosen_says_what_to_do(service: CredpathService) -> None:
    assert "no plan file chosen" in check_handler(service, None)


def test_a_plan_is_checked_and_a_broken_one_flagged(service: CredpathService, lookup: Lookup, tmp_path: Path) -> None:
    outcome = plan_form(service, **form(occupation=lookup("occupation", "data analyst")))
    assert outcome.path is not None
    assert check_handler(service, outcome.path).startswith("**Valid**")
    text = Path(outcome.path).read_text(encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text(text.replace('"total_hours": ', '"total_hours": 1', 1), encoding="utf-8")
    verdict = check_handler(service, str(broken))
    assert "<strong>Invalid</strong>" in verdict and "/total_hours" in verdict and "Fix:" in verdict


# -- the provider page -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "phrases"),
    [
        ("not_json", ["not.json"]),
        ("huge", ["60.0 MB", f"up to {provider.MAX_UPLOAD_MB} MB"]),
        ("png", ["picture.png"]),
        ("text", ["notes.txt"]),
        ("catalogue_json", ["bad_syntax.json:3:44", "invalid JSON"]),
    ],
)
def test_a_bad_catalogue_upload_is_explained_beside_the_upload(
    service: CredpathService, lookup: Lookup, files: dict[str, str], name: str, phrases: list[str]
) -> None:
    message, providers, occupations = catalogue_handler(service, files[name])
    assert "Could not read the catalogue." in message and "How to fix it:" in message
    for phrase in phrases:
        assert phrase in message
    assert providers == provider_choices(service) and occupations == options(service, "occupation")
    view = report_handler(service, files[name], [], None, None, 0.5)
    assert "Could not report." in view.message and view.downloads is None
    assert report_handler(service, None, [], None, None, 0.5).downloads is not None
    plans_still(service, lookup)


def test_a_catalogue_with_a_cycle_loads_with_the_cycle_named(service: CredpathService, files: dict[str, str]) -> None:
    message, providers, _ = catalogue_handler(service, files["cycle"])
    assert "Cyclic catalogue" in message and providers == ["Loop College"]
    assert "depend on itself" in message and "course-a -&gt; skill skill:a" in message
    assert "break the cycle" in message
    view = report_handler(service, files["cycle"], [], None, None, 0.5)
    assert {row[0] for row in view.unmeetable} == {"Course A", "Course B"}
    assert view.downloads is not None


def test_a_clean_catalogue_has_no_warning(service: CredpathService, files: dict[str, str]) -> None:
    message, _, _ = catalogue_handler(service, files["catalogue"])
    assert "credpath-error" not in message
