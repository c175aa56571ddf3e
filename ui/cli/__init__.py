"""The credpath command line: thin over recommender.service; errors become messages and exit codes in edge.py."""

from __future__ import annotations

import os

import click

from ui.cli import badges, batch, catalogue, gaps, goal, plan, serve
from ui.cli.edge import EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_OK, EXIT_PROBLEMS, FLAGS, edge

__all__ = ["EXIT_BAD_INPUT", "EXIT_INFEASIBLE", "EXIT_OK", "EXIT_PROBLEMS", "FLAGS", "edge", "main"]

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@click.group(
    commands=[
        plan.plan,
        plan.verify,
        goal.goal,
        badges.badges,
        gaps.gaps,
        catalogue.ingest,
        catalogue.search,
        catalogue.validate,
        catalogue.schema,
        batch.batch,
        serve.serve,
        serve.users,
    ],
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="credpath")
def main() -> None:
    """credpath: plan a provably valid micro-credential pathway from what you hold to what you want."""
