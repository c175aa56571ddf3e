"""Badges on the learner page in a real browser: upload, see each verdict, plan without what a badge proves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ingest.badges.factory import Issuer
from tests.ui.test_browser import app_url, download_json, page, pick, pytestmark

__all__ = ["app_url", "page", "pytestmark"]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def badge_files(folder: Path) -> tuple[Path, Path]:
    """A badge for "SQL Basics" signed by the tests' issuer, and a copy whose payload was changed after signing."""
    issuer = Issuer()
    good = issuer.jwt(issuer.credential("meridian-sql-basics", "SQL Basics"))
    head, _, sig = good.split(".")
    forged = issuer.jwt(issuer.credential("meridian-sql-basics", "SQL Basics", valid_from="2020-01-01T00:00:00Z"))
    paths = folder / "sql-basics.jwt", folder / "sql-basics-tampered.jwt"
    paths[0].write_text(good, encoding="utf-8")
    paths[1].write_text(f"{head}.{forged.split('.')[1]}.{sig}", encoding="utf-8")
    return paths


def test_uploaded_badges_are_verified_and_the_plan_skips_what_they_prove(page: Any, tmp_path: Path) -> None:
    good, tampered = badge_files(tmp_path)
    page.locator("#learner-badges input[type=file]").set_input_files([str(good), str(tampered)])
    report = page.locator("#learner-badge-report table")
    report.wait_for()
    rows = report.locator("tbody tr").all_inner_texts()
    assert len(rows) == 2
    assert "verified" in rows[0] and "yes" in rows[0] and "SQL Basics (credential)" in rows[0]
    assert "invalid" in rows[1] and "never counts" in rows[1]
    assert "1 of 2 badge(s) count as held" in page.locator("#learner-badge-report").inner_text()

    pick(page, "learner-occupation", "data an", "data analyst")
    page.locator("#learner-plan").click()
    table = page.locator("#learner-output table")
    table.wait_for()
    assert "SQL Basics" not in table.inner_text()
    output = page.locator("#learner-output").inner_text()
    assert "Badges you hold" in output and "sql-basics-tampered.jwt" not in output
    assert "not counted (invalid: never counts)" in output

    plan = download_json(page, "#learner-download", tmp_path / "plan.json")
    assert [(b["source"], b["counted"]) for b in plan["badges"]] == [
        ("sql-basics.jwt", True),
        ("sql-basics-tampered.jwt", False),
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "learner-badges.png"), full_page=True)


def test_a_wrong_verification_file_is_named_beside_the_upload(page: Any, tmp_path: Path) -> None:
    good, _ = badge_files(tmp_path)
    notes = tmp_path / "notes.json"
    notes.write_text('{"name": "not a status list"}', encoding="utf-8")
    page.locator("#learner-badges input[type=file]").set_input_files([str(good)])
    page.locator("#learner-badge-report table").wait_for()
    page.locator("#learner-badge-files").get_by_text("Badge verification files (optional)").click()
    page.locator("#learner-badge-support input[type=file]").set_input_files([str(notes)])
    alert = page.locator("#learner-badge-report [role=alert]")
    alert.wait_for()
    assert "notes.json: this file is not a status list" in alert.inner_text()
    assert "How to fix it" in alert.inner_text()
