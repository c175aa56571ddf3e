"""The CLI through its real entry point (the installed `credpath` script): output, errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "ingest" / "data" / "example_catalogue.yaml"
CREDPATH = str(Path(sys.executable).parent / "credpath")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CREDPATH, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_plan_json_follows_the_contract() -> None:
    out = run("plan", "--catalogue", str(EXAMPLE), "--occupation", "data analyst", "--have", "SQL Basics")
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)
    for key in ("steps", "covered", "uncovered", "total_hours", "total_cost", "optimal", "schema_version"):
        assert key in plan
    assert plan["optimal"] is True and plan["verification"]["valid"] is True
    assert all("credential_id" in s for s in plan["steps"])
    assert "meridian-sql-basics" not in [s["credential_id"] for s in plan["steps"]]
    assert plan["total_hours"] == sum(s["hours"] for s in plan["steps"])


def test_plan_markdown() -> None:
    out = run(
        "plan",
        "--catalogue",
        str(EXAMPLE),
        "--target-credential",
        "kestrel-machine-learning",
        "--hours-per-week",
        "10",
        "--objective",
        "cost",
        "--format",
        "markdown",
        "--alternatives",
        "1",
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("# Your pathway")
    assert "Machine Learning Foundations" in out.stdout
    assert "Proven optimal" in out.stdout and "Verified:" in out.stdout
    assert "| Weeks |" in out.stdout


def test_plan_then_verify_round_trip(tmp_path: Path) -> None:
    out = run("plan", "--catalogue", str(EXAMPLE), "--occupation", "software developer")
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(out.stdout)
    ok = run("verify", str(plan_file), "--catalogue", str(EXAMPLE))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    plan = json.loads(out.stdout)
    plan["steps"] = list(reversed(plan["steps"]))
    for i, step in enumerate(plan["steps"], start=1):
        step["index"] = i
    plan_file.write_text(json.dumps(plan))
    bad = run("verify", str(plan_file), "--catalogue", str(EXAMPLE))
    assert bad.returncode == 1
    assert "starts before its requirements are met" in bad.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--occupation", "data analist"), "did you mean 'data analyst'"),
        (("--target-skill", "nope"), "unknown skill 'nope'"),
        ((), "no target given"),
        (("--occupation", "data analyst", "--max-hours", "-3"), "--max-hours"),
        (("--occupation", "data analyst", "--have", "ghost"), "--have"),
    ],
)
def test_bad_requests_exit_2_with_a_fix(args: tuple[str, ...], needle: str) -> None:
    out = run("plan", "--catalogue", str(EXAMPLE), *args)
    assert out.returncode == 2
    assert needle in out.stderr
    assert "Fix:" in out.stderr or "fix" in out.stderr.lower()
    assert out.stdout == ""


def test_bad_catalogue_names_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: credpath-catalogue\nversion: 1\ncredentials:\n  - id: c1\n    name: C1\n    provider: P\n"
        "    hours: -4\n"
    )
    out = run("plan", "--catalogue", str(bad), "--target-credential", "c1")
    assert out.returncode == 2
    assert f"{bad}:7" in out.stderr
    assert "/credentials/0/hours" in out.stderr and "field 'hours'" in out.stderr


def test_nothing_plannable_exits_3(tmp_path: Path) -> None:
    cat = tmp_path / "cycle.yaml"
    cat.write_text(
        "format: credpath-catalogue\nversion: 1\n"
        "credentials:\n"
        "  - {id: a, name: A, provider: P, requires: {credential: b}}\n"
        "  - {id: b, name: B, provider: P, requires: {credential: a}}\n"
    )
    out = run("plan", "--catalogue", str(cat), "--target-credential", "a")
    assert out.returncode == 3
    assert "prerequisite cycle" in out.stderr


def test_validate_exit_codes(tmp_path: Path) -> None:
    assert run("validate", str(EXAMPLE)).returncode == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "format: credpath-catalogue\nversion: 1\n"
        "skills:\n  - {id: s1, label: S1, prerequisites: [s2]}\n  - {id: s2, label: S2, prerequisites: [s1]}\n"
        "credentials:\n  - {id: c, name: C, provider: P, teaches: [{skill: s1}], requires: {credential: ghost}}\n"
    )
    out = run("validate", str(broken))
    assert out.returncode == 1
    assert "s1 -> s2 -> s1" in out.stdout
    assert "/credentials/0/requires" in out.stdout and "ghost" in out.stdout
    unreadable = run("validate", str(tmp_path / "missing.yaml"))
    assert unreadable.returncode == 2


@pytest.mark.parametrize("what", ["catalogue", "plan", "profile"])
def test_schema_is_generated_json_schema(what: str) -> None:
    out = run("schema", what)
    assert out.returncode == 0
    schema = json.loads(out.stdout)
    assert schema["type"] == "object" and "properties" in schema


def test_help_lists_every_command() -> None:
    out = run("--help")
    for command in ("plan", "validate", "verify", "schema", "ingest", "search", "serve"):
        assert command in out.stdout


def test_a_bad_plan_file_is_a_plan_file_error(tmp_path: Path) -> None:
    not_a_plan = tmp_path / "plan.json"
    not_a_plan.write_text('{"steps": []}')
    out = run("verify", str(not_a_plan), "--catalogue", str(EXAMPLE))
    assert out.returncode == 2
    assert f"{not_a_plan}: not a credpath plan" in out.stderr and "/request" in out.stderr
    missing = run("verify", str(tmp_path / "missing.json"), "--catalogue", str(EXAMPLE))
    assert missing.returncode == 2 and "cannot read plan" in missing.stderr


def test_planner_choices_come_from_the_registry() -> None:
    from recommender.planners import AUTO, planner_names

    out = run("plan", "--help")
    assert f"[{'|'.join((AUTO, *planner_names()))}]" in " ".join(out.stdout.split())
    assert "Plan from an ingested catalogue store" not in run("ingest", "--help").stdout
    assert "Plan from an ingested catalogue store" not in run("search", "--help").stdout


def test_plan_file_error_is_not_a_catalogue_error() -> None:
    from graph.errors import CatalogueError, CredpathError, PlanFileError

    assert issubclass(PlanFileError, CredpathError) and not issubclass(PlanFileError, CatalogueError)
    assert (
        "  - /request: Field required"
        in PlanFileError("not a credpath plan", problems=["/request: Field required"]).message
    )


GAPS_FIXTURE = ROOT / "tests" / "fixtures" / "gaps_catalogue.yaml"


def test_gaps_json_is_the_services_report() -> None:
    from recommender.service import CredpathService

    out = run("gaps", "--catalogue", str(GAPS_FIXTURE), "--provider", "Acme", "--format", "json")
    assert out.returncode == 0, out.stderr
    expected = CredpathService.from_paths([GAPS_FIXTURE]).gaps_report(provider="Acme")
    assert json.loads(out.stdout) == expected.model_dump(mode="json")


def test_gaps_text_csv_and_markdown() -> None:
    text = run("gaps", "--catalogue", str(GAPS_FIXTURE), "--area", "data")
    assert text.returncode == 0, text.stderr
    assert "Credentials nobody can start" in text.stdout and "ML A" in text.stdout
    csv_out = run("gaps", "-c", str(GAPS_FIXTURE), "--format", "csv", "--table", "coverage", "-o", "cloud engineer")
    assert csv_out.returncode == 0, csv_out.stderr
    assert csv_out.stdout.splitlines() == [
        "id,label,essential,taught,fraction,reachable,full_plan,untaught",
        "o-cloud,cloud engineer,1,1,1.0,0,False,",
    ]
    md = run("gaps", "-c", str(GAPS_FIXTURE), "--format", "markdown", "--limit", "1")
    assert md.stdout.startswith("# Gap report") and "... and 1 more" in md.stdout


def test_gaps_on_the_bundled_catalogue_ranks_missing_skills() -> None:
    out = run("gaps", "--format", "json")
    assert out.returncode == 0, out.stderr
    missing = json.loads(out.stdout)["missing_skills"]
    assert missing and missing[0]["demand"] >= missing[-1]["demand"]


def test_gaps_unknown_occupation_is_bad_input() -> None:
    out = run("gaps", "-c", str(GAPS_FIXTURE), "--occupation", "astronaut")
    assert out.returncode == 2
    assert "no occupation 'astronaut'" in out.stderr and "Fix:" in out.stderr


def test_pictures_are_written_as_svg_next_to_the_report(tmp_path: Path) -> None:
    out = run("plan", "-c", str(EXAMPLE), "-o", "data analyst", "--hours-per-week", "6", "--pictures", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["steps"], "stdout stays the plan JSON"
    gaps = run("gaps", "-c", str(GAPS_FIXTURE), "--format", "json", "--pictures", str(tmp_path / "gaps"))
    assert gaps.returncode == 0, gaps.stderr
    json.loads(gaps.stdout)
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.svg"))
    assert written == ["gaps/gaps-coverage.svg", "gaps/gaps-missing.svg", "plan-dag.svg", "plan-timeline.svg"]
    assert "data analyst" in (tmp_path / "gaps" / "gaps-coverage.svg").read_text(encoding="utf-8")


def test_goal_prints_candidates_and_the_background() -> None:
    out = run("goal", "I teach maths and want to become a data analyst", "-k", "3", "--format", "json")
    assert out.returncode == 0, out.stderr
    goal = json.loads(out.stdout)
    assert goal["candidates"][0]["label"] == "data analyst" and len(goal["candidates"]) == 3
    assert {"id", "label", "kind", "score"} <= set(goal["candidates"][0])
    assert goal["background"]["label"] == "mathematics teacher at secondary school"
    text = run("goal", "from chef to web developer")
    assert text.returncode == 0 and "web developer" in text.stdout and "background: chef" in text.stdout


def test_goal_file_jsonl_one_object_per_line_and_exit_code(tmp_path: Path) -> None:
    titles = tmp_path / "titles.txt"
    titles.write_bytes(b"Data Analysts\n\n!!!\nWeb Developers\n")
    out = run("goal", "--file", str(titles), "--format", "jsonl", "-k", "2")
    assert out.returncode == 1, "a line could not be resolved"
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3, 4]
    assert rows[0]["goal"]["chosen"] and rows[3]["goal"]["candidates"][0]["label"] == "web developer"
    assert rows[1]["error"] == "blank line" and "no words" in rows[2]["error"]
    titles.write_text("Data Analysts\nNurses\n", encoding="utf-8")
    assert run("goal", "--file", str(titles), "--format", "jsonl").returncode == 0
    assert run("goal", "--file", str(tmp_path / "missing.txt")).returncode == 2
    emoji = run("goal", "🙂")
    assert emoji.returncode == 2 and emoji.stderr.startswith("error: TEXT: the goal '🙂' has no words")
    assert run("goal").returncode == 2


def test_plan_for_a_goal_in_markdown() -> None:
    out = run("plan", "--goal", "I teach maths and want to become a data analyst", "--format", "markdown")
    assert out.returncode == 0, out.stderr
    assert "**Goal:**" in out.stdout and "planned for: **data analyst**" in out.stdout
    assert "mathematics teacher" in out.stdout
    nurse = run("plan", "--goal", "I want to become a nurse", "--format", "json")
    assert nurse.returncode == 0, nurse.stderr
    plan = json.loads(nurse.stdout)
    assert "nurse" in plan["coverage"]["label"] and plan["coverage"]["share"] < 1
    assert plan["goal"]["chosen"] == plan["request"]["targets"]["occupation"]
    assert any(u["reason"] == "nothing_teaches" for u in plan["uncovered"])


def test_plan_exports_ctdl_and_html() -> None:
    args = ("plan", "--catalogue", str(EXAMPLE), "--occupation", "data analyst")
    out = run(*args, "--format", "ctdl")
    assert out.returncode == 0, out.stderr
    document = json.loads(out.stdout)
    assert document["@graph"][0]["@type"] == "ceterms:Pathway"
    page = run(*args, "--format", "html")
    assert page.returncode == 0, page.stderr
    assert page.stdout.startswith("<!DOCTYPE html>") and "<script" not in page.stdout


def test_batch_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("learner,occupation\nAna,data analyst\nBo,software developer\n", encoding="utf-8")
    out = run("batch", str(good), "--out", str(tmp_path / "a.zip"), "--catalogue", str(EXAMPLE))
    assert out.returncode == 0, out.stderr
    assert "2 of 2" in out.stdout and (tmp_path / "a.zip").exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("learner,occupation\nAna,data analyst\nBo,astronaut\n", encoding="utf-8")
    out = run("batch", str(bad), "--out", str(tmp_path / "b.zip"), "--catalogue", str(EXAMPLE), "-q")
    assert out.returncode == 1 and "astronaut" in out.stderr
    out = run("batch", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "c.zip"))
    assert out.returncode == 2 and "cannot read" in out.stderr


def test_users_add_then_list(tmp_path: Path) -> None:
    auth = tmp_path / "users.json"
    added = subprocess.run(
        [CREDPATH, "users", "add", "ana", "--auth-file", str(auth), "--role", "admin", "--password-stdin"],
        input="correct horse battery\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    assert "correct horse" not in auth.read_text()
    assert run("users", "list", "--auth-file", str(auth)).stdout == "ana\tadmin\n"
    short = subprocess.run(
        [CREDPATH, "users", "add", "bo", "--auth-file", str(auth), "--password-stdin"],
        input="short\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert short.returncode == 2 and "shorter" in short.stderr
