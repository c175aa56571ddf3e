"""What several commands share: number checks, catalogue and store options, badge sources, pictures."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from graph.errors import RequestError
from ingest.settings import Settings
from recommender.service import CredpathService


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


def write_pictures(folder: Path, figures: dict[str, Any]) -> None:
    """Each figure as ``folder/NAME.svg``; the paths go to stderr so that stdout stays the report."""
    from recommender.pictures import to_bytes

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
