"""The service facade: every way of opening a catalogue plans the same, the bundled catalogue is sound."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import data as bundled
from ingest.settings import Settings
from ingest.store import open_store
from recommender.profile import LearnerProfile, Objective, Targets
from recommender.service import CredpathService
from tests.ingest.data.test_bundled import curriculum_occupations

EXAMPLE = Path(__file__).resolve().parents[2] / "ingest" / "data" / "example_catalogue.yaml"
PROFILES = [
    LearnerProfile(targets=Targets(occupation="data analyst"), have=("SQL Basics",)),
    LearnerProfile(targets=Targets(occupation="computer vision engineer"), objective=Objective.cost),
]


def test_plan_from_store_equals_plan_from_files(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, embedder="hashing")
    from_files = CredpathService.from_paths([EXAMPLE], settings=settings)
    open_store(settings, path=tmp_path / "store").ingest(from_files.catalogue)
    from_store = CredpathService.from_store(tmp_path / "store", settings=settings)
    assert from_store.catalogue == from_files.catalogue
    for profile in PROFILES:
        a = from_files.plan(profile, alternatives=1)
        b = from_store.plan(profile, alternatives=1)
        assert a.model_dump(exclude={"quality": {"seconds"}}) == b.model_dump(exclude={"quality": {"seconds"}})


def test_search_needs_a_store() -> None:
    from graph.errors import ConfigError

    with pytest.raises(ConfigError, match="credpath ingest"):
        CredpathService.from_paths([EXAMPLE]).search("python")


@pytest.fixture(scope="module")
def default_service() -> CredpathService:
    return CredpathService.bundled()


def test_bundled_default_catalogue_is_clean(default_service: CredpathService) -> None:
    assert [str(p) for p in default_service.validate() if p.severity == "error"] == []
    assert len(default_service.catalogue.credentials) >= 300


def test_every_curriculum_occupation_plans_optimally(default_service: CredpathService) -> None:
    written_for = [o for o in default_service.catalogue.occupations if o.id in curriculum_occupations()]
    assert len(written_for) >= 30
    for occupation in written_for:
        plan = default_service.plan(LearnerProfile(targets=Targets(occupation=occupation.id)))
        assert plan.verification.valid and plan.optimal, occupation.label
        assert plan.covered, occupation.label


def test_gaps_list_untaught_demanded_skills(default_service: CredpathService) -> None:
    gaps = default_service.gaps()
    assert gaps
    g = default_service.graph
    assert all(not g.teachers(gap.skill) and (gap.essential_for or gap.optional_for) for gap in gaps)


def test_options_for_pickers_are_labelled_and_sorted(default_service: CredpathService) -> None:
    options = default_service.options("occupation")
    assert len(options) == len(default_service.catalogue.occupations)
    assert [o.label.casefold() for o in options] == sorted(o.label.casefold() for o in options)


def test_bundled_paths_exist() -> None:
    assert all(p.exists() for p in bundled.default_catalogue_paths())
