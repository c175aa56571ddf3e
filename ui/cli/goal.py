"""`credpath goal`: a goal in plain words read into candidate occupations and skills."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from graph.errors import RequestError
from ingest.settings import Settings
from ui.cli.edge import EXIT_OK, EXIT_PROBLEMS, edge
from ui.cli.options import catalogue_option, open_service, store_option


@click.command()
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
    with edge({"goal": "TEXT"}):
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
