"""The Advisor tab's handlers, called directly: drafting, live flags on the right step, re-plan, compare, export."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from recommender.drafts.store import DraftStore, database_url
from recommender.drafts.workspace import Workspace
from recommender.export import ctdl
from recommender.service import CredpathService
from recommender.users import LOCAL, AccessDeniedError, Actor, AuthFile, Role
from ui import advisor

ANA = Actor("ana", Role.advisor)
BEN = Actor("ben", Role.advisor)
Lookup = Callable[[str, str], str]


@pytest.fixture
def ws(service: CredpathService, tmp_path: Path) -> Workspace:
    return service.workspace(DraftStore(database_url(None, tmp_path)))


def draft(ws: Workspace, lookup: Lookup, actor: Actor = ANA, name: str = "Alex <b>Learner</b>") -> advisor.View:
    return advisor.new_draft(ws, actor, name, lookup("occupation", "data analyst"), [], [], [], "", "", "", "hours")


def test_the_user_comes_from_the_auth_file_or_is_the_local_user() -> None:
    assert advisor.actor_for(None, None) == LOCAL
    auth = AuthFile().with_user("ana", Role.advisor, "correct horse battery")
    assert advisor.actor_for(auth, "ana") == ANA
    with pytest.raises(AccessDeniedError):
        advisor.actor_for(auth, None)
    with pytest.raises(AccessDeniedError):
        advisor.actor_for(auth, "mallory")
    assert "Single-user mode" in advisor.who_line(None, None)
    assert "Signed in as **ana** (advisor)" in advisor.who_line(auth, "ana")


def test_new_draft_is_listed_and_escaped(ws: Workspace, lookup: Lookup) -> None:
    view = draft(ws, lookup)
    assert view.draft_id and "Verified:" in view.html
    assert "Alex &lt;b&gt;Learner&lt;/b&gt;" in view.html and "<b>Learner" not in view.html
    assert [ident for _, ident in advisor.draft_choices(ws, ANA)] == [view.draft_id]
    assert advisor.draft_choices(ws, BEN) == []
    assert len(view.steps) == view.html.count("<tr data-step=")


def test_a_bad_form_says_what_to_fix(ws: Workspace) -> None:
    view = advisor.new_draft(ws, ANA, "Alex", None, [], [], [], "lots", "", "", "hours")
    assert view.draft_id is None and "credpath-error" in view.html and "not a number" in view.html
    view = advisor.new_draft(ws, ANA, "", None, [], [], [], "", "", "", "hours")
    assert "no target" in view.html


def test_removing_a_needed_step_flags_the_step_that_needs_it(ws: Workspace, lookup: Lookup) -> None:
    view = draft(ws, lookup)
    opened = ws.open(ANA, view.draft_id or "")
    steps = opened.pathway.steps
    needed, dependant = next(
        (s, later) for later in steps for m in later.requirements_met_by if m.step for s in steps if s.index == m.step
    )
    edited = advisor.edit_draft(ws, ANA, view.draft_id, "remove", needed.credential_id)
    assert "problem(s) flagged" in edited.html
    new_index = dependant.index - 1
    row = edited.html.split(f'<tr data-step="{new_index}">')[1].split("</tr>")[0]
    assert "advisor-flag" in row and "requirements are met" in row and "Fix:" in row
    assert needed.name not in [label.split(". ", 1)[1].split(" · ")[0] for label, _ in edited.steps]
    fixed = advisor.replan_draft(ws, ANA, view.draft_id)
    assert "Verified:" in fixed.html and "advisor-flag" not in fixed.html


def test_swap_offers_alternatives_cheapest_first(ws: Workspace, lookup: Lookup, service: CredpathService) -> None:
    view = draft(ws, lookup)
    for _, step in view.steps:
        options = advisor.step_alternatives(ws, ANA, view.draft_id, step)
        if options:
            break
    assert options
    swapped = advisor.edit_draft(ws, ANA, view.draft_id, "swap", step, options[0][1])
    assert service.graph.credentials[options[0][1]].name in swapped.html and "📌" in swapped.html


def test_another_advisor_cannot_open_edit_compare_or_export(ws: Workspace, lookup: Lookup) -> None:
    view = draft(ws, lookup)
    other = draft(ws, lookup, BEN, "Bo")
    assert "no draft" in advisor.open_draft(ws, BEN, view.draft_id).html
    assert advisor.edit_draft(ws, BEN, view.draft_id, "remove", view.steps[0][1]).draft_id is None
    assert "no draft" in advisor.compare_drafts(ws, BEN, [view.draft_id or "", other.draft_id or ""])
    path, message = advisor.export_draft(ws, BEN, view.draft_id, "ctdl")
    assert path is None and "no draft" in message
    assert advisor.step_alternatives(ws, BEN, view.draft_id, view.steps[0][1]) == []


def test_compare_and_export(ws: Workspace, lookup: Lookup) -> None:
    a = draft(ws, lookup, name="Alex")
    b = advisor.new_draft(ws, ANA, "Alex cheap", lookup("occupation", "data analyst"), [], [], [], "", "", "", "cost")
    table = advisor.compare_drafts(ws, ANA, [a.draft_id or "", b.draft_id or ""])
    assert table.startswith("| | Alex (") and "| Hours |" in table and "Only here: credentials" in table
    assert "2 or 3" in advisor.compare_drafts(ws, ANA, [a.draft_id or ""])
    path, _ = advisor.export_draft(ws, ANA, a.draft_id, "ctdl")
    assert path is not None and path.endswith("Alex.jsonld")
    read = ctdl.read(json.loads(Path(path).read_text(encoding="utf-8")))
    assert len(read.steps) == len(a.steps)
    html_path, _ = advisor.export_draft(ws, ANA, a.draft_id, "html")
    assert html_path is not None and Path(html_path).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_batch_upload_saves_drafts_and_offers_the_zip(ws: Workspace, tmp_path: Path) -> None:
    csv_file = tmp_path / "class.csv"
    csv_file.write_text("learner,occupation\nAna,data analyst\nBo,astronaut\n", encoding="utf-8")
    seen: list[tuple[int, int]] = []
    path, summary = advisor.batch_upload(ws, ANA, str(csv_file), lambda d, t: seen.append((d, t)))
    assert path is not None and seen[-1] == (2, 2)
    assert "1 of 2 learner(s) planned" in summary and "astronaut" in summary
    with zipfile.ZipFile(path) as z:
        assert {"Ana.json", "Ana.md", "summary.csv"} == set(z.namelist())
    assert [label.split(" · ")[0] for label, _ in advisor.draft_choices(ws, ANA)] == ["Ana"]
    assert advisor.batch_upload(ws, Actor("acme", Role.provider), str(csv_file))[0] is None


def test_with_sign_in_the_provider_page_serves_providers_and_admins_only() -> None:
    from types import SimpleNamespace

    from ui.app import provider_guard
    from ui.provider import denied

    auth = AuthFile()
    for name, role in (("ana", Role.advisor), ("acme", Role.provider), ("root", Role.admin)):
        auth = auth.with_user(name, role, "correct horse battery")
    guard = provider_guard(auth)
    assert denied(guard, SimpleNamespace(username="acme")) is None  # type: ignore[arg-type]
    assert denied(guard, SimpleNamespace(username="root")) is None  # type: ignore[arg-type]
    refused = denied(guard, SimpleNamespace(username="ana"))  # type: ignore[arg-type]
    assert refused is not None and "may not do this" in refused and "sign in as provider or admin" in refused
    assert denied(guard, SimpleNamespace(username=None)) is not None  # type: ignore[arg-type]
    assert denied(None, SimpleNamespace(username=None)) is None  # type: ignore[arg-type]
