"""`credpath badges`: badges a learner holds, read and verified offline."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ingest.settings import Settings
from ui.cli.edge import EXIT_BAD_INPUT, EXIT_OK, edge
from ui.cli.options import badge_sources, catalogue_option, open_service, store_option


@click.group()
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
