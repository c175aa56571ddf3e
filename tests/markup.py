"""A catalogue whose every text is hostile markup: HTML, Markdown, LaTeX, autolinks, unsafe URLs, long names."""

from __future__ import annotations

from graph.model import Catalogue, Credential, Occupation, Skill, SkillCondition, TaughtSkill

LONG_NAME = "Long" + "x" * 4996
"""A 5,000-character name without a space: it must wrap in its cell, not widen the page."""

HOSTILE_TEXT: tuple[str, ...] = (
    "<img src=x onerror=alert(1)>",
    "<img src=http://example.invalid/x.png>",
    "<script>alert(2)</script>",
    "a | b | c",
    "tick ` tock ``code``",
    "*star* _under_ ~~strike~~ **bold**",
    "[link](javascript:alert(3)) and [ref]",
    "![picture](http://example.invalid/y.png)",
    "<a href=javascript:alert(4)>click</a>",
    "$$\\href{javascript:alert(5)}{tex}$$ and $x$",
    "bare http://example.invalid/auto www.example.invalid user@example.invalid",
    "<http://example.invalid/angle>",
    "&lt;b&gt;entity&lt;/b&gt; &amp; R&D",
    "first line\nsecond | line\r\n\n# not a heading",
    "# heading at the start",
    "1. numbered at the start",
    "- dash at the start",
    "```mermaid\ngraph TD; A-->B\n```",
    "<iframe src=http://example.invalid/frame></iframe>",
    "<style>body{background:url(http://example.invalid/bg.png)}</style>",
    "back\\slash \\| \\<b\\>",
    LONG_NAME,
)
"""Texts that must reach the page and the Markdown export as text, each creating no element."""

UNSAFE_URLS: tuple[str, ...] = (
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//example.invalid/protocol-relative",
    "/relative/path",
    "http://",
)
"""URL field values that must never become links."""

SAFE_URLS: tuple[str, ...] = (
    "https://example.invalid/course?a=1&b=<2>",
    "http://example.invalid/long)](javascript:alert(6)",
    "https://example.invalid/a b|c$$d",
)
"""URL field values that may become links, percent-encoded so they cannot break out of the link."""


def markup_catalogue() -> Catalogue:
    """One credential per hostile text, each teaching its own skill, with the URLs cycled through.

    Every skill, credential, provider and occupation label is hostile; ``occ:hostile`` needs every taught
    skill, so a plan for it has one step per text. For the gap report, ``occ:gap`` needs a skill nobody
    teaches and one more credential requires that skill, so nobody can start it.
    """
    urls = (*UNSAFE_URLS, *SAFE_URLS, None)
    skills = [Skill(id=f"skill:{i}", label=f"skill {text}") for i, text in enumerate(HOSTILE_TEXT)]
    untaught = Skill(id="skill:untaught", label="untaught <img src=http://example.invalid/u.png> | `x` $$y$$")
    credentials = [
        Credential(
            id=f"cred-{i}",
            name=text,
            provider=HOSTILE_TEXT[-1 - i],
            teaches=(TaughtSkill(skill=f"skill:{i}"),),
            hours=1 + i,
            cost=i,
            currency="EUR",
            url=urls[i % len(urls)],
        )
        for i, text in enumerate(HOSTILE_TEXT)
    ]
    unmeetable = Credential(
        id="cred-unmeetable",
        name="unmeetable <script>alert(7)</script> | *x*",
        provider=HOSTILE_TEXT[3],
        teaches=(TaughtSkill(skill="skill:0"),),
        requires=SkillCondition(skill=untaught.id),
        hours=1,
    )
    occupations = (
        Occupation(id="occ:hostile", label="<b>hostile</b> | job", essential_skills=tuple(s.id for s in skills)),
        Occupation(id="occ:gap", label="gap ![g](http://example.invalid/g.png) | job", essential_skills=(untaught.id,)),
    )
    return Catalogue(
        name="<img src=http://example.invalid/name.png> | `catalogue`",
        skills=(*skills, untaught),
        credentials=(*credentials, unmeetable),
        occupations=occupations,
    )
