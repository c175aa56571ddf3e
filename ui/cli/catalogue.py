"""Catalogue commands: `ingest` into the store, `search` it, `validate` files, `schema` of the formats."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from graph.model import Catalogue, Delivery
from ingest.settings import Settings
from recommender.gaps import GapReport
from recommender.plan import Pathway
from recommender.profile import LearnerProfile
from recommender.service import CredpathService
from ui.cli.edge import EXIT_OK, EXIT_PROBLEMS, edge
from ui.cli.options import ingest_store_option, search_store_option


@click.command()
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


@click.command()
@click.argument("what", type=click.Choice(["catalogue", "plan", "profile", "gaps"]))
def schema(what: str) -> None:
    """Print the JSON Schema of the catalogue format, the plan JSON, the learner profile or the gap report."""
    model: Any = {"catalogue": Catalogue, "plan": Pathway, "profile": LearnerProfile, "gaps": GapReport}[what]
    click.echo(json.dumps(model.model_json_schema(), indent=2))


@click.command()
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


@click.command()
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
