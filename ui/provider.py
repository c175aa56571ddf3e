"""The provider page: load a catalogue, pick occupations, and see what employers ask for that it does not teach.

The handlers are plain Python over ``CredpathService`` so that tests call them directly; ``render`` lays the
page out inside an open ``gradio.Blocks`` context and wires the handlers to it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from graph.errors import CredpathError, RequestError
from graph.model import Kind
from recommender.escape import html_text, markdown_text
from recommender.gaps import GapReport, choose_occupations
from recommender.gapsformat import to_csv, to_markdown
from recommender.service import CredpathService
from ui import pickers, pictures, serving
from ui.choices import provider_choices
from ui.markup import alert, data_markdown, picture

log = logging.getLogger(__name__)

MAX_UPLOAD_MB = 50
"""Largest catalogue file the page accepts; the handler checks it again, whatever the browser sent."""

ROWS = 200
"""Rows shown per table on the page; the downloads hold them all."""

MISSING_HEADERS = ["#", "Skill", "Essential for", "Optional for"]
COVERAGE_HEADERS = ["Occupation", "Essential skills", "Taught", "Share taught", "Full plan"]
UNMEETABLE_HEADERS = ["Credential", "Provider", "Unmet requirement"]
OVERLAP_HEADERS = ["Credential", "Credential", "Share", "Shared skills"]


class _Catalogues:
    """The last few uploaded catalogues, by file path and modification time, so a report does not reload them."""

    def __init__(self, size: int = 4) -> None:
        self._size = size
        self._loaded: OrderedDict[tuple[str, float], CredpathService] = OrderedDict()
        self._lock = Lock()

    def get(self, path: str) -> CredpathService:
        key = (path, Path(path).stat().st_mtime)
        with self._lock:
            if key in self._loaded:
                self._loaded.move_to_end(key)
                return self._loaded[key]
        service = CredpathService.from_paths([Path(path)])
        with self._lock:
            self._loaded[key] = service
            while len(self._loaded) > self._size:
                self._loaded.popitem(last=False)
        return service


_UPLOADED = _Catalogues()


def catalogue_for(default: CredpathService, upload: str | None) -> CredpathService:
    """The uploaded catalogue (any format ingest reads, checked for size), or the app's own without one."""
    if not upload:
        return default
    size = Path(upload).stat().st_size
    if size > MAX_UPLOAD_MB * 2**20:
        raise RequestError(
            f"the file is {size / 2**20:.1f} MB; the page accepts catalogues up to {MAX_UPLOAD_MB} MB",
            field="upload",
            fix="upload a smaller file, or run `credpath gaps --catalogue FILE` on your own machine",
        )
    return _UPLOADED.get(upload)


PAGE_NAMES = {
    "occupations": "“Occupations”",
    "area": "“Area”",
    "provider": "“Provider”",
    "upload": "“Catalogue file”",
}
"""Gap-report parameter -> the label of its field on this page, for error messages."""


def _alert(exc: CredpathError | str, heading: str) -> str:
    """An error as the learner page shows it, in this page's words and under this page's own heading."""
    message = exc if isinstance(exc, str) else exc.render(PAGE_NAMES)
    return alert(heading, message)


@dataclass
class ProviderView:
    """Everything the page shows for one report, or the error to show instead."""

    message: str
    missing: list[list[Any]] = field(default_factory=list)
    coverage: list[list[Any]] = field(default_factory=list)
    unmeetable: list[list[Any]] = field(default_factory=list)
    overlaps: list[list[Any]] = field(default_factory=list)
    charts: tuple[str, str] | None = None
    downloads: tuple[str, str, str] | None = None


def _write(report: GapReport) -> tuple[str, str, str]:
    """The report as JSON and its two main tables as CSV, in the temp folder the app serves files from."""
    texts = {
        "json": report.model_dump_json(indent=2),
        "missing.csv": to_csv(report, "missing"),
        "coverage.csv": to_csv(report, "coverage"),
    }
    folder = Path(tempfile.gettempdir()) / "credpath-gaps"
    folder.mkdir(exist_ok=True)
    digest = hashlib.sha256(texts["json"].encode()).hexdigest()[:16]
    paths = []
    for suffix, text in texts.items():
        path = folder / f"credpath-gaps-{digest}.{suffix}"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths[0], paths[1], paths[2]


def report_view(report: GapReport) -> ProviderView:
    """Tables, charts and downloads for a report (the first ``ROWS`` rows of each table)."""
    summary = to_markdown(report, limit=0).split("\n## ", 1)[0]
    return ProviderView(
        message=summary,
        missing=[[i, m.label, m.demand, m.optional_demand] for i, m in enumerate(report.missing_skills[:ROWS], 1)],
        coverage=[
            [c.label, c.essential, c.taught, f"{100 * c.fraction:.0f}%", "yes" if c.full_plan else "no"]
            for c in report.coverage[:ROWS]
        ],
        unmeetable=[[u.name, u.provider, u.requirement] for u in report.unmeetable_credentials[:ROWS]],
        overlaps=[[o.first_name, o.second_name, o.share, len(o.shared)] for o in report.overlaps[:ROWS]],
        charts=pictures.gap_pictures(report),
        downloads=_write(report),
    )


def report_handler(
    default: CredpathService,
    upload: str | None,
    occupations: Sequence[str] | None,
    area: str | None,
    provider: str | None,
    min_share: float | None,
) -> ProviderView:
    """The gap report for the form's values, or a readable error naming the field concerned."""
    try:
        service = catalogue_for(default, upload)
        report = service.gaps_report(
            tuple(occupations or ()),
            area=(area or "").strip() or None,
            provider=provider or None,
            min_share=0.5 if min_share is None else float(min_share),
        )
    except CredpathError as exc:
        return ProviderView(_alert(exc, "Could not report."))
    except Exception as exc:
        log.exception("gap report failed unexpectedly")
        return ProviderView(
            _alert(
                f"credpath failed unexpectedly ({type(exc).__name__}: {exc}).\n"
                "Fix: this is a bug in credpath; please report it with the file and values you used.",
                "Could not report.",
            )
        )
    return report_view(report)


def catalogue_handler(default: CredpathService, upload: str | None) -> tuple[str, list[str], pickers.Options]:
    """After an upload: (a summary or an error, the catalogue's providers, its occupations to pick from); the
    app's own catalogue's when the upload cannot be read."""
    try:
        service = catalogue_for(default, upload)
    except CredpathError as exc:
        service = default
        message = _alert(exc, "Could not read the catalogue.")
    else:
        g = service.graph
        message = (
            f"**{markdown_text(service.catalogue.name) or 'Catalogue'}**: {len(g.credentials):,} credentials · "
            f"{len(provider_choices(service)):,} providers · {len(g.occupations):,} occupations"
        ) + catalogue_warning(service)
    return message, provider_choices(service), pickers.options(service, "occupation")


def catalogue_warning(service: CredpathService, shown: int = 5) -> str:
    """The catalogue's errors (a prerequisite cycle, an unknown reference) as a warning block; empty without."""
    errors = [p for p in service.validate() if p.severity == "error"]
    if not errors:
        return ""
    items = "".join(f"<li>{html_text(f'{p.pointer}: {p.message}')}</li>" for p in errors[:shown])
    more = f"<li>and {len(errors) - shown:,} more</li>" if len(errors) > shown else ""
    return (
        f'\n\n<div class="credpath-error" role="alert"><p><strong>The catalogue has {len(errors):,} '
        "problem(s)</strong>; the report shows what they cause (credentials nobody can start):</p>"
        f"<ul>{items}{more}</ul><p><strong>How to fix it:</strong> {html_text(errors[0].fix)}; "
        "<code>credpath validate FILE</code> lists them all.</p></div>"
    )


def area_handler(default: CredpathService, upload: str | None, area: str | None) -> tuple[str, list[str]]:
    """The occupations an area names (words or an ISCO code prefix): (a message, their ids)."""
    try:
        service = catalogue_for(default, upload)
        found = choose_occupations(service.graph, (), (area or "").strip())
    except CredpathError as exc:
        return _alert(exc, "No occupations found."), []
    g = service.graph
    labels = ", ".join(markdown_text(g.label((Kind.occupation, o))) for o in found[:20])
    return f"{len(found)} occupation(s): {labels}", found


# -- the page ------------------------------------------------------------------------------------------


def _table(headers: list[str], label: str, elem_id: str) -> gr.Dataframe:
    """A read-only table whose cells are plain text: catalogue names never render as Markdown or LaTeX."""
    return gr.Dataframe(
        headers=headers,
        label=label,
        interactive=False,
        wrap=True,
        latex_delimiters=[],
        datatype="str",
        max_height=420,
        elem_id=elem_id,
    )


Guard = Callable[[gr.Request], None]
"""Raises a CredpathError when the request's signed-in user may not use this page (see ``ui.app``)."""


def denied(guard: Guard | None, request: gr.Request) -> str | None:
    """The alert to show instead of running a handler, when ``guard`` refuses the signed-in user."""
    if guard is None:
        return None
    try:
        guard(request)
    except CredpathError as exc:
        return _alert(exc, "Not allowed.")
    return None


def render(service: CredpathService, guard: Guard | None = None) -> None:
    """Lay out the provider page inside the current ``gr.Blocks`` and wire its controls to the handlers.

    With ``guard`` (an app with sign-in), every handler first asks it whether the signed-in user may use the page.
    """
    with gr.Row(equal_height=False):
        with gr.Column(scale=1):
            gr.Markdown("### Catalogue")
            upload = gr.File(
                label=f"Catalogue file (any format credpath reads, up to {MAX_UPLOAD_MB} MB; empty: the app's own)",
                type="filepath",
                file_count="single",
                elem_id="provider-upload",
            )
            catalogue_info = data_markdown(elem_id="provider-catalogue")
            provider = gr.Dropdown(
                provider_choices(service),
                value=None,
                label="Provider (empty: every provider)",
                filterable=True,
                elem_id="provider-provider",
            )
        with gr.Column(scale=1):
            gr.Markdown("### Occupations")
            area = gr.Textbox(
                label="Area: words of occupation names, or an ISCO code prefix",
                placeholder="e.g. data, security, 25",
                max_lines=1,
                elem_id="provider-area",
            )
            found = data_markdown(elem_id="provider-found")
            occupations = pickers.picker(
                pickers.options(service, "occupation"),
                label="Occupations (empty with no area: every occupation)",
                multiselect=True,
                source=(upload, lambda path: pickers.options(catalogue_for(service, path), "occupation")),
                elem_id="provider-occupations",
            )
            min_share = gr.Slider(0.1, 1.0, value=0.5, step=0.05, label="Overlap: smallest share of skills in common")
    button = gr.Button("Show the gap report", variant="primary", elem_id="provider-report")
    summary = data_markdown(elem_id="provider-summary")
    with gr.Row():
        missing_chart = picture("Most demanded skills not taught", "provider-missing-chart")
        coverage_chart = picture("Coverage per occupation", "provider-coverage-chart")
    missing = _table(MISSING_HEADERS, "Missing skills, most demanded first", "provider-missing")
    coverage = _table(COVERAGE_HEADERS, "Coverage per occupation, least covered first", "provider-coverage")
    unmeetable = _table(UNMEETABLE_HEADERS, "Credentials nobody can start", "provider-unmeetable")
    overlaps = _table(OVERLAP_HEADERS, "Overlapping credentials", "provider-overlaps")
    with gr.Row():
        json_file = gr.DownloadButton("Download report (JSON)", visible=False, elem_id="provider-json")
        missing_csv = gr.DownloadButton("Missing skills (CSV)", visible=False, elem_id="provider-missing-csv")
        coverage_csv = gr.DownloadButton("Coverage (CSV)", visible=False, elem_id="provider-coverage-csv")

    def loaded(path: str | None, request: gr.Request) -> tuple[str, Any, Any]:
        refused = denied(guard, request)
        if refused:
            return refused, gr.Dropdown(), gr.Dropdown()
        message, providers, occupations = catalogue_handler(service, path)
        return message, gr.Dropdown(choices=providers, value=None), occupations.update([])

    def search(path: str | None, text: str | None, request: gr.Request) -> tuple[str, Any]:
        refused = denied(guard, request)
        if refused:
            return refused, gr.Dropdown()
        message, ids = area_handler(service, path, text)
        if not ids:
            return message, gr.Dropdown()
        return message, pickers.options(catalogue_for(service, path), "occupation").update(ids)

    def run(
        path: str | None,
        occs: list[str] | None,
        text: str | None,
        chosen: str | None,
        share: float | None,
        request: gr.Request,
    ) -> tuple[Any, ...]:
        refused = denied(guard, request)
        view = ProviderView(refused) if refused else report_handler(service, path, occs, text, chosen, share)
        charts = view.charts or (None, None)
        files = view.downloads or (None, None, None)
        return (
            view.message,
            gr.Image(value=charts[0], visible=view.charts is not None),
            gr.Image(value=charts[1], visible=view.charts is not None),
            view.missing,
            view.coverage,
            view.unmeetable,
            view.overlaps,
            *(gr.DownloadButton(value=f, visible=f is not None) for f in files),
        )

    # The page's own events (widget updates) stay out of the API; ``ui.api`` serves the report as JSON.
    page = {"api_visibility": "private", **serving.pool(serving.SOLVE_POOL)}
    upload.change(
        loaded, inputs=[upload], outputs=[catalogue_info, provider, occupations], api_name="load_catalogue", **page
    )
    area.submit(search, inputs=[upload, area], outputs=[found, occupations], api_name="find_occupations", **page)
    button.click(
        run,
        inputs=[upload, occupations, area, provider, min_share],
        outputs=[
            summary,
            missing_chart,
            coverage_chart,
            missing,
            coverage,
            unmeetable,
            overlaps,
            json_file,
            missing_csv,
            coverage_csv,
        ],
        api_name="gaps_page",
        **page,
    )
