"""The provider page's handlers, called directly: uploads, area search, the report's tables, charts and downloads."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from recommender.gaps import GapReport
from recommender.service import CredpathService
from ui import provider
from ui.app import build_app
from ui.choices import provider_choices
from ui.provider import area_handler, catalogue_handler, report_handler

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "gaps_catalogue.yaml"


@pytest.fixture
def upload(tmp_path: Path) -> str:
    """The small gaps catalogue as the browser would hand it over: a file in a temp folder."""
    path = tmp_path / "catalogue.yaml"
    shutil.copy(FIXTURE, path)
    return str(path)


def test_report_on_the_apps_catalogue(service: CredpathService) -> None:
    view = report_handler(service, None, [], "", None, 0.5)
    report = service.gaps_report()
    assert "credpath example catalogue" in view.message
    assert len(view.coverage) == len(report.coverage)
    assert [row[1] for row in view.overlaps] == [o.second_name for o in report.overlaps]
    assert view.charts is not None and all(Path(p).read_bytes().startswith(b"\x89PNG") for p in view.charts)
    assert view.downloads is not None
    json_path, missing_csv, coverage_csv = view.downloads
    assert GapReport.model_validate_json(Path(json_path).read_text(encoding="utf-8")) == report
    coverage_rows = list(csv.DictReader(io.StringIO(Path(coverage_csv).read_text(encoding="utf-8"))))
    assert len(coverage_rows) == len(report.coverage)
    assert Path(missing_csv).read_text(encoding="utf-8").startswith("rank,id,label,")


def test_uploaded_catalogue_and_provider(service: CredpathService, upload: str) -> None:
    message, providers, occupations = catalogue_handler(service, upload)
    assert "6 credentials" in message and providers == ["Acme", "Beta"]
    assert ("data analyst", "o-analyst") in occupations.pairs
    view = report_handler(service, upload, ["o-analyst"], None, "Acme", 0.5)
    assert [row[1] for row in view.missing] == ["data visualisation", "data ethics"]
    assert view.unmeetable == [["ML A", "Acme", "statistics"]]
    assert view.coverage == [["data analyst", 3, 2, "67%", "no"]]


def test_area_search_by_words_and_isco_code(service: CredpathService, upload: str) -> None:
    message, ids = area_handler(service, upload, "2511")
    assert ids == ["o-analyst", "o-scientist"] and "2 occupation(s)" in message
    message, ids = area_handler(service, upload, "plumber")
    assert ids == [] and "credpath-error" in message and "How to fix it" in message


@pytest.mark.parametrize(
    ("values", "needle"),
    [
        ((["astronaut"], None, None, 0.5), "no occupation 'astronaut'"),
        (([], "nursing", None, 0.5), "area"),
        (([], None, "Nobody Inc", 0.5), "provider"),
    ],
)
def test_bad_choices_become_a_message(service: CredpathService, values: tuple[object, ...], needle: str) -> None:
    view = report_handler(service, None, *values)  # type: ignore[arg-type]
    assert "Could not report." in view.message and needle in view.message
    assert view.charts is None and view.downloads is None


def test_oversized_upload_is_refused_in_the_handler(
    service: CredpathService, upload: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(provider, "MAX_UPLOAD_MB", 0)
    view = report_handler(service, upload, [], None, None, 0.5)
    assert "Could not report." in view.message and "up to 0 MB" in view.message
    message, providers, _ = catalogue_handler(service, upload)
    assert "Could not read the catalogue." in message
    assert providers == provider_choices(service)


def test_unreadable_upload_says_so(service: CredpathService, tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "credpath-catalogue", ', encoding="utf-8")
    view = report_handler(service, str(bad), [], None, None, 0.5)
    assert "Could not report." in view.message and "broken.json" in view.message


def test_the_app_has_a_provider_tab_with_a_gaps_endpoint(service: CredpathService) -> None:
    config = build_app(service).get_config_file()
    text = json.dumps(config)
    assert '"Provider"' in text and "provider-report" in text
    assert '"gaps"' in json.dumps(config["dependencies"])
