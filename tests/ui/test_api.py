"""The app's API through ``gradio_client`` against a server on 127.0.0.1: each endpoint, its errors, its limits."""

from __future__ import annotations

import doctest
import http.client
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from gradio_client import Client
from gradio_client.exceptions import AppError

import ui.serving
from bench.load_bench import drive, profiles
from recommender.service import CredpathService
from tests.ingest.badges.factory import Issuer
from tests.ui.test_browser import served
from ui import checkplan, provider
from ui.api import ENDPOINTS
from ui.app import MAX_FILE_MB, build_app, launch_options
from ui.cli import main

Lookup = Callable[[str, str], str]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def url(service: CredpathService) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, with a small request limit so the limit can be tested cheaply."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CREDPATH_MAX_REQUEST_KB", "64")
        app = ExitStack()
        url = app.enter_context(served(build_app(service)))  # launched while the limit is set
    with app:
        yield url


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[Client]:
    c = Client(url, verbose=False)
    try:
        yield c
    finally:
        c.close()


def test_the_api_lists_exactly_the_actions(client: Client) -> None:
    named = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert {f"/{e.name}" for e in ENDPOINTS} >= {"/plan", "/verify", "/gaps"}
    assert named - {f"/{e.name}" for e in ENDPOINTS} == {n for n in named if n.startswith("/advisor_")}
    assert {f"/{e.name}" for e in ENDPOINTS} <= named


def test_plan_gives_a_plan_that_credpath_verify_accepts(
    client: Client, service: CredpathService, lookup: Lookup, tmp_path: Path
) -> None:
    analyst = lookup("occupation", "data analyst")
    plan = client.predict(profile={"targets": {"occupation": analyst}, "objective": "cost"}, api_name="/plan")
    assert plan["request"]["targets"]["occupation"] == analyst
    assert plan["steps"] and plan["verification"]["valid"] is True
    saved = tmp_path / "plan.json"
    saved.write_text(json.dumps(plan), encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", str(saved), "--catalogue", service.source])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("valid:")


def test_plan_alternatives_and_held_items(client: Client, lookup: Lookup) -> None:
    python = lookup("credential", "Python for Beginners")
    plan = client.predict(
        profile={"targets": {"occupation": lookup("occupation", "data scientist")}, "have": [python]},
        alternatives=2,
        api_name="/plan",
    )
    assert len(plan["alternatives"]) == 2
    assert python not in {s["credential_id"] for s in plan["steps"]}


def test_verify_accepts_a_plan_and_flags_a_broken_one(client: Client, lookup: Lookup) -> None:
    plan = client.predict(profile={"targets": {"occupation": lookup("occupation", "data analyst")}}, api_name="/plan")
    assert client.predict(plan=plan, api_name="/verify")["valid"] is True
    broken = plan | {"steps": plan["steps"][1:]}
    verdict = client.predict(plan=broken, api_name="/verify")
    assert verdict["valid"] is False and verdict["problems"]


def test_gaps_is_the_services_report(client: Client, service: CredpathService, lookup: Lookup) -> None:
    every = client.predict(api_name="/gaps")
    assert every == service.gaps_report().model_dump(mode="json")
    analyst = lookup("occupation", "data analyst")
    narrowed = client.predict(occupations=[analyst], provider="Harbourline Academy", api_name="/gaps")
    assert narrowed == service.gaps_report((analyst,), provider="Harbourline Academy").model_dump(mode="json")
    assert client.predict(area="data", api_name="/gaps") == service.gaps_report(area="data").model_dump(mode="json")


@pytest.mark.parametrize(
    ("endpoint", "arguments", "phrases"),
    [
        ("/plan", {"profile": {"targets": {}}}, ["no target given", "Fix:"]),
        ("/plan", {"profile": {"targets": {"occupation": "no-such-job"}}}, ["unknown occupation 'no-such-job'"]),
        ("/plan", {"profile": {"targets": {"skills": "x"}, "colour": 1}}, ["invalid request", "/colour"]),
        ("/plan", {"profile": {"targets": {"occupation": "x"}}, "alternatives": 9}, ["alternatives must be"]),
        ("/verify", {"plan": {"steps": 3}}, ["not a credpath plan", "/steps"]),
        ("/gaps", {"occupations": ["no-such-job"]}, ["no-such-job", "Fix:"]),
        ("/gaps", {"provider": "Nobody Institute"}, ["Nobody Institute"]),
    ],
)
def test_bad_requests_get_readable_errors(
    client: Client, endpoint: str, arguments: dict[str, object], phrases: list[str]
) -> None:
    with pytest.raises(AppError) as caught:
        client.predict(**arguments, api_name=endpoint)
    for phrase in phrases:
        assert phrase in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_the_server_keeps_serving_after_errors(client: Client, lookup: Lookup) -> None:
    with pytest.raises(AppError):
        client.predict(profile={"targets": {}}, api_name="/plan")
    plan = client.predict(profile={"targets": {"skills": [lookup("skill", "SQL")]}}, api_name="/plan")
    assert plan["verification"]["valid"] is True


def test_an_oversized_request_is_refused_before_it_is_read(url: str) -> None:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    body = json.dumps({"data": ["x" * 70_000], "fn_index": 0, "session_hash": "s"})
    connection.request("POST", "/gradio_api/queue/join", body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 413
    assert "larger than the 0.1 MB this server accepts" in response.read().decode()
    connection.close()


def test_twenty_learners_at_once_get_verified_plans(url: str, service: CredpathService) -> None:
    result = drive(url, profiles(service), users=20, requests_per_user=3)
    assert result.errors == []
    assert len(result.latencies) == 60


def test_pool_examples_run() -> None:
    outcome = doctest.testmod(ui.serving)
    assert outcome.attempted > 0 and outcome.failed == 0


def test_an_upload_past_the_servers_file_limit_is_refused_from_its_headers(url: str) -> None:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    connection.putrequest("POST", "/gradio_api/upload")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str((MAX_FILE_MB + 2) * 2**20))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    assert "Request refused" in response.read().decode()
    connection.close()


def test_the_server_takes_files_a_little_past_the_pages_limits_so_their_handlers_explain() -> None:
    assert launch_options()["max_file_size"] == f"{MAX_FILE_MB}mb"
    assert MAX_FILE_MB > provider.MAX_UPLOAD_MB + 10 > checkplan.MAX_PLAN_MB


API_EXAMPLE = """\
from gradio_client import Client

client = Client("http://127.0.0.1:7860/")  # credpath serve
plan = client.predict(
    profile={"targets": {"occupation": "data analyst"}, "constraints": {"max_cost": 5000}},
    api_name="/plan",
)
print(plan["total_hours"], "hours:", [step["name"] for step in plan["steps"]])
print("valid:", client.predict(plan=plan, api_name="/verify")["valid"])
report = client.predict(area="data", api_name="/gaps")
print("most demanded, not taught:", [skill["label"] for skill in report["missing_skills"][:5]])
"""
"""The README's API example, run here against the test server (the lead's README carries the same text)."""


def test_the_readme_api_example_runs(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(API_EXAMPLE.replace("http://127.0.0.1:7860/", url), "README example", "exec"), {})
    out = capsys.readouterr().out.splitlines()[-3:]
    assert " hours: [" in out[0] and "'Spreadsheet Foundations'" in out[0]
    assert out[1] == "valid: True"
    assert out[2].startswith("most demanded, not taught: [")


def test_inspect_badges_verifies_a_badge_and_flags_a_tampered_one(client: Client, service: CredpathService) -> None:
    demo = Path(__file__).parents[1] / "fixtures" / "badges" / "demo"
    files = [demo / "spreadsheet-essentials.jwt", demo / "spreadsheet-essentials-tampered.jwt"]
    good, bad = client.predict(badges=[f.read_text(encoding="utf-8") for f in files], api_name="/inspect_badges")
    assert (good["source"], good["status"]) == ("badges/0", "verified")
    assert (bad["source"], bad["status"]) == ("badges/1", "invalid")
    direct = service.inspect_badges(files)
    assert good["maps_to"] == [m.model_dump(mode="json") for m in direct[0].maps_to]
    assert good["checks"] == direct[0].model_dump(mode="json")["checks"]


def test_plan_with_badges_skips_what_a_verified_one_proves(client: Client, lookup: Lookup) -> None:
    issuer = Issuer()
    good = issuer.jwt(issuer.credential("meridian-sql-basics", "SQL Basics"))
    head, _, sig = good.split(".")
    forged = issuer.jwt(issuer.credential("meridian-sql-basics", "SQL Basics", valid_from="2020-01-01T00:00:00Z"))
    tampered = f"{head}.{forged.split('.')[1]}.{sig}"
    profile = {"targets": {"occupation": lookup("occupation", "data analyst")}}
    plain = client.predict(profile=profile, api_name="/plan")
    held = client.predict(profile=profile, badges=[good], api_name="/plan")
    ignored = client.predict(profile=profile, badges=[tampered], api_name="/plan")
    assert "meridian-sql-basics" in {s["credential_id"] for s in plain["steps"]}
    assert "meridian-sql-basics" not in {s["credential_id"] for s in held["steps"]}
    assert held["badges"][0]["counted"] is True and held["badges"][0]["source"] == "badges/0"
    assert held["total_hours"] < plain["total_hours"] and held["verification"]["valid"] is True
    assert ignored["badges"][0]["counted"] is False and ignored["badges"][0]["status"] == "invalid"
    assert ignored["steps"] == plain["steps"]


def test_resolve_goal_reads_a_pivot_as_the_service_does(client: Client, service: CredpathService) -> None:
    text = "I teach maths and want to become a data analyst"
    answer = client.predict(text=text, k=3, api_name="/resolve_goal")
    assert answer == service.resolve_goal(text, k=3).model_dump(mode="json")
    assert answer["candidates"] and answer["text"] == text


def test_resolve_goal_explains_an_unreadable_goal(client: Client) -> None:
    with pytest.raises(AppError, match=r"(?i)fix"):
        client.predict(text="🙂🙂🙂", api_name="/resolve_goal")
