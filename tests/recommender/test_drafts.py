"""Drafts that last: stored on SQLite and on a real PostgreSQL server, owned, edited, re-verified, compared."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from graph.errors import ConfigError, RequestError
from graph.model import Catalogue
from recommender.drafts.store import DraftNotFoundError, DraftStore, database_url
from recommender.drafts.workspace import Workspace
from recommender.export import ctdl
from recommender.profile import LearnerProfile, Objective, Targets
from recommender.service import CredpathService
from recommender.users import AccessDeniedError, Actor, Role
from tests.postgres import binaries, postgres_server

ANA = Actor("ana", Role.advisor)
BEN = Actor("ben", Role.advisor)
ADMIN = Actor("root", Role.admin)
PROVIDER = Actor("acme", Role.provider)
ANALYST = LearnerProfile(targets=Targets(occupation="data analyst"))


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    if binaries() is None:
        pytest.skip("PostgreSQL is not installed: `make test` installs Debian's postgresql package")
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=[pytest.mark.server, pytest.mark.slow])])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DraftStore]:
    if request.param == "sqlite":
        opened = DraftStore(database_url(None, tmp_path))
    else:
        url = request.getfixturevalue("postgres")
        opened = DraftStore(database_url(url, tmp_path))
        with opened.engine.begin() as c:
            c.execute(text("DELETE FROM draft_events"))
            c.execute(text("DELETE FROM drafts"))
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def workspace(service: CredpathService, store: DraftStore) -> Workspace:
    return service.workspace(store)


def test_migrations_run_on_open_and_again_harmlessly(store: DraftStore) -> None:
    from concurrent.futures import ThreadPoolExecutor

    url = store.engine.url.render_as_string(hide_password=False)
    with ThreadPoolExecutor(3) as pool:
        for opened in pool.map(lambda _: DraftStore(url), range(3)):
            opened.close()
    store.migrate()
    tables = set(inspect(store.engine).get_table_names())
    assert {"drafts", "draft_events", "alembic_version"} <= tables
    with store.engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0001"


def test_each_advisor_sees_only_their_own_drafts(workspace: Workspace) -> None:
    mine = workspace.new(ANA, "Alex Learner", ANALYST).draft
    theirs = workspace.new(BEN, "Bo Learner", ANALYST).draft
    assert [d.id for d in workspace.drafts(ANA)] == [mine.id]
    assert [d.id for d in workspace.drafts(BEN)] == [theirs.id]
    assert {d.id for d in workspace.drafts(ADMIN)} == {mine.id, theirs.id}
    with pytest.raises(DraftNotFoundError):
        workspace.open(BEN, mine.id)
    with pytest.raises(DraftNotFoundError):
        workspace.edit(BEN, mine.id, "remove", mine.pathway.credential_ids[0])
    with pytest.raises(AccessDeniedError):
        workspace.drafts(PROVIDER)
    assert workspace.open(ADMIN, mine.id).draft.learner == "Alex Learner"


def test_a_draft_lasts_with_its_history(service: CredpathService, store: DraftStore, workspace: Workspace) -> None:
    made = workspace.new(ANA, "Alex", ANALYST, notes="employer pays for SQL")
    first = made.pathway.credential_ids[0]
    workspace.edit(ANA, made.draft.id, "pin", first)
    workspace.set_notes(ANA, made.draft.id, "call back next week")
    again = Workspace(service, DraftStore(store.engine.url.render_as_string(hide_password=False))).open(
        ANA, made.draft.id
    )
    assert again.draft.notes == "call back next week" and again.draft.pins == (first,)
    assert [(h.who, h.what) for h in again.draft.history] == [("ana", "created"), ("ana", "pin"), ("ana", "notes")]
    assert again.draft.history[0].at <= again.draft.history[-1].at and again.draft.history[0].at.tzinfo is not None
    assert again.changes == () and again.flags == () and again.pathway.verification.valid
    assert again.pathway == made.pathway


def test_removing_a_needed_step_flags_the_step_that_needed_it_and_replan_fixes_it(workspace: Workspace) -> None:
    made = workspace.new(ANA, "Alex", ANALYST)
    steps = made.pathway.steps
    needed = next(
        s
        for s in steps
        if any(m.source == "step" for later in steps for m in later.requirements_met_by if m.step == s.index)
    )
    dependants = [later.credential_id for later in steps for m in later.requirements_met_by if m.step == needed.index]
    edited = workspace.edit(ANA, made.draft.id, "remove", needed.credential_id)
    assert not edited.pathway.verification.valid
    flagged = {edited.pathway.steps[f.step - 1].credential_id for f in edited.flags if f.step is not None}
    assert dependants[0] in flagged
    assert all(f.fix for f in edited.flags)
    assert needed.credential_id in edited.draft.profile.constraints.exclude_credentials
    fixed = workspace.replan(ANA, made.draft.id)
    assert fixed.pathway.verification.valid and fixed.flags == ()
    assert needed.credential_id not in fixed.pathway.credential_ids
    assert [h.what for h in fixed.draft.history] == ["created", "remove", "replan"]


def test_swap_offers_cheapest_alternatives_and_pins_the_choice(workspace: Workspace, service: CredpathService) -> None:
    made = workspace.new(ANA, "Alex", ANALYST)
    g = service.graph
    for step in made.pathway.steps:
        options = workspace.alternatives(ANA, made.draft.id, step.credential_id)
        if options:
            break
    else:
        pytest.fail("no step of the plan has an alternative in the example catalogue")
    costs = [g.credentials[c].cost for c, _ in options]
    assert costs == sorted(costs)
    assert all(set(step.teaches) <= set(g.credentials[c].taught_skill_ids) for c, _ in options)
    swapped = workspace.edit(ANA, made.draft.id, "swap", step.credential_id, options[0][0])
    assert options[0][0] in swapped.pathway.credential_ids and swapped.draft.pins == (options[0][0],)
    replanned = workspace.replan(ANA, made.draft.id)
    assert options[0][0] in replanned.pathway.credential_ids and replanned.pathway.verification.valid


def test_reopening_on_a_changed_catalogue_says_what_changed(
    example_catalogue: Catalogue, store: DraftStore, service: CredpathService
) -> None:
    made = service.workspace(store).new(ANA, "Alex", ANALYST)
    gone, repriced = made.pathway.credential_ids[-1], made.pathway.credential_ids[0]
    credentials = tuple(
        c.model_copy(update={"cost": c.cost + 50}) if c.id == repriced else c
        for c in example_catalogue.credentials
        if c.id != gone
    )
    changed = CredpathService(example_catalogue.model_copy(update={"credentials": credentials}))
    reopened = changed.workspace(store).open(ANA, made.draft.id)
    assert any("withdrawn" in c for c in reopened.changes)
    assert any("price changed" in c for c in reopened.changes)
    assert not reopened.pathway.verification.valid
    assert any(f.step == len(made.pathway.steps) and "withdrew" in f.fix for f in reopened.flags)


def test_compare_and_export(workspace: Workspace) -> None:
    a = workspace.new(ANA, "Alex", ANALYST).draft
    b = workspace.new(ANA, "Alex (cheap)", ANALYST.model_copy(update={"objective": Objective.cost})).draft
    columns = workspace.compare(ANA, [a.id, b.id])
    assert [c.steps for c in columns] == [len(a.pathway.steps), len(b.pathway.steps)]
    only_a = set(a.pathway.credential_ids) - set(b.pathway.credential_ids)
    assert {n for n in columns[0].only_credentials} == {s.name for s in a.pathway.steps if s.credential_id in only_a}
    name, document = workspace.export(ANA, a.id, "ctdl")
    assert name == "Alex.jsonld"
    assert ctdl.read(json.loads(document)).steps == a.pathway.credential_ids
    with pytest.raises(DraftNotFoundError):
        workspace.export(BEN, a.id, "ctdl")


def test_a_draft_compares_with_its_planned_alternatives(workspace: Workspace) -> None:
    made = workspace.new(ANA, "Alex", ANALYST)
    assert made.draft.pathway.alternatives
    keys = dict((label, key) for label, key in workspace.comparables(ANA))
    alternative = next(key for label, key in keys.items() if label.endswith("alternative 1"))
    columns = workspace.compare(ANA, [made.draft.id, alternative])
    first = made.draft.pathway.alternatives[0]
    assert columns[1].name.endswith("alternative 1") and columns[1].steps == len(first.steps)
    assert columns[1].valid and columns[1].hours == first.total_hours
    assert {c for c in columns[1].only_credentials} == {s.name for s in first.steps if s.credential_id in first.added}
    with pytest.raises(RequestError, match="no alternative 9"):
        workspace.compare(ANA, [made.draft.id, f"{made.draft.id}#alt9"])
    assert workspace.comparables(BEN) == []


def test_the_database_comes_from_the_environment(
    service: CredpathService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDPATH_DATABASE_URL", f"sqlite:///{tmp_path / 'shared.sqlite'}")
    service.workspace().new(ANA, "Alex", ANALYST)
    assert (tmp_path / "shared.sqlite").exists()
    monkeypatch.delenv("CREDPATH_DATABASE_URL")
    assert service.workspace().drafts(ANA) == []
    monkeypatch.setenv("CREDPATH_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(ConfigError, match="cannot open the drafts database"):
        service.workspace()
    monkeypatch.setenv("CREDPATH_DATABASE_URL", "not a url")
    with pytest.raises(ConfigError, match="not a database URL"):
        service.workspace()
