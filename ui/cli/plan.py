"""`credpath plan` (options, a profile file or free text into a verified plan) and `credpath verify`."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from graph.errors import RequestError
from graph.model import Delivery
from ingest.settings import Settings
from recommender.export import FORMATS as EXPORT_FORMATS
from recommender.plan import load_plan
from recommender.planners import AUTO, planner_names
from recommender.profile import MAX_HOURS_PER_WEEK, MIN_HOURS_PER_WEEK, LearnerProfile, Objective, Targets
from recommender.service import CredpathService
from ui.cli.edge import EXIT_OK, EXIT_PROBLEMS, edge
from ui.cli.options import (
    FiniteFloat,
    badge_sources,
    catalogue_option,
    open_service,
    pictures_option,
    store_option,
    write_pictures,
)


@click.command()
@catalogue_option
@store_option
@click.option("--target-skill", "-s", multiple=True, metavar="ID", help="A skill to reach (repeatable).")
@click.option("--target-credential", "-t", multiple=True, metavar="ID", help="A credential to earn (repeatable).")
@click.option("--occupation", "-o", metavar="ID", help="Target an occupation's essential skills.")
@click.option(
    "--goal", "-g", metavar="TEXT", help="Your goal in plain words; plans for its top occupation unless --occupation."
)
@click.option(
    "--assume-background",
    is_flag=True,
    help="With a pivot goal ('from X to Y'), count X's essential skills as held (you confirm you have them).",
)
@click.option("--include-optional", is_flag=True, help="With --occupation, also target its optional skills.")
@click.option("--have", multiple=True, metavar="ID", help="A credential or skill you hold (repeatable).")
@click.option("--max-hours", type=FiniteFloat(0), metavar="N", help="Total learning hours may not exceed N.")
@click.option("--max-cost", type=FiniteFloat(0), metavar="N", help="Total cost may not exceed N.")
@click.option(
    "--hours-per-week",
    type=FiniteFloat(MIN_HOURS_PER_WEEK, MAX_HOURS_PER_WEEK),
    metavar="N",
    help=f"Hours you can study per week, {MIN_HOURS_PER_WEEK:g} to {MAX_HOURS_PER_WEEK:g} (for the schedule).",
)
@click.option("--exclude-provider", multiple=True, metavar="NAME", help="Never use this provider (repeatable).")
@click.option(
    "--delivery",
    multiple=True,
    type=click.Choice([d.value for d in Delivery]),
    help="Allowed delivery modes (repeatable); default any.",
)
@click.option(
    "--deadline",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="Finish by this date (YYYY-MM-DD), studying --hours-per-week (required with it) from --as-of; "
    "what does not fit is reported over_budget with the date it would need.",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="Plan as on this date (YYYY-MM-DD): the deadline's weeks count from it and credentials expired by then "
    "are not offered. Default: today.",
)
@click.option(
    "--language",
    multiple=True,
    metavar="CODE",
    help="Only credentials taught in this language, e.g. en (repeatable; 'en' matches 'en-GB'); default any.",
)
@click.option(
    "--min-coverage",
    type=FiniteFloat(0, 1),
    metavar="F",
    help="Reach at least this fraction (above 0, up to 1) of the reachable targets at the least hours or cost; "
    "the rest are listed as beyond_min_coverage.",
)
@click.option("--objective", type=click.Choice(["hours", "cost"]), help="What to minimise (default hours).")
@click.option(
    "--alternatives", type=click.IntRange(0, 20), default=0, metavar="K", help="Also list K distinct near-best plans."
)
@click.option(
    "--planner",
    type=click.Choice((AUTO, *planner_names())),
    default=AUTO,
    show_default=True,
    help="Which planner proposes the plan (auto: llm when CREDPATH_LLM is set, else exact); every plan is "
    "verified, and an unsound one is repaired or replaced by the exact plan.",
)
@click.option(
    "--request",
    "request_text",
    metavar="TEXT",
    help="Your situation in your own words (needs CREDPATH_LLM); options given as well override what is understood.",
)
@click.option(
    "--profile",
    "profile_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="A learner profile JSON (e.g. an edited --dry-run); options given as well override it.",
)
@click.option("--dry-run", is_flag=True, help="Print only the request as understood (a profile JSON) and stop.")
@click.option(
    "--time-limit",
    type=FiniteFloat(0.1),
    metavar="SECONDS",
    help="Search time for the exact planner (at least 0.1 seconds).",
)
@click.option(
    "--badge", multiple=True, type=click.Path(dir_okay=False), metavar="FILE", help="A badge you hold (repeatable)."
)
@click.option("--accept-unverified", is_flag=True, help="Count badges that cannot be verified offline as held.")
@badge_sources
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(EXPORT_FORMATS)),
    default="json",
    show_default=True,
    help="json: the plan contract; markdown; ctdl: a CTDL ceterms:Pathway (JSON-LD); html: a printable page.",
)
@pictures_option
def plan(
    catalogue: tuple[str, ...],
    store: str | None,
    target_skill: tuple[str, ...],
    target_credential: tuple[str, ...],
    occupation: str | None,
    goal: str | None,
    assume_background: bool,
    include_optional: bool,
    have: tuple[str, ...],
    max_hours: float | None,
    max_cost: float | None,
    hours_per_week: float | None,
    exclude_provider: tuple[str, ...],
    delivery: tuple[str, ...],
    deadline: dt.datetime | None,
    as_of: dt.datetime | None,
    language: tuple[str, ...],
    min_coverage: float | None,
    objective: str | None,
    alternatives: int,
    planner: str,
    request_text: str | None,
    profile_file: str | None,
    dry_run: bool,
    time_limit: float | None,
    badge: tuple[str, ...],
    accept_unverified: bool,
    trust: str | None,
    status: tuple[str, ...],
    did: tuple[str, ...],
    anchor: tuple[str, ...],
    fmt: str,
    pictures: str | None,
) -> None:
    """Plan an ordered pathway to the targets, from options, a profile file or your own words (--request).

    With --badge, what each verified badge proves counts as held (unverifiable ones too with
    --accept-unverified; expired, revoked and invalid ones never); the plan's "badges" says which
    badge covered what. Exit codes: 0 a plan (possibly partial: see "uncovered"), 2 bad input,
    3 nothing can be planned.
    """
    with edge():
        settings = Settings()
        service = open_service(catalogue, store, settings)
        options = {
            "targets.skills": target_skill,
            "targets.credentials": target_credential,
            "targets.occupation": occupation,
            "targets.include_optional_skills": include_optional or None,
            "have": have,
            "constraints.max_hours": max_hours,
            "constraints.max_cost": max_cost,
            "constraints.hours_per_week": hours_per_week,
            "constraints.exclude_providers": exclude_provider,
            "constraints.delivery": tuple(Delivery(d) for d in delivery),
            "constraints.deadline": deadline.date() if deadline else None,
            "constraints.as_of": as_of.date() if as_of else None,
            "constraints.languages": language,
            "constraints.min_coverage": min_coverage,
            "objective": Objective(objective) if objective else None,
        }
        base, understood, llm = _base_profile(service, request_text, profile_file)
        profile = _overlay(base, options)
        if understood is not None and profile.targets.empty:
            raise RequestError(
                "nothing in the request names a skill, credential or occupation of this catalogue",
                where="--request",
                fix="name what you want to learn or become (`credpath search TEXT` finds names), or add "
                "--target-skill or --occupation; --dry-run shows what was understood",
            )
        held = (
            service.inspect_badges(
                [Path(b) for b in badge],
                trust=Path(trust) if trust else None,
                status=status,
                dids=[Path(d) for d in did],
                anchors=[Path(a) for a in anchor],
            )
            if badge
            else []
        )
        profile = service.with_badges(profile, held, accept_unverified=accept_unverified)
        if dry_run:
            _echo_understood(profile, understood)
            return
        chosen: Any = llm if llm is not None and planner in (AUTO, "llm") else planner
        plan_options: dict[str, Any] = {"alternatives": alternatives, "time_limit": time_limit, "planner": chosen}
        if goal is not None:
            pathway = service.plan_goal(goal, profile, assume_background=assume_background, **plan_options)
        else:
            pathway = service.plan(profile, understood=understood, **plan_options)
        if held:
            pathway = service.badge_report(pathway, held, accept_unverified=accept_unverified)
        click.echo(service.export(pathway, fmt))
        if pictures:
            from recommender import pictures as drawing

            figures = {"plan-dag": drawing.plan_dag(pathway), "plan-timeline": drawing.timeline(pathway)}
            write_pictures(Path(pictures), figures if pathway.steps else {})


def _base_profile(service: CredpathService, text: str | None, path: str | None) -> tuple[LearnerProfile, Any, Any]:
    """The profile to start from: understood from free text, read from a file, or empty."""
    if text is not None and path is not None:
        raise RequestError("give either --request or --profile, not both", fix="drop one of them")
    if text is not None:
        return service.understand(text)
    if path is not None:
        try:
            return LearnerProfile.model_validate_json(Path(path).read_text(encoding="utf-8")), None, None
        except OSError as exc:
            raise RequestError(f"cannot read the profile: {exc}", where=path, fix="check the path") from exc
    return LearnerProfile(targets=Targets()), None, None


def _overlay(profile: LearnerProfile, options: dict[str, Any]) -> LearnerProfile:
    """``profile`` with every option the user gave on the command line put over it."""
    data = profile.model_dump()
    for path, value in options.items():
        if value is None or value == ():
            continue
        section, _, field = path.partition(".")
        if field:
            data[section][field] = value
        else:
            data[section] = value
    return LearnerProfile.model_validate(data)


def _echo_understood(profile: LearnerProfile, understood: Any) -> None:
    """The request as understood: the profile JSON on stdout (edit it, then plan with --profile), notes on stderr."""
    click.echo(profile.model_dump_json(indent=2, exclude_defaults=True))
    if understood is not None:
        for note in understood.notes:
            click.echo(f"understood: {note}", err=True)


@click.command()
@click.argument("plan_file", type=click.Path(dir_okay=False), metavar="PLAN.json")
@catalogue_option
@store_option
def verify(plan_file: str, catalogue: tuple[str, ...], store: str | None) -> None:
    """Verify a plan JSON (from any planner, or edited by hand) against a catalogue.

    Every field a person reads is checked against the catalogue and the plan's own request; each problem
    is printed with its JSON pointer and fix. Exit codes: 0 valid, 1 invalid, 2 unreadable input (not
    JSON, not a plan, a schema_version this credpath does not read, a number that is text, NaN or infinite).
    """
    with edge():
        pathway = load_plan(Path(plan_file), max_bytes=int(Settings().max_document_mb * 2**20))
        service = open_service(catalogue, store, Settings())
        result = service.verify(pathway)
        for finding in result.findings:
            click.echo(f"invalid: {finding.pointer}: {finding.message}\n  fix: {finding.fix}")
        click.echo(
            f"{'valid' if result.valid else 'INVALID'}: {len(result.checks)} checks ({', '.join(result.checks)})"
        )
        sys.exit(EXIT_OK if result.valid else EXIT_PROBLEMS)
