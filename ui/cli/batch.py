"""`credpath batch`: a learners CSV planned into a ZIP of plans and summary.csv."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ingest.settings import Settings
from ui.cli.edge import EXIT_OK, EXIT_PROBLEMS, edge
from ui.cli.options import catalogue_option, open_service, store_option


@click.command()
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
