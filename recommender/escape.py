"""Catalogue and model text as data in Markdown and HTML: the one place where text is escaped for markup.

Everything a catalogue, a plan file or a language model supplies (names, providers, labels, notes, URLs)
is data. Whoever puts such text into Markdown or HTML passes it through one of these functions at the
point it enters the markup, and builds links only with ``markdown_link`` or ``html_link``:

- ``markdown_text``: inline Markdown that renders as exactly this text, in prose or in a table cell;
- ``html_text``: HTML text or a double-quoted attribute value;
- ``safe_url``: a URL field that may become a link (http or https with a host), or None;
- ``markdown_link`` / ``html_link``: a link from a URL field, or the plain escaped text when the URL is unsafe.

JSON output is not markup and stays raw.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import quote, urlsplit

LINK_SCHEMES = frozenset({"http", "https"})
"""The only URL schemes that become links; ``javascript:``, ``data:``, ``file:`` and the rest stay text."""

_MARKDOWN_CHARS = {
    **{c: "\\" + c for c in "\\`*_[]|~$@"},
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
}
"""Characters that start Markdown, GFM or Gradio syntax anywhere in a line: ``$`` opens LaTeX in Gradio,
``@`` an e-mail autolink; ``<``, ``>`` and ``&`` become entities, which every Markdown renderer shows
as text (a backslash before ``<`` only works in CommonMark)."""
_MARKDOWN_TABLE = str.maketrans(_MARKDOWN_CHARS)
_AUTOLINK = re.compile(r"://|(?i:(?<=www)\.)")
"""Where GFM would turn bare text into a link (``http://...``, ``www.``): a backslash breaks the pattern."""
_BLOCK_START = re.compile(r"^(?:#{1,6}(?=\s|$)|[+-](?=\s|$|-)|\d{1,9}(?=[.)](?:\s|$)))")
"""What turns the start of a line or list item into a heading, a list or a rule (``---``); ``*`` and ``_``
are always escaped, and a number such as ``0.50`` starts no list, so it stays as it is."""

_URL_SAFE = "/:?#[]@!&'*+,;=%~"
"""Characters kept in a URL besides letters, digits and ``_.-``; everything else (spaces, parentheses,
``|``, ``$``, ``<``, ``>``, quotes, backslashes, non-ASCII) is percent-encoded, so a URL cannot close a
Markdown link, split a table cell, open Gradio's LaTeX or leave an HTML attribute."""


def markdown_text(text: str) -> str:
    """Inline Markdown that shows ``text`` literally, on one line, in prose or in a table cell.

    Whitespace runs (line breaks included) become one space and the ends are trimmed, so the text
    cannot end a table row or a paragraph; every character that could start markup is escaped.

    Parameters
    ----------
    text : str
        Any text from a catalogue, a plan file or a model.

    Returns
    -------
    str
        Markdown whose rendering is ``text`` with its whitespace collapsed.

    Examples
    --------
    >>> markdown_text("a | b `code` *em*")
    'a \\\\| b \\\\`code\\\\` \\\\*em\\\\*'
    >>> markdown_text("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> markdown_text("line one\\n\\nline two")
    'line one line two'
    >>> markdown_text("# 1. see http://example.invalid")
    '\\\\# 1. see http\\\\://example.invalid'
    """
    flat = " ".join(text.split()).translate(_MARKDOWN_TABLE)
    flat = _AUTOLINK.sub(lambda m: "\\" + m.group(0), flat)
    match = _BLOCK_START.match(flat)
    if match is None:
        return flat
    if match.group(0).isdigit():
        end = match.end()
        return flat[:end] + "\\" + flat[end:]
    return "\\" + flat


def html_text(text: str) -> str:
    """HTML for ``text`` as text, safe in an element or a double-quoted attribute value (``'`` is kept).

    Examples
    --------
    >>> html_text('<img src="x"> & co')
    '&lt;img src=&quot;x&quot;&gt; &amp; co'
    """
    return html.escape(text, quote=False).replace('"', "&quot;")


def safe_url(url: str | None) -> str | None:
    """The URL, percent-encoded where needed, if it may become a link; otherwise None.

    Only absolute ``http`` and ``https`` URLs with a host qualify. A URL with control characters, another
    scheme (``javascript:``, ``data:``, ``file:``, ``vbscript:``) or none (a relative path) is refused:
    the text that names it is then shown without a link.

    Examples
    --------
    >>> safe_url("https://example.org/course?id=1&lang=en")
    'https://example.org/course?id=1&lang=en'
    >>> safe_url("https://example.org/a b|c)$")
    'https://example.org/a%20b%7Cc%29%24'
    >>> safe_url("javascript:alert(1)") is None, safe_url(" JavaScript:alert(1)") is None
    (True, True)
    >>> safe_url("data:text/html,<script>") is None, safe_url("//example.org/x") is None
    (True, True)
    """
    if url is None:
        return None
    url = url.strip()
    if any(unicodedata.category(c) == "Cc" for c in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not host:
        return None
    return quote(url, safe=_URL_SAFE)


def markdown_link(text: str, url: str | None) -> str:
    """``text`` as a Markdown link to ``url`` when ``safe_url`` accepts it, else as plain escaped text.

    Examples
    --------
    >>> markdown_link("SQL | basics", "https://example.org/sql")
    '[SQL \\\\| basics](https://example.org/sql)'
    >>> markdown_link("Click", "javascript:alert(1)")
    'Click'
    """
    target = safe_url(url)
    shown = markdown_text(text)
    return f"[{shown}]({target})" if target else shown


def html_link(text: str, url: str | None) -> str:
    """``text`` as an HTML link to ``url`` when ``safe_url`` accepts it, else as plain escaped text.

    Examples
    --------
    >>> html_link("<b>SQL</b>", "https://example.org/sql?a=1&b=2")
    '<a href="https://example.org/sql?a=1&amp;b=2" rel="noopener noreferrer nofollow">&lt;b&gt;SQL&lt;/b&gt;</a>'
    >>> html_link("Click", "data:text/html,x")
    'Click'
    """
    target = safe_url(url)
    shown = html_text(text)
    return f'<a href="{html_text(target)}" rel="noopener noreferrer nofollow">{shown}</a>' if target else shown
