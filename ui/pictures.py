"""The web app's picture files: plan and gap pictures (``recommender.pictures``) saved where Gradio serves them."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from matplotlib.figure import Figure

from recommender.gaps import GapReport
from recommender.pictures import coverage_chart, missing_skills_chart, plan_dag, timeline, to_bytes
from recommender.plan import Pathway


def save(fig: Figure, stem: str, fmt: str = "png") -> str:
    """Write the figure into the temp folder the web app serves files from; its name is its content's hash."""
    data = to_bytes(fig, fmt)
    folder = Path(tempfile.gettempdir()) / "credpath-pictures"
    folder.mkdir(exist_ok=True)
    path = folder / f"{stem}-{hashlib.sha256(data).hexdigest()[:16]}.{fmt}"
    if not path.exists():
        path.write_bytes(data)
    return str(path)


def plan_pictures(pathway: Pathway, fmt: str = "png") -> tuple[str, str] | None:
    """Paths of the plan's DAG and timeline pictures, or None for a plan without steps."""
    if not pathway.steps:
        return None
    return save(plan_dag(pathway), "plan-dag", fmt), save(timeline(pathway), "plan-timeline", fmt)


def gap_pictures(report: GapReport, fmt: str = "png") -> tuple[str, str]:
    """Paths of the report's two charts: top missing skills, and coverage per occupation."""
    return save(missing_skills_chart(report), "gaps-missing", fmt), save(coverage_chart(report), "gaps-coverage", fmt)
