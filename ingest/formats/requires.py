"""Building requirement trees: the all/any/at-least combinators and the parser of CSV ``requires`` expressions.

The expression syntax (documented in ingest/FORMATS.md)::

    expr    := term (('|' | 'or') term)*
    term    := factor (('&' | 'and') factor)*
    factor  := '(' expr ')' | count 'of' '(' expr (',' expr)* ')' | ref | label
    count   := INTEGER | 'any' | 'all'
    ref     := ('skill:' | 'cred:') (ID | QUOTED)      -- the id after the marker, verbatim
    label   := QUOTED                                  -- a skill named by its label

An ID runs up to whitespace or one of ``( ) & | ,``; a QUOTED text is in double quotes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from graph.model import AllOf, AnyOf, AtLeast, Condition, CredentialCondition, SkillCondition
from ingest.formats.limits import current


def all_of(parts: list[Condition]) -> Condition | None:
    """Every part (the part itself when there is one; None when there is none)."""
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else AllOf(all_of=tuple(parts))


def any_of(parts: list[Condition]) -> Condition | None:
    """At least one part (the part itself when there is one; None when there is none)."""
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else AnyOf(any_of=tuple(parts))


def at_least(n: int | None, parts: list[Condition]) -> Condition | None:
    """``n`` of the parts; all of them when ``n`` is None, below 1, or not below their number."""
    if n is None or n >= len(parts) or n < 1:
        return all_of(parts)
    return AtLeast(at_least=n, of=tuple(parts))


class ExpressionError(Exception):
    """A ``requires`` expression does not parse; ``column`` is the 1-based character where it fails."""

    def __init__(self, message: str, column: int) -> None:
        self.message = message
        self.column = column
        super().__init__(f"character {column}: {message}")


@dataclass(frozen=True)
class _Token:
    kind: str  # one of ( ) & | , of count skill cred label end
    text: str
    column: int


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<punct>[()&|,])
    | (?P<ref>(?P<marker>skill|cred):(?:"(?P<qid>[^"]*)"|(?P<id>[^\s()&|,"]*)))
    | "(?P<label>[^"]*)"
    | (?P<word>[^\s()&|,"]+)
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_WORDS = {"and": "&", "or": "|", "of": "of", "any": "count", "all": "count"}


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            column = pos + len(text[pos:]) - len(text[pos:].lstrip()) + 1
            raise ExpressionError("unclosed quote", column)
        column = match.start(match.lastgroup or 0) + 1
        if match["punct"]:
            tokens.append(_Token(match["punct"], match["punct"], column))
        elif match["ref"]:
            value = match["qid"] if match["qid"] is not None else match["id"]
            if not value.strip():
                raise ExpressionError(f"empty id after '{match['marker']}:'", column)
            tokens.append(_Token(match["marker"].lower(), value.strip(), column))
        elif match["label"] is not None:
            if not match["label"].strip():
                raise ExpressionError("empty skill label", column)
            tokens.append(_Token("label", match["label"].strip(), column))
        else:
            word = match["word"]
            kind = _WORDS.get(word.lower(), "count" if word.isdigit() else "")
            if not kind:
                raise ExpressionError(
                    f'unexpected {word!r}: write skill:ID, cred:ID or a "skill label" in quotes', column
                )
            tokens.append(_Token(kind, word, column))
        pos = match.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


def parse_requires(text: str, label_id: Callable[[str], str]) -> Condition:
    """Parse a ``requires`` expression; ``label_id`` turns a quoted skill label into its skill id.

    >>> from ingest.formats.common import label_skill_id
    >>> parse_requires('skill:python & (cred:c1 | 2 of ("SQL", cred:c2, cred:c3))', label_skill_id)
    ... # doctest: +NORMALIZE_WHITESPACE
    AllOf(all_of=(SkillCondition(skill='python'), AnyOf(any_of=(CredentialCondition(credential='c1'),
      AtLeast(at_least=2, of=(SkillCondition(skill='skill:sql'), CredentialCondition(credential='c2'),
      CredentialCondition(credential='c3')))))))
    """
    parser = _Parser(_tokens(text), label_id)
    condition = parser.expr(0)
    parser.expect("end", "end of expression")
    return condition


class _Parser:
    def __init__(self, tokens: list[_Token], label_id: Callable[[str], str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.label_id = label_id
        self.max_depth = current().max_requirement_depth

    @property
    def current(self) -> _Token:
        return self.tokens[self.pos]

    def expect(self, kind: str, what: str) -> _Token:
        token = self.current
        if token.kind != kind:
            found = "the end" if token.kind == "end" else repr(token.text)
            raise ExpressionError(f"expected {what}, found {found}", token.column)
        self.pos += 1
        return token

    def expr(self, depth: int) -> Condition:
        if depth > self.max_depth:
            raise ExpressionError(
                f"nested more than {self.max_depth} deep (the limit max_requirement_depth; "
                "CREDPATH_MAX_REQUIREMENT_DEPTH raises it)",
                self.current.column,
            )
        parts = [self.term(depth)]
        while self.current.kind == "|":
            self.pos += 1
            parts.append(self.term(depth))
        return parts[0] if len(parts) == 1 else AnyOf(any_of=tuple(parts))

    def term(self, depth: int) -> Condition:
        parts = [self.factor(depth)]
        while self.current.kind == "&":
            self.pos += 1
            parts.append(self.factor(depth))
        return parts[0] if len(parts) == 1 else AllOf(all_of=tuple(parts))

    def factor(self, depth: int) -> Condition:
        token = self.current
        if token.kind == "(":
            self.pos += 1
            inner = self.expr(depth + 1)
            self.expect(")", "')'")
            return inner
        if token.kind == "count":
            return self.counted(depth)
        self.pos += 1
        if token.kind == "skill":
            return SkillCondition(skill=token.text)
        if token.kind == "cred":
            return CredentialCondition(credential=token.text)
        if token.kind == "label":
            return SkillCondition(skill=self.label_id(token.text))
        found = "the end" if token.kind == "end" else repr(token.text)
        raise ExpressionError(f"expected skill:ID, cred:ID, a \"label\", '(' or 'N of', found {found}", token.column)

    def counted(self, depth: int) -> Condition:
        count = self.expect("count", "a count")
        self.expect("of", "'of'")
        self.expect("(", "'(' after 'of'")
        parts = [self.expr(depth + 1)]
        while self.current.kind == ",":
            self.pos += 1
            parts.append(self.expr(depth + 1))
        self.expect(")", "')' or ','")
        word = count.text.lower()
        n = 1 if word == "any" else len(parts) if word == "all" else int(count.text)
        if not 1 <= n <= len(parts):
            raise ExpressionError(
                f"'{count.text} of' needs between 1 and {len(parts)} (the items listed)", count.column
            )
        if n == len(parts):
            return parts[0] if n == 1 else AllOf(all_of=tuple(parts))
        return AnyOf(any_of=tuple(parts)) if n == 1 else AtLeast(at_least=n, of=tuple(parts))
