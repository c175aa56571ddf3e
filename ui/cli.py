"""The credpath command line: thin over recommender.service; errors become messages and exit codes here."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from graph.errors import ConfigError, CredpathError, InfeasiblePlanError, RequestError
from graph.model import Catalogue, Delivery
from ingest.settings import Settings
from recommender.export import FORMATS as EXPORT_FORMATS
from recommender.gaps import GapReport
from recommender.gapsformat import TABLES, to_csv, to_markdown, to_text
from recommender.plan import Pathway, load_plan
from recommender.planners import AUTO, planner_names
from recommender.profile import (
    MAX_HOURS_PER_WEEK,
    MIN_HOURS_PER_WEEK,
    LearnerProfile,
    Objective,
    Targets,
)
from recommender.service import CredpathService
from ui.settings import ServerSettings

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
LOOPBACK = ("127.0.0.1", "localhost", "::1")

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

FLAGS: dict[str, str] = {
    "targets.skills": "--target-skill",
    "targets.credentials": "--target-credential",
    "targets.occupation": "--occupation",
    "targets.include_optional_skills": "--include-optional",
    "have": "--have",
    "constraints.max_hours": "--max-hours",
    "constraints.max_cost": "--max-cost",
    "constraints.hours_per_week": "--hours-per-week",
    "constraints.exclude_providers": "--exclude-provider",
    "constraints.delivery": "--delivery",
    "constraints.deadline": "--deadline",
    "constraints.as_of": "--as-of",
    "constraints.languages": "--language",
    "constraints.min_coverage": "--min-coverage",
    "objective": "--objective",
    "planner": "--planner",
    "occupations": "--occupation",
    "area": "--area",
    "provider": "--provider",
    "table": "--table",
    "time_limit": "--time-limit",
    "goal": "--goal",
}
"""LearnerProfile field path (or gap-report parameter) -> the option that sets it: how errors about a field name
it on the command line."""


def fail(message: str, code: int) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@contextmanager
def edge() -> Iterator[None]:
    """Turn credpath's exceptions into a message on stderr and the documented exit code."""
    try:
        yield
    except InfeasiblePlanError as exc:
        fail(exc.render(FLAGS), EXIT_INFEASIBLE)
    except CredpathError as exc:
        fail(exc.render(FLAGS), EXIT_BAD_INPUT)
    except ValidationError as exc:
        details = "; ".join(_field(e["loc"]) + f": {e['msg']}" for e in exc.errors())
        fail(f"invalid request: {details}\nFix: check the option values (see --help)", EXIT_BAD_INPUT)


def _field(loc: tuple[int | str, ...]) -> str:
    """A validation error's location in the CLI's words: the flag that sets the field, if one does."""
    parts = list(loc)
    while parts and isinstance(parts[-1], int):
        parts.pop()
    path = ".".join(str(p) for p in parts)
    for field, flag in FLAGS.items():
        if path == field or path.endswith(f".{field}") or field.endswith(f".{path}"):
            return flag
    return path


class FiniteFloat(click.ParamType[float, Any]):
    """A finite number within optional bounds: click's FloatRange lets NaN through (every comparison is false)."""

    name = "number"

    def __init__(self, low: float | None = None, high: float | None = None) -> None:
        self.low = low
        self.high = high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if self.low is not None and self.high is not None:
            wanted = f"a number from {self.low:g} to {self.high:g}"
        else:
            wanted = f"a number of at least {self.low:g}" if self.low is not None else "a number"
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number; fix: give {wanted}", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number; fix: give {wanted}", param, ctx)
        if (self.low is not None and number < self.low) or (self.high is not None and number > self.high):
            self.fail(f"{value} is out of range; fix: give {wanted}", param, ctx)
        return number


def open_service(catalogue: tuple[str, ...], store: str | None, settings: Settings) -> CredpathService:
    """The catalogue the user asked for: files, an ingested store, or the bundled default."""
    if catalogue and store:
        raise RequestError("give either --catalogue or --store, not both", fix="drop one of them")
    if catalogue:
        return CredpathService.from_paths([Path(p) for p in catalogue], settings=settings)
    if store or settings.chroma_url or settings.store is not None:
        return CredpathService.from_store(Path(store) if store else None, url=settings.chroma_url, settings=settings)
    return CredpathService.bundled(settings=settings)


catalogue_option = click.option(
    "--catalogue",
    "-c",
    multiple=True,
    metavar="FILE",
    help="Catalogue file or folder in any supported format; repeat for several. Default: the bundled catalogue.",
)
store_option = click.option("--store", metavar="DIR", help="Plan from an ingested catalogue store instead of files.")
ingest_store_option = click.option(
    "--store",
    metavar="DIR",
    help="Catalogue store to write (replaced as a whole). Default: CREDPATH_STORE, else CREDPATH_DATA_DIR/store.",
)
search_store_option = click.option(
    "--store",
    metavar="DIR",
    help="Ingested catalogue store to search. Default: CREDPATH_STORE, else CREDPATH_DATA_DIR/store.",
)
pictures_option = click.option(
    "--pictures",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Also draw the pictures (SVG) into DIR: the plan's DAG and timeline, or the gap charts.",
)


def badge_sources(command: Callable[..., Any]) -> Callable[..., Any]:
    """The files badge verification may consult: all given by the learner, nothing fetched."""
    options = [
        click.option("--trust", type=click.Path(dir_okay=False), help="Trust file (JSON/YAML): trusted issuers, keys."),
        click.option(
            "--status",
            multiple=True,
            metavar="FILE|URL=FILE",
            help="A status list (BitstringStatusList or 1EdTech revocation list), matched by its id or given for URL.",
        ),
        click.option("--did", multiple=True, type=click.Path(dir_okay=False), help="A DID document (for did:web)."),
        click.option(
            "--anchor",
            multiple=True,
            type=click.Path(dir_okay=False),
            help="A Blockcerts anchoring transaction's record (JSON with its txid).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="credpath")
def main() -> None:
    """credpath: plan a provably valid micro-credential pathway from what you hold to what you want."""


@main.command()
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
            from ui import pictures as drawing

            figures = {"plan-dag": drawing.plan_dag(pathway), "plan-timeline": drawing.timeline(pathway)}
            _write_pictures(Path(pictures), figures if pathway.steps else {})


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


@main.group()
def badges() -> None:
    """Badges you already hold: read and verify them offline, and see what they map to."""


@badges.command("inspect")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@badge_sources
@catalogue_option
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def badges_inspect(
    files: tuple[str, ...],
    trust: str | None,
    status: tuple[str, ...],
    did: tuple[str, ...],
    anchor: tuple[str, ...],
    catalogue: tuple[str, ...],
    store: str | None,
    fmt: str,
) -> None:
    """Verify badge files offline (OB 2.0/3.0 JSON, baked PNG/SVG, VC-JWT, CLR, Blockcerts), check by check.

    Each badge is labelled verified, unverifiable, expired, revoked, invalid or unreadable, with
    issuer trust separately, and mapped to catalogue credentials and skills. Exit codes: 0 every
    file was read (whatever the verdicts), 2 a file could not be read (the others are still
    reported) or a trust/status/DID/anchor file is unusable.
    """
    with edge():
        service = open_service(catalogue, store, Settings())
        results = service.inspect_badges(
            [Path(f) for f in files],
            trust=Path(trust) if trust else None,
            status=status,
            dids=[Path(d) for d in did],
            anchors=[Path(a) for a in anchor],
        )
        if fmt == "json":
            click.echo(json.dumps([r.model_dump(mode="json") for r in results], indent=2))
        else:
            from ui.badgetable import badge_table

            click.echo(badge_table(results, service.graph.label))
        sys.exit(EXIT_BAD_INPUT if any(r.status.value == "unreadable" for r in results) else EXIT_OK)


@main.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--strict", is_flag=True, help="Count warnings as problems too.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate(files: tuple[str, ...], strict: bool, fmt: str) -> None:
    """Check catalogue files: cycles, unknown references, unsatisfiable credentials, duplicates.

    Exit codes: 0 clean, 1 problems found, 2 unreadable input.
    """
    with edge():
        service = CredpathService.from_paths([Path(f) for f in files])
        origins = _origins(files)
        problems = service.validate()
        counted = [p for p in problems if strict or p.severity == "error"]
        if fmt == "json":
            click.echo(json.dumps([p.__dict__ | {"file": origins(p)} for p in problems], indent=2))
        else:
            for p in problems:
                click.echo(f"{origins(p)}: {p}")
            for s in service.skipped:
                click.echo(f"skipped: {s}")
            for o in service.overrides:
                click.echo(f"override: {o}")
            c = service.catalogue
            click.echo(
                f"{len(c.credentials)} credentials, {len(c.skills)} skills, {len(c.occupations)} occupations: "
                f"{sum(p.severity == 'error' for p in problems)} error(s), "
                f"{sum(p.severity == 'warning' for p in problems)} warning(s)"
            )
        sys.exit(EXIT_PROBLEMS if counted else EXIT_OK)


def _origins(files: tuple[str, ...]) -> Callable[[Any], str]:
    """Map a problem (JSON pointer into the merged catalogue) back to the file its entry came from."""
    if len(files) == 1:
        return lambda _p: files[0]
    from ingest.formats import load_sources

    where: dict[tuple[str, str], str] = {}
    for f in files:
        cat = load_sources([Path(f)]).catalogue
        for section in ("skills", "credentials", "occupations"):
            for entry in getattr(cat, section):
                where.setdefault((section, entry.id), f)

    def origin(problem: Any) -> str:
        section = problem.pointer.split("/")[1]
        ident = problem.nodes[0] if problem.nodes else ""
        return where.get((section, ident), ", ".join(files))

    return origin


@main.command()
@catalogue_option
@store_option
@click.option("--occupation", "-o", multiple=True, metavar="ID", help="An occupation (id or exact label; repeatable).")
@click.option("--area", metavar="TEXT", help="Occupations whose names contain these words, or an ISCO code prefix.")
@click.option("--provider", metavar="NAME", help="Report on this provider's credentials only.")
@click.option(
    "--min-share",
    type=click.FloatRange(0.0, 1.0),
    default=0.5,
    show_default=True,
    help="Smallest share of skills two credentials must have in common to be listed as overlapping.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "csv", "markdown"]), default="text", show_default=True
)
@click.option(
    "--table",
    type=click.Choice(TABLES),
    default="missing",
    show_default=True,
    help="With --format csv: which table to write.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    metavar="N",
    help="With text or markdown: rows per table (0 for all).",
)
@pictures_option
def gaps(
    catalogue: tuple[str, ...],
    store: str | None,
    occupation: tuple[str, ...],
    area: str | None,
    provider: str | None,
    min_share: float,
    fmt: str,
    table: str,
    limit: int,
    pictures: str | None,
) -> None:
    """Report the skills occupations need that the catalogue (or one provider) does not teach.

    Also: coverage per occupation, credentials nobody can start, overlapping credentials and, with
    --provider, the skills only that provider teaches. Default: every occupation in the catalogue.
    Exit codes: 0 report written, 2 bad input.
    """
    with edge():
        service = open_service(catalogue, store, Settings())
        report = service.gaps_report(occupation, area=area, provider=provider, min_share=min_share)
        if fmt == "json":
            click.echo(report.model_dump_json(indent=2))
        elif fmt == "csv":
            click.echo(to_csv(report, table), nl=False)
        else:
            render = to_text if fmt == "text" else to_markdown
            click.echo(render(report, limit or None), nl=False)
        if pictures:
            from ui import pictures as drawing

            figures = {
                "gaps-missing": drawing.missing_skills_chart(report),
                "gaps-coverage": drawing.coverage_chart(report),
            }
            _write_pictures(Path(pictures), figures)


def _write_pictures(folder: Path, figures: dict[str, Any]) -> None:
    """Each figure as ``folder/NAME.svg``; the paths go to stderr so that stdout stays the report."""
    from ui.pictures import to_bytes

    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, fig in figures.items():
            path = folder / f"{name}.svg"
            path.write_bytes(to_bytes(fig, "svg"))
            click.echo(f"wrote {path}", err=True)
    except OSError as exc:
        raise RequestError(
            f"cannot write pictures: {exc}", where=str(folder), fix="choose a folder you can write to"
        ) from exc


@main.command()
@click.argument("what", type=click.Choice(["catalogue", "plan", "profile", "gaps"]))
def schema(what: str) -> None:
    """Print the JSON Schema of the catalogue format, the plan JSON, the learner profile or the gap report."""
    model: Any = {"catalogue": Catalogue, "plan": Pathway, "profile": LearnerProfile, "gaps": GapReport}[what]
    click.echo(json.dumps(model.model_json_schema(), indent=2))


@main.command()
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


@main.command()
@catalogue_option
@store_option
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 7860).")
@click.option(
    "--auth-file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Users who may sign in (made with `credpath users add`). Without it the app is single-user.",
)
def serve(
    catalogue: tuple[str, ...], store: str | None, host: str | None, port: int | None, auth_file: str | None
) -> None:
    """Open the web app on a catalogue (default: the bundled one).

    Without --auth-file the app has one user and no sign-in: keep it on 127.0.0.1. Drafts are kept in
    CREDPATH_DATABASE_URL (PostgreSQL) or, by default, in SQLite in the data directory.
    """
    with edge():
        from recommender.users import AuthFile
        from ui.app import launch

        service = open_service(catalogue, store, Settings())
        server = ServerSettings()
        auth = None
        if auth_file:
            auth = AuthFile.load(Path(auth_file))
            if not auth.users:
                raise ConfigError(
                    "the auth file has no users", where=auth_file, fix="add one with `credpath users add NAME`"
                )
        bind = host or server.host
        if auth is None and bind not in LOOPBACK:
            click.echo(
                f"warning: serving on {bind} without --auth-file: anyone who can reach it can read and change "
                "every draft. Use --auth-file FILE, or keep --host 127.0.0.1.",
                err=True,
            )
        launch(service, host=bind, port=port or server.port, auth=auth)


@main.group()
def users() -> None:
    """Manage who may sign in to `credpath serve --auth-file FILE`."""


auth_file_option = click.option(
    "--auth-file", required=True, type=click.Path(dir_okay=False), metavar="FILE", help="The users file."
)


@users.command("add")
@click.argument("username")
@auth_file_option
@click.option("--role", type=click.Choice(["advisor", "provider", "admin"]), default="advisor", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def users_add(username: str, auth_file: str, role: str, password_stdin: bool) -> None:
    """Add a user (or give an existing one a new role and password); the password is stored as a scrypt hash.

    Exit codes: 0 added, 2 bad input.
    """
    with edge():
        from recommender.users import AuthFile, Role

        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        path = Path(auth_file)
        AuthFile.load(path).with_user(username, Role(role), password).save(path)
        click.echo(f"{username} ({role}) saved in {path}")


@users.command("list")
@auth_file_option
def users_list(auth_file: str) -> None:
    """List the users and their roles (never their password hashes)."""
    with edge():
        from recommender.users import AuthFile

        for user in AuthFile.load(Path(auth_file)).users:
            click.echo(f"{user.username}\t{user.role.value}")


@main.command()
@click.argument("learners", type=click.Path(dir_okay=False), metavar="LEARNERS.csv")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), metavar="DRAFTS.zip")
@catalogue_option
@store_option
@click.option("--workers", type=click.IntRange(1, 256), metavar="N", help="Processes to plan with (default: cores).")
@click.option("--time-limit", type=click.FloatRange(min=0.1), metavar="SECONDS", help="Search time per learner.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
def batch(
    learners: str,
    out: str,
    catalogue: tuple[str, ...],
    store: str | None,
    workers: int | None,
    time_limit: float | None,
    quiet: bool,
) -> None:
    """Plan a pathway for every learner in a CSV: a ZIP of <learner>.json and <learner>.md, and summary.csv.

    Columns: learner, then goal or occupation / target_skills / target_credentials, and optionally have, badges,
    max_hours, max_cost, hours_per_week, language, delivery, exclude_providers, objective, include_optional
    (lists separated by ";", ids or exact labels). Example: recommender/learners.example.csv.
    Exit codes: 0 every row planned, 1 some rows failed (see summary.csv), 2 the file cannot be read.
    """
    with edge():
        service = open_service(catalogue, store, Settings())

        def progress(done: int, total: int) -> None:
            if not quiet:
                click.echo(f"\rplanned {done}/{total}", err=True, nl=done == total)

        outcomes = service.batch(Path(learners), Path(out), workers=workers, time_limit=time_limit, progress=progress)
        failed = [o for o in outcomes if o.pathway is None]
        for o in failed:
            click.echo(f"failed: {o.row.learner or '(no name)'}: {o.message}", err=True)
        click.echo(f"{len(outcomes) - len(failed)} of {len(outcomes)} learner(s) planned; wrote {out}")
        sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@ingest_store_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--allow-empty", is_flag=True, help="Allow an ingest that leaves no entries of a kind the store holds.")
def ingest(paths: tuple[str, ...], store: str | None, quiet: bool, allow_empty: bool) -> None:
    """Load catalogues (CTDL, Open Badges, ESCO, O*NET, CSV, native) into the searchable store.

    The store then holds exactly these sources: entries gone from them are removed. A failure leaves
    the previous store unchanged; one that would leave no entries of a kind the store holds is refused
    unless --allow-empty. Exit codes: 0 done, 2 bad input or store error.
    """
    with edge():
        from ingest.formats import load_sources
        from ingest.store import open_store

        settings = Settings()
        echo: Callable[[str], None] = (lambda _m: None) if quiet else (lambda m: click.echo(m, err=True))
        loaded = load_sources(
            [Path(p) for p in paths],
            progress=echo,
            esco_skill_relations=settings.esco_skill_relations,
            settings=settings,
        )
        for skipped in loaded.skipped:
            click.echo(f"skipped: {skipped}", err=True)
        for override in loaded.overrides:
            click.echo(f"override: {override}", err=True)
        target = open_store(settings, path=Path(store) if store else None, url=settings.chroma_url)
        bar = None if quiet else ProgressBar()
        try:
            summary = target.ingest(loaded.catalogue, progress=bar, allow_empty=allow_empty)
        finally:
            if bar is not None:
                bar.close()
        click.echo(str(summary))


class ProgressBar:
    """A tqdm bar on stderr per kind of entry, updated by the store as batches land."""

    def __init__(self) -> None:
        self._bar: Any = None

    def __call__(self, done: int, total: int, what: str) -> None:
        from tqdm import tqdm

        if self._bar is None or self._bar.desc != what or self._bar.total != total:
            self.close()
            self._bar = tqdm(total=total, desc=what, unit="entry", file=sys.stderr, leave=False)
        self._bar.update(done - self._bar.n)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


@main.command()
@click.argument("query")
@search_store_option
@click.option(
    "--kind", type=click.Choice(["credential", "skill", "occupation"]), default="credential", show_default=True
)
@click.option("-k", "limit", type=click.IntRange(1, 200), default=10, show_default=True, help="How many results.")
@click.option("--provider", help="Only this provider.")
@click.option("--max-hours", type=float, help="Only credentials of at most N hours.")
@click.option("--max-cost", type=float, help="Only credentials costing at most N.")
@click.option("--level", type=click.Choice(["beginner", "intermediate", "advanced", "mixed"]))
@click.option("--delivery", type=click.Choice([d.value for d in Delivery]))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def search(
    query: str,
    store: str | None,
    kind: str,
    limit: int,
    provider: str | None,
    max_hours: float | None,
    max_cost: float | None,
    level: str | None,
    delivery: str | None,
    fmt: str,
) -> None:
    """Search the ingested store by meaning (and exact names), offline."""
    with edge():
        settings = Settings()
        service = CredpathService.from_store(Path(store) if store else None, url=settings.chroma_url, settings=settings)
        where = {
            k: v
            for k, v in {
                "provider": provider,
                "max_hours": max_hours,
                "max_cost": max_cost,
                "level": level,
                "delivery": delivery,
            }.items()
            if v is not None
        }
        hits = service.search(query, kind=kind, k=limit, where=where or None)
        if fmt == "json":
            click.echo(json.dumps([h.as_dict() for h in hits], indent=2))
            return
        for h in hits:
            click.echo(f"{h.score:6.3f}  {h.id}  {h.label}")


@main.command()
@click.argument("text", required=False)
@catalogue_option
@store_option
@click.option("--file", "goal_file", type=click.Path(dir_okay=False), help="Resolve one goal per line of FILE.")
@click.option("-k", "limit", type=click.IntRange(1, 50), default=5, show_default=True, help="Candidates per goal.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text", show_default=True)
def goal(
    text: str | None, catalogue: tuple[str, ...], store: str | None, goal_file: str | None, limit: int, fmt: str
) -> None:
    """Read a goal in plain words: candidate occupations and skills, a pivot's background, ambiguity.

    With --file, every line is a goal: one JSON object per line, in order (jsonl), or one block per
    line (text); a line that cannot be resolved says why and the others still are. Exit codes: 0 every
    goal resolved, 1 some lines of the file could not be resolved, 2 bad input (an unresolvable goal,
    an unreadable file).
    """
    with edge():
        if (text is None) == (goal_file is None):
            raise RequestError("give a goal TEXT or --file FILE, not both or neither", fix="see `credpath goal --help`")
        service = open_service(catalogue, store, Settings())
        if goal_file is None:
            assert text is not None
            resolved = service.resolve_goal(text, k=limit)
            click.echo(resolved.model_dump_json(indent=2) if fmt == "json" else _goal_text(resolved))
            if fmt == "jsonl":
                click.echo(resolved.model_dump_json())
            return
        try:
            raw = Path(goal_file).read_bytes()
        except OSError as exc:
            raise RequestError(f"cannot read the goal file: {exc}", where=goal_file, fix="check the path") from exc
        failed = False
        for line in service.resolve_goal_lines(raw, k=limit):
            failed |= line.failed
            if fmt == "text":
                head = f"line {line.line}: {line.text}"
                click.echo(
                    f"{head}\n  error: {line.error}" if line.goal is None else f"{head}\n{_goal_text(line.goal)}"
                )
            else:
                click.echo(line.model_dump_json(exclude_none=True))
        sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)


def _goal_text(resolved: Any) -> str:
    """A goal's candidates, one per line, with its background and whether it is ambiguous."""
    lines = [f"{c.score:7.3f}  {c.kind:<10}  {c.label}  ({c.id})" for c in resolved.candidates]
    if resolved.background is not None:
        b = resolved.background
        lines.append(f"background: {b.label or b.phrase} ({len(b.likely_held)} skills likely held, not assumed)")
    if resolved.ambiguous:
        lines.append("ambiguous: the top readings are close; choose one with plan --occupation ID")
    lines += [f"note: {n}" for n in resolved.notes]
    return "\n".join(lines)
