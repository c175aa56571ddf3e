"""The learner page's downloads: the plan as JSON, a printable HTML page and Markdown, each the export of that plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from recommender.plan import read_plan
from recommender.service import CredpathService
from ui import learner

Lookup = Callable[[str, str], str]


def test_a_plan_comes_with_json_html_and_markdown_files(service: CredpathService, lookup: Lookup) -> None:
    values: dict[str, object] = dict.fromkeys(learner.FORM_ORDER)
    values |= {"occupation": lookup("occupation", "data analyst"), "objective": "cost", "alternatives": 0}
    outcome = learner.plan_form(service, **values)  # type: ignore[arg-type]
    assert outcome.path is not None and outcome.path.endswith(".json")
    pathway = read_plan(Path(outcome.path).read_text(encoding="utf-8"), where=outcome.path)
    assert service.verify(pathway).valid
    files = dict(outcome.downloads)
    assert [fmt for fmt, _ in learner.DOWNLOADS] == list(files) == ["html", "markdown"]
    for fmt, path in files.items():
        assert Path(path).suffix == {"html": ".html", "markdown": ".md"}[fmt]
        assert Path(path).read_text(encoding="utf-8") == service.export(pathway, fmt) + "\n"


def test_no_plan_means_no_downloads(service: CredpathService) -> None:
    values: dict[str, object] = dict.fromkeys(learner.FORM_ORDER)
    values |= {"objective": "hours", "alternatives": 0}
    outcome = learner.plan_form(service, **values)  # type: ignore[arg-type]
    assert outcome.path is None and outcome.downloads == ()
