"""`credpath plan` with a language model: --request, --dry-run, --profile, --planner, on a loopback server."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.common import free_port
from tests.recommender.llm.conftest import DATA_MINING, answer
from tests.recommender.llm.openai_stub import HANG, serve
from tests.recommender.llm.test_understand import TEXT, reply
from tests.ui.test_cli import CREDPATH, EXAMPLE

KEY = "sk-cli-secret-7777"
EXACT = [
    "brightpath-applied-maths",
    "brightpath-statistics",
    "kestrel-programming-fundamentals",
    "harbourline-python-beginners",
    "meridian-data-mining",
]


def run(url: str | None, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CREDPATH_LLM") and k != "OPENAI_API_KEY"}
    if url is not None:
        environment |= {
            "CREDPATH_LLM": "openai:test-model",
            "CREDPATH_LLM_BASE_URL": url,
            "CREDPATH_LLM_API_KEY": KEY,
            "CREDPATH_LLM_TIMEOUT": "2",
            "CREDPATH_LLM_RETRIES": "0",
            "CREDPATH_LLM_DEADLINE": "30",
        }
    environment |= env
    return subprocess.run(
        [CREDPATH, "plan", "--catalogue", str(EXAMPLE), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
    )


def narrative() -> dict[str, Any]:
    return {"paragraphs": ["Five steps lead you to data mining, starting with Applied Mathematics."]}


def test_request_prints_the_understood_request_with_a_verified_plan() -> None:
    with serve([reply(max_cost=None, deadline_weeks=None, delivery=[]), answer(EXACT), narrative()]) as (url, script):
        out = run(url, "--request", TEXT)
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)
    assert plan["verification"]["valid"] and plan["planner"] == "llm"
    assert plan["request"]["targets"]["skills"] == [DATA_MINING]
    assert plan["request"]["preferences"]["learning_style"] == "hands-on projects"
    llm = plan["llm"]
    assert llm["model"] == "openai:test-model" and llm["rounds"] == 1 and llm["understood"]["text"] == TEXT
    assert llm["narrative"] == narrative()["paragraphs"] and llm["usage"]["calls"] == 3
    assert len(script.requests) == 3
    assert KEY not in out.stdout + out.stderr


def test_markdown_shows_what_was_understood_and_how_the_model_did() -> None:
    with serve([reply(max_cost=None, deadline_weeks=None, delivery=[]), answer(EXACT[::-1]), narrative()]) as (url, _):
        out = run(url, "--request", TEXT, "--format", "markdown")
    assert out.returncode == 0, out.stderr
    assert "## What I understood" in out.stdout and "## How the language model did" in out.stdout
    assert "Model openai:test-model: " in out.stdout
    assert "- Targets: data mining" in out.stdout and "- Learning style: hands-on projects" in out.stdout


def test_dry_run_prints_only_the_request_and_it_can_be_edited_and_planned(tmp_path: Path) -> None:
    with serve([reply()]) as (url, script):
        out = run(url, "--request", TEXT, "--dry-run")
    assert out.returncode == 0, out.stderr
    assert len(script.requests) == 1
    profile = json.loads(out.stdout)
    assert profile["constraints"]["max_hours"] == 100 and "steps" not in profile
    assert "at most 100 hours" in out.stderr
    profile["constraints"]["max_hours"] = 1000
    edited = tmp_path / "me.json"
    edited.write_text(json.dumps(profile))
    planned = run(None, "--profile", str(edited), "--max-cost", "5000")
    assert planned.returncode == 0, planned.stderr
    plan = json.loads(planned.stdout)
    assert plan["planner"] == "exact" and plan["verification"]["valid"]
    assert plan["request"]["constraints"]["max_cost"] == 5000 and plan["request"]["constraints"]["max_hours"] == 1000
    assert plan["request"]["preferences"]["background"] == "nurse"


def test_faulty_answers_still_give_a_valid_minimal_plan_that_says_what_was_repaired() -> None:
    faulty = answer(["invented-course-9", *EXACT[1:], "harbourline-git-badge", EXACT[1]])
    with serve([faulty]) as (url, script):
        out = run(url, "--target-skill", DATA_MINING, "--planner", "llm")
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)
    assert plan["verification"]["valid"]
    assert sorted(s["credential_id"] for s in plan["steps"]) == sorted(EXACT)
    repairs = " | ".join(plan["llm"]["repairs"])
    assert "invented-course-9" in repairs and "Version Control with Git" in repairs and "added 'Applied" in repairs
    assert len(script.requests) >= 2


def test_a_stopped_or_hanging_server_gives_the_exact_plan_and_says_why() -> None:
    down = f"http://127.0.0.1:{free_port()}/v1"
    out = run(down, "--target-skill", DATA_MINING)
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)
    assert sorted(s["credential_id"] for s in plan["steps"]) == sorted(EXACT)
    assert "cannot be reached" in plan["llm"]["fallback"] and "exact plan stands in" in plan["llm"]["fallback"]
    with serve([HANG]) as (url, _):
        started = time.monotonic()
        out = run(url, "--target-skill", DATA_MINING, "--planner", "llm", "--format", "markdown")
    assert out.returncode == 0, out.stderr
    assert time.monotonic() - started < 30
    assert "did not answer in time" in out.stdout
    assert KEY not in out.stdout + out.stderr


def test_understanding_needs_a_model_and_says_so() -> None:
    out = run(None, "--request", TEXT)
    assert out.returncode == 2 and "CREDPATH_LLM" in out.stderr and "Traceback" not in out.stderr
    out = run(None, "--target-skill", DATA_MINING, "--planner", "llm")
    assert out.returncode == 2 and "CREDPATH_LLM" in out.stderr
    out = run(None, "--target-skill", DATA_MINING)
    assert out.returncode == 0 and json.loads(out.stdout)["planner"] == "exact"
