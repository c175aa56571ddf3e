"""Escaping catalogue text for Markdown and HTML: text stays text, cells stay cells, links only from safe URLs."""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from graph.skillgraph import SkillGraph
from recommender.escape import html_link, html_text, markdown_link, markdown_text, safe_url
from recommender.gapsformat import to_markdown as gaps_markdown
from recommender.profile import LearnerProfile, Targets
from recommender.render import to_markdown
from recommender.service import CredpathService
from tests.markup import HOSTILE_TEXT, LONG_NAME, SAFE_URLS, UNSAFE_URLS, markup_catalogue

COMMONMARK_WITH_TABLES = MarkdownIt("commonmark").enable(["table", "strikethrough"])
"""A CommonMark renderer with GFM tables: what a reader of ``--format markdown`` would use."""

MARKUP_CHARS = "|`*_[]()<>!&\\#$~:@/.-+=1 \n\r\t\u2028\x85"
texts = st.text(alphabet=st.sampled_from(MARKUP_CHARS) | st.characters(exclude_characters="\x00"), max_size=60)
"""Text dense in the characters Markdown, GFM and HTML give meaning to."""


def flat(text: str) -> str:
    return " ".join(text.split())


def unescaped_pipes(markdown: str) -> list[int]:
    """Positions of ``|`` not preceded by an odd number of backslashes (a GFM column separator)."""
    return [m.start() for m in re.finditer(r"(?<!\\)(?:\\\\)*\|", markdown)]


def cells(markdown: str) -> list[list[str]]:
    """Each table row's cells as (inner) HTML, rendered by markdown-it."""
    rendered = COMMONMARK_WITH_TABLES.render(markdown)
    return [
        re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", rendered, re.S)
    ]


@given(texts)
def test_escaped_cell_text_has_no_unescaped_pipe_or_line_break(text: str) -> None:
    escaped = markdown_text(text)
    assert unescaped_pipes(escaped) == []
    assert len(escaped.splitlines()) <= 1 and "\n" not in escaped and "\r" not in escaped
    assert "<" not in escaped and ">" not in escaped


@given(texts)
def test_html_text_has_no_tag_or_attribute_breakout(text: str) -> None:
    escaped = html_text(text)
    assert not set(escaped) & set('<>"')
    assert html.unescape(escaped) == text


@given(texts, texts)
def test_a_cell_renders_as_exactly_its_text(left: str, text: str) -> None:
    """In a two-column table, the escaped text is one cell whose content is the text itself, with no tag."""
    table = f"| a | b |\n|---|---|\n| {markdown_text(left)} | {markdown_text(text)} |\n"
    rows = cells(table)
    assert len(rows) == 2 and len(rows[1]) == 2
    assert "<" not in rows[1][1]
    assert html.unescape(rows[1][1]) == flat(text)


@given(texts)
def test_a_list_item_renders_as_exactly_its_text(text: str) -> None:
    """At the start of a list item, text cannot open a heading, a nested list, a quote or a code block."""
    rendered = COMMONMARK_WITH_TABLES.render(f"- {markdown_text(text)}\n")
    if not flat(text):
        return
    body = re.fullmatch(r"<ul>\n<li>(.*)</li>\n</ul>\n", rendered, re.S)
    assert body is not None, rendered
    assert "<" not in body.group(1)
    assert html.unescape(body.group(1)) == flat(text)


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_unsafe_urls_never_become_links(url: str) -> None:
    assert safe_url(url) is None
    assert markdown_link("name", url) == "name"
    assert html_link("<name>", url) == "&lt;name&gt;"


@pytest.mark.parametrize("url", SAFE_URLS)
def test_safe_urls_are_encoded_so_they_cannot_leave_the_link(url: str) -> None:
    target = safe_url(url)
    assert target is not None and target.startswith(("http://", "https://"))
    assert not set(target) & set(' <>"\\|$()`')
    [link] = re.findall(r'href="([^"]*)"', COMMONMARK_WITH_TABLES.render(markdown_link("x", url)))
    assert unquote(html.unescape(link)) == unquote(target)


@given(st.text(max_size=80))
def test_any_url_is_refused_or_an_encoded_http_url(url: str) -> None:
    target = safe_url(url)
    if target is not None:
        assert re.match(r"(?i)https?://[^/?#\s]", target)
        assert not set(target) & set(' <>"\\|$()`\n\r\t')


def test_the_plan_markdown_keeps_every_hostile_text_as_text() -> None:
    """A plan over the markup catalogue: every row has its 8 cells, each showing the catalogue's text."""
    catalogue = markup_catalogue()
    service = CredpathService(catalogue)
    pathway = service.plan(LearnerProfile(targets=Targets(occupation="occ:hostile")))
    text = to_markdown(pathway, SkillGraph(catalogue))
    rows = cells(text)
    assert len(rows) == 1 + len(HOSTILE_TEXT)
    assert {len(r) for r in rows} == {8}
    by_name = {html.unescape(re.sub(r"<a [^>]*>|</a>", "", r[2])): r for r in rows[1:]}
    assert set(by_name) == {flat(t) for t in HOSTILE_TEXT}
    planned = {s.credential_id for s in pathway.steps}
    credentials = {c.name: c for c in catalogue.credentials if c.id in planned}
    for name, credential in credentials.items():
        row = by_name[flat(name)]
        assert html.unescape(row[3]) == flat(credential.provider)
        assert html.unescape(row[6]) == flat(f"skill {name}")
        link = re.match(r'<a href="([^"]*)">', row[2])
        expected = safe_url(credential.url)
        assert (unquote(html.unescape(link.group(1))) if link else None) == (expected and unquote(expected))
    rendered = COMMONMARK_WITH_TABLES.render(text)
    tags = set(re.findall(r"<(\w+)", rendered))
    assert tags <= {"h1", "h2", "p", "strong", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "a"}
    assert all(h.startswith(("http://", "https://")) for h in re.findall(r'href="([^"]*)"', rendered))
    assert LONG_NAME in text


def test_markdown_examples_read_as_intended() -> None:
    assert markdown_text("C# and F#") == "C# and F#"
    assert markdown_text("# C#") == "\\# C#"
    assert markdown_text("2024. A year") == "2024\\. A year"
    assert markdown_text("0.50 share, #tag, -5, 3)") == "0.50 share, #tag, -5, 3)"
    assert markdown_text("--- and - x and 7) y") == "\\--- and - x and 7) y"
    assert markdown_text("Front-end - basics") == "Front-end - basics"
    assert markdown_text("see www.example.invalid or WWW.example.invalid") == (
        "see www\\.example.invalid or WWW\\.example.invalid"
    )
    assert markdown_text("  \n ") == ""


def test_the_gap_report_markdown_keeps_every_hostile_text_as_text() -> None:
    """The gap report's Markdown (CLI and provider page): names in the summary, titles and cells stay text."""
    catalogue = markup_catalogue()
    provider = "a | b | c"
    report = CredpathService(catalogue).gaps_report(provider=provider)
    text = gaps_markdown(report, limit=None)
    rendered = COMMONMARK_WITH_TABLES.render(text)
    assert set(re.findall(r"<(\w+)", rendered)) <= {"h1", "h2", "p", "table", "thead", "tbody", "tr", "th", "td"}
    for table in re.findall(r"<table>.*?</table>", rendered, re.S):
        assert len({len(row) for row in cells(table)}) == 1
    assert f"<h2>Skills only {provider} teaches</h2>" in rendered
    summary = re.search(r"<p>(.*?)</p>", rendered, re.S)
    assert summary is not None and html.unescape(summary.group(1)).startswith(f"{catalogue.name}: ")
    missing = {html.unescape(row[1]) for row in cells(text)[1 : 1 + len(report.missing_skills)]}
    assert missing == {flat(m.label) for m in report.missing_skills}
