"""Catalogue text at the edges: `plan --format markdown` and the page's Markdown escape it; JSON keeps it raw."""

from __future__ import annotations

import ast
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from recommender.service import CredpathService
from tests.markup import HOSTILE_TEXT, markup_catalogue
from ui.app import build_app
from ui.choices import catalogue_summary
from ui.learner import error_markdown, plan_form
from ui.markup import DATA_MARKDOWN
from ui.provider import area_handler, catalogue_handler, report_handler

CREDPATH = str(Path(sys.executable).parent / "credpath")
RENDERER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
BUILT_TAGS = {"h1", "h2", "p", "strong", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "a"}
"""The only elements the plan's own Markdown creates."""


@pytest.fixture(scope="module")
def catalogue_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("markup") / "markup.json"
    path.write_text(markup_catalogue().model_dump_json(indent=1), encoding="utf-8")
    return path


def plan_cli(catalogue_file: Path, fmt: str) -> str:
    out = subprocess.run(
        [CREDPATH, "plan", "--catalogue", str(catalogue_file), "--occupation", "occ:hostile", "--format", fmt],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def assert_text_only(markdown: str) -> None:
    rendered = RENDERER.render(markdown)
    assert set(re.findall(r"<(\w+)", rendered)) <= BUILT_TAGS
    assert all(h.startswith(("http://", "https://")) for h in re.findall(r'href="([^"]*)"', rendered))
    rows = [re.findall(r"<t[dh]>", row) for row in re.findall(r"<tr>.*?</tr>", rendered, re.S)]
    assert len(rows) == 1 + len(HOSTILE_TEXT) and {len(r) for r in rows} == {8}


def test_cli_markdown_escapes_every_cell(catalogue_file: Path) -> None:
    assert_text_only(plan_cli(catalogue_file, "markdown"))


def test_cli_json_keeps_catalogue_text_raw(catalogue_file: Path) -> None:
    plan = json.loads(plan_cli(catalogue_file, "json"))
    assert sorted(s["name"] for s in plan["steps"]) == sorted(HOSTILE_TEXT)
    urls = {c.name: c.url for c in markup_catalogue().credentials}
    assert all(s["url"] == urls[s["name"]] for s in plan["steps"])


def test_page_plan_is_the_escaped_markdown() -> None:
    service = CredpathService(markup_catalogue())
    outcome = plan_form(service, "occ:hostile", [], [], False, [], "", "", "", [], [], "hours", 0)
    assert outcome.path is not None, outcome.text
    assert_text_only(outcome.text)


def test_page_header_shows_the_catalogue_name_as_text() -> None:
    service = CredpathService(markup_catalogue(), source="/data/`weird` <dir>/cat|alogue_1.json")
    line = catalogue_summary(service)
    rendered = RENDERER.render(line)
    assert set(re.findall(r"<(\w+)", rendered)) == {"p", "strong"}
    text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert markup_catalogue().name in text and "/data/`weird` <dir>/cat|alogue_1.json" in text


def test_error_block_holds_markdown_and_blank_lines_as_text() -> None:
    alert = error_markdown("no credential '<img src=x>'\n\n![p](http://example.invalid/p.png)\nFix: a\n\n*b* <i>c</i>")
    rendered = RENDERER.render(alert)
    assert "\n\n" not in alert
    assert set(re.findall(r"<(\w+)", rendered)) == {"div", "p", "strong", "br"}
    assert "![p](http://example.invalid/p.png)" in rendered and "&lt;i&gt;c&lt;/i&gt;" in rendered


def test_every_markdown_on_the_page_is_sanitised_and_without_latex() -> None:
    config = build_app(CredpathService(markup_catalogue())).get_config_file()
    markdowns = [c["props"] for c in config["components"] if c["type"] == "markdown"]
    data = [p for p in markdowns if p.get("elem_id") in {"catalogue-summary", "learner-output"}]
    assert len(data) == 2
    for props in data:
        assert {k: props[k] for k in DATA_MARKDOWN} == DATA_MARKDOWN


def test_dynamic_markdown_on_the_page_goes_through_data_markdown() -> None:
    """In ui/, ``gr.Markdown`` only shows fixed text; one filled at run time (no fixed value) is a ``data_markdown``."""
    offenders = []
    for path in sorted((Path(__file__).resolve().parents[2] / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "Markdown"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "gr"
            ):
                continue
            values = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "value")]
            fixed = bool(values) and all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in values)
            if path.name != "markup.py" and not fixed:
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == [], f"use ui.markup.data_markdown for Markdown built at run time: {offenders}"


def tags(markdown: str) -> set[str]:
    return set(re.findall(r"<(\w+)", RENDERER.render(markdown)))


def test_provider_page_messages_show_catalogue_text_as_text(tmp_path: Path) -> None:
    service = CredpathService(markup_catalogue())
    upload = tmp_path / "markup.json"
    upload.write_text(markup_catalogue().model_dump_json(), encoding="utf-8")
    message, providers, _ = catalogue_handler(service, str(upload))
    # The summary, and the warning block listing the catalogue's own problems; no tag comes from catalogue text.
    assert {"p", "strong"} <= tags(message) <= {"p", "strong", "div", "ul", "li", "code"}
    assert markup_catalogue().name in html.unescape(RENDERER.render(message))
    assert "a | b | c" in providers
    found, ids = area_handler(service, None, "job")
    assert sorted(ids) == ["occ:gap", "occ:hostile"]
    assert tags(found) == {"p"} and "<b>hostile</b> | job" in html.unescape(RENDERER.render(found))
    view = report_handler(service, None, [], "", "a | b | c", 0.5)
    assert tags(view.message) == {"h1", "p"}, view.message
    assert "provider a | b | c" in html.unescape(RENDERER.render(view.message))
