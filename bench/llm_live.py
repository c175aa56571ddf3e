"""The live half of the LLM benchmark: thirty fixed free-text requests planned with the configured model."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from graph.errors import CredpathError
from recommender.llm.planner import LLMPlanner
from recommender.llm.understand import understand
from recommender.service import CredpathService
from recommender.settings import LLMSettings

REQUESTS = (
    "I'm a nurse and want to become a data analyst. I can do 5 hours a week and my employer pays up to 800 dollars.",
    "I want to learn SQL and use databases, online only, as cheaply as possible.",
    "Teach me machine learning. I already know Python. I prefer free courses.",
    "I'd like to become a data scientist within a year, studying 8 hours a week.",
    "I want to do data mining; I learn best with hands-on projects and prefer universities.",
    "Get me to business intelligence reporting, budget 600 dollars.",
    "I'm a teacher who knows spreadsheets; I want to interpret data and report analysis results.",
    "I want to become a software developer, at most 200 hours in total.",
    "I want to learn JavaScript and web programming, online, no more than 300 dollars.",
    "Help me learn deep learning; avoid Kestrel Institute of Technology.",
    "I'd like to work as a computer vision engineer; I have a maths degree.",
    "I want to learn natural language processing; I already know machine learning.",
    "Teach me DevOps and cloud technologies with a budget of 500.",
    "I need to learn statistics and apply statistical analysis techniques for my job in marketing.",
    "I want to analyse big data. I can study 10 hours a week for 12 weeks.",
    "I'm a retail manager; I want data visualisation skills for presentations, in person if possible.",
    "I want unit testing and debugging skills; I already program in Python.",
    "I'd like to design database schemes and create data models, online courses only.",
    "I want to use object-oriented programming and software design patterns.",
    "Get me into data cleansing and data processing applications, free courses preferred.",
    "I'm an accountant who wants to become a data analyst, cost matters more than time.",
    "I want the principles of artificial intelligence without any programming background.",
    "Plan me towards digital image processing, max 250 hours.",
    "I want to learn Python programming from scratch, 3 hours a week.",
    "I want to learn version control and software configuration management tools.",
    "I'm a biologist and want machine learning skills, I prefer universities and online study.",
    "I want to develop software prototypes with an integrated development environment.",
    "I want to become a data scientist but I cannot spend more than 1000 dollars.",
    "I'd like to learn use query languages and SQL, in blended or online mode.",
    "Help me move from spreadsheets to business intelligence in under 100 hours.",
)


@dataclass
class LiveResult:
    text: str
    ok: bool
    raw_pass: bool
    final_pass: bool
    rounds: int
    extra_hours: float
    extra_cost: float
    tokens: int
    seconds: float
    error: str = ""


def run_live(service: CredpathService, settings: LLMSettings) -> list[LiveResult]:
    """Each request: understand it, plan it with the model, verify; errors are counted, not raised."""
    results = []
    for text in REQUESTS:
        started = time.perf_counter()
        llm = LLMPlanner(settings)
        try:
            profile, _ = understand(service.graph, text, llm.session())
            pathway = service.plan(profile, planner=llm)
        except CredpathError as exc:
            results.append(LiveResult(text, False, False, False, 0, 0, 0, 0, time.perf_counter() - started, exc.what))
            continue
        record = llm.record()
        kinds = llm.fault_kinds()
        price = record.price_of_preferences if record else None
        usage = record.usage if record else None
        results.append(
            LiveResult(
                text,
                True,
                raw_pass=bool(kinds) and not kinds[0],
                final_pass=pathway.verification.valid,
                rounds=record.rounds if record else 0,
                extra_hours=price.extra_hours if price else 0.0,
                extra_cost=price.extra_cost if price else 0.0,
                tokens=(usage.input_tokens + usage.output_tokens) if usage else 0,
                seconds=time.perf_counter() - started,
            )
        )
    return results


def render_live(results: list[LiveResult], settings: LLMSettings) -> str:
    n = len(results)
    planned = [r for r in results if r.ok]
    mean = statistics.mean
    lines = [
        f"Live: {n} fixed requests on `{settings.llm}` ({settings.llm_method}), example catalogue.",
        "",
        "| Understood and planned | Raw pass rate | Final pass rate | Rounds (mean) | Extra hours / cost "
        "for preferences (mean) | Tokens per request (mean) | Seconds per request (median) |",
        "|---|---|---|---|---|---|---|",
    ]
    if planned:
        lines.append(
            f"| {len(planned)}/{n} | {100 * sum(r.raw_pass for r in planned) / len(planned):.0f}% "
            f"| {100 * sum(r.final_pass for r in planned) / len(planned):.0f}% "
            f"| {mean(r.rounds for r in planned):.2f} "
            f"| {mean(r.extra_hours for r in planned):+.1f} h / {mean(r.extra_cost for r in planned):+.0f} "
            f"| {mean(r.tokens for r in planned):.0f} | {statistics.median(r.seconds for r in planned):.1f} |"
        )
    else:
        lines.append(f"| 0/{n} | - | - | - | - | - | - |")
    return "\n".join(lines)
