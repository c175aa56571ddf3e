"""Settings live where a newcomer looks for them, and all read the same CREDPATH_ variables."""

from __future__ import annotations

import pytest

from ingest.settings import Settings
from recommender.settings import PlannerSettings
from ui.settings import ServerSettings


def test_each_room_reads_its_own_credpath_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDPATH_PLAN_TIME_LIMIT", "5")
    monkeypatch.setenv("CREDPATH_PLANNER_ROUNDS", "2")
    monkeypatch.setenv("CREDPATH_PORT", "8000")
    monkeypatch.setenv("CREDPATH_EMBEDDER", "hashing")
    assert PlannerSettings().plan_time_limit == 5.0 and PlannerSettings().planner_rounds == 2
    assert ServerSettings().port == 8000 and ServerSettings().host == "127.0.0.1"
    assert Settings().embedder == "hashing"
    assert not {"plan_time_limit", "host", "port"} & set(Settings.model_fields)


def test_planner_rounds_default_and_bounds() -> None:
    assert PlannerSettings().planner_rounds == 3
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        PlannerSettings(planner_rounds=0)
