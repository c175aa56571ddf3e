"""`credpath gaps`: the skills occupations need that a catalogue (or one provider) does not teach."""

from __future__ import annotations

from pathlib import Path

import click

from ingest.settings import Settings
from recommender.gapsformat import TABLES, to_csv, to_markdown, to_text
from ui.cli.edge import edge
from ui.cli.options import catalogue_option, open_service, pictures_option, store_option, write_pictures


@click.command()
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
            from recommender import pictures as drawing

            figures = {
                "gaps-missing": drawing.missing_skills_chart(report),
                "gaps-coverage": drawing.coverage_chart(report),
            }
            write_pictures(Path(pictures), figures)
