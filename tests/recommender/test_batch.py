"""Batch planning: one row per learner, bad rows reported in the summary, the same plans in parallel or not."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from graph.errors import CatalogueError
from recommender import batch
from recommender.plan import Pathway
from recommender.service import CredpathService

CSV = (
    ",".join(batch.COLUMNS)
    + """
Ana,data analyst,,,,,SQL Basics,,,8,en,,,hours,
Bo,,software developer,,,,,,,,,online,,cost,
Cy,,,SQL,,,,abc,,,,,,,
Di,,,,Machine Learning Foundations,,,,,,,,OpenQuarry Learning,,
Ana,,,statistics,,,,,,,,,,,
Eve,,,,,,,,,,,,,,
Fay,astronaut,,,,,,,,,,,,,
"""
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "learners.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_plan_in_parallel_like_in_one_process(service: CredpathService, tmp_path: Path) -> None:
    rows = batch.read_rows(write(tmp_path, CSV))
    seen: list[tuple[int, int]] = []
    parallel = batch.plan_rows(service, rows, workers=2, progress=lambda d, t: seen.append((d, t)))
    serial = batch.plan_rows(service, rows, workers=1)
    assert seen[-1] == (len(rows), len(rows))
    assert [o.status for o in parallel] == ["planned", "partial", "failed", "planned", "planned", "failed", "failed"]
    for a, b in zip(parallel, serial, strict=True):
        assert a.message == b.message
        if a.pathway is not None and b.pathway is not None:
            assert a.pathway.credential_ids == b.pathway.credential_ids and a.pathway.verification.valid
    assert "line 4" in parallel[2].message and "max_hours" in parallel[2].message
    assert "target" in parallel[5].message.lower()
    assert "goal" in parallel[6].message and "astronaut" in parallel[6].message
    assert parallel[0].pathway is not None and "meridian-sql-basics" in parallel[0].pathway.request.have
    assert parallel[3].pathway is not None and all(
        s.provider != "OpenQuarry Learning" for s in parallel[3].pathway.steps
    )


def test_zip_has_a_plan_and_markdown_per_learner_and_a_summary(service: CredpathService, tmp_path: Path) -> None:
    outcomes = batch.plan_rows(service, batch.read_rows(write(tmp_path, CSV)), workers=1)
    out = tmp_path / "drafts.zip"
    batch.write_zip(outcomes, out)
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        assert {"Ana.json", "Ana.md", "Bo.json", "Di.md", "Ana-2.json", "summary.csv"} <= names
        assert not any(n.startswith(("Cy.", "Eve.", "Fay.")) for n in names)
        plan = Pathway.model_validate_json(z.read("Ana.json"))
        assert plan.verification.valid
        summary = list(csv.DictReader(io.StringIO(z.read("summary.csv").decode())))
    assert list(summary[0]) == list(batch.SUMMARY)
    assert [r["status"] for r in summary] == [o.status for o in outcomes]
    assert summary[0]["steps"] == str(len(plan.steps)) and summary[0]["hours"] == f"{plan.total_hours:g}"
    assert summary[2]["message"] and not summary[0]["message"]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "header"),
        ("name,goal\nAna,data analyst\n", "header"),
        ("learner,colour\nAna,red\n", "unknown column"),
        ("learner,goal\n", "no learner rows"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(CatalogueError, match=match):
        batch.read_rows(write(tmp_path, text))


def test_example_file_is_documented_and_plans_on_the_bundled_catalogue(tmp_path: Path) -> None:
    rows = batch.read_rows(batch.EXAMPLE)
    assert rows and set(rows[0].cells) == set(batch.COLUMNS)
    outcomes = batch.plan_rows(CredpathService.bundled(), rows, workers=1)
    assert all(o.pathway is not None and o.pathway.verification.valid for o in outcomes), [o.message for o in outcomes]


def test_a_file_past_the_size_limit_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.errors import InputLimitError

    monkeypatch.setenv("CREDPATH_MAX_FILE_MB", "0.0001")
    with pytest.raises(InputLimitError, match="CREDPATH_MAX_FILE_MB"):
        batch.read_rows(write(tmp_path, CSV))
