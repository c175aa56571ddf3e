"""The CSV catalogue format and its ``requires`` expression parser."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.errors import CatalogueError
from graph.model import (
    AllOf,
    AnyOf,
    AtLeast,
    Condition,
    CredentialCondition,
    CredentialKind,
    Delivery,
    Gate,
    Level,
    SkillCondition,
    requirement_parts,
)
from ingest.formats import CsvAdapter, ExpressionError, label_skill_id, parse_requires

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "csv"
ESCO = "http://data.europa.eu/esco/skill/"


def parse(text: str) -> Condition:
    return parse_requires(text, label_skill_id)


@pytest.mark.parametrize("module", ["ingest.formats.common", "ingest.formats.requires", "ingest.formats.ctdl.values"])
def test_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def test_rows_map_to_credentials() -> None:
    result = CsvAdapter().read(FIXTURES / "helpdesk.csv")
    creds = {c.id: c for c in result.catalogue.credentials}
    assert list(creds) == ["hd-101", "hd-201", "hd-202", "hd-cert", "sec-110"]
    first = creds["hd-101"]
    assert first.name == "IT Help Desk Foundations"
    assert first.provider == "Northfield Community College"
    assert first.kind is CredentialKind.course
    assert first.taught_skill_ids == (
        ESCO + "6430eb0d-c6de-46b7-a7fc-3dd2e8e62a69",
        ESCO + "0da516ee-e70e-4384-be13-f5ff80be8127",
        "skill:active-listening",
    )
    assert (first.hours, first.credits, first.cost, first.currency) == (24.0, 1.5, 180.0, "USD")
    assert (first.level, first.delivery, first.language) == (Level.beginner, Delivery.online, "en")
    assert first.url == "https://example.edu/hd-101"
    assert str(first.valid_until) == "2027-06-30"
    assert first.stacks_into == ("hd-cert",)
    assert first.areas == ("it support",)
    assert creds["hd-202"].areas == ("it support", "customer service")
    assert creds["hd-202"].kind is CredentialKind.microcredential
    assert creds["hd-cert"].delivery is Delivery.in_person
    assert result.skipped == ()


def test_requires_expressions_in_rows() -> None:
    creds = {c.id: c for c in CsvAdapter().read(FIXTURES / "helpdesk.csv").catalogue.credentials}
    assert creds["hd-201"].requires == AnyOf(
        any_of=(
            CredentialCondition(credential="hd-101"),
            SkillCondition(skill=ESCO + "6430eb0d-c6de-46b7-a7fc-3dd2e8e62a69"),
        )
    )
    assert creds["hd-202"].requires == SkillCondition(skill="skill:active-listening")
    assert creds["hd-cert"].requires == AllOf(
        all_of=(
            AtLeast(at_least=2, of=tuple(CredentialCondition(credential=f"hd-{n}") for n in (101, 201, 202))),
            SkillCondition(skill="skill:networking-basics"),
        )
    )
    assert creds["sec-110"].requires == AnyOf(
        any_of=(CredentialCondition(credential="hd-101"), SkillCondition(skill="skill:networking-basics"))
    )


def test_label_skills_get_stable_ids() -> None:
    skills = {s.id: s.label for s in CsvAdapter().read(FIXTURES / "helpdesk.csv").catalogue.skills}
    assert skills == {
        "skill:active-listening": "Active listening",
        "skill:networking-basics": "Networking basics",
        "skill:c-plus-plus": "C++",
    }


def test_every_bad_cell_is_named_with_line_and_column() -> None:
    with pytest.raises(CatalogueError) as err:
        CsvAdapter().read(FIXTURES / "bad.csv")
    path = FIXTURES / "bad.csv"
    assert err.value.problems == (
        f"{path}:3 column 'hours': '-3' must be a finite number >= 0",
        f"{path}:4 column 'requires': character 23: expected skill:ID, cred:ID, a \"label\", '(' or 'N of', "
        "found the end",
        f"{path}:5 column 'level': 'expert' is not one of beginner, intermediate, advanced, mixed",
        f"{path}:6 column 'id': id 'ok-1' is already used on line 2; each row needs its own id",
    )


def test_overlong_skill_id_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(f"id,name,provider,teaches,requires\na,A,P,x:{'y' * 3000},\nb,B,P,,skill:{'z' * 3000}\n")
    with pytest.raises(CatalogueError) as err:
        CsvAdapter().read(path)
    assert [p.split(": ")[0] for p in err.value.problems] == [f"{path}:2", f"{path}:3"]
    assert all("at most 2048 characters" in p for p in err.value.problems)


def test_unknown_column_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,name,provider,requries\na,A,P,cred:b\n")
    result = CsvAdapter().read(path)
    assert result.catalogue.credentials[0].requires is None
    (skipped,) = result.skipped
    assert skipped.where == f"{path}:1 column 'requries'" and "not a credpath column" in skipped.reason


def test_missing_required_column(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,name,teaches\na,A,x\n")
    with pytest.raises(CatalogueError) as err:
        CsvAdapter().read(path)
    assert err.value.where == f"{path}:1" and "provider" in err.value.what


def test_multiline_cells_keep_line_numbers_and_other_delimiters(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text('id;name;provider;description;hours\na;A;P;"two\nlines";1\nb;B;P;x;lots\n')
    with pytest.raises(CatalogueError) as err:
        CsvAdapter().read(path)
    assert err.value.problems == (f"{path}:4 column 'hours': 'lots' is not a number",)


def test_sniff_wants_id_name_and_a_credential_column() -> None:
    adapter = CsvAdapter()
    assert adapter.sniff(Path("x"), b"\xef\xbb\xbfID,Name,Provider\n")
    assert adapter.sniff(Path("x"), b"id\tname\tteaches\n")
    assert not adapter.sniff(Path("x"), b"id,name\n")
    assert not adapter.sniff(Path("x"), b"conceptType,conceptUri,skillType\n")


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("cred:a &", 9, "found the end"),
        ("(cred:a", 8, "expected ')'"),
        ("cred:a cred:b", 8, "expected end of expression"),
        ("python", 1, "unexpected 'python'"),
        ('"unclosed', 1, "unclosed quote"),
        ("4 of (cred:a, cred:b)", 1, "between 1 and 2"),
        ("2 of cred:a", 6, "expected '(' after 'of'"),
        ("skill:", 1, "empty id"),
        ("(" * 100 + "cred:a" + ")" * 100, 34, "nested more than 32 deep"),
    ],
)
def test_expression_errors_point_at_the_character(text: str, column: int, message: str) -> None:
    with pytest.raises(ExpressionError) as err:
        parse(text)
    assert err.value.column == column
    assert message in err.value.message


def test_expression_keywords_and_quoted_ids() -> None:
    assert parse('skill:"https://example.org/a b" and cred:x or cred:y') == AnyOf(
        any_of=(
            AllOf(all_of=(SkillCondition(skill="https://example.org/a b"), CredentialCondition(credential="x"))),
            CredentialCondition(credential="y"),
        )
    )
    assert parse("all of (cred:a, cred:b)") == AllOf(
        all_of=(CredentialCondition(credential="a"), CredentialCondition(credential="b"))
    )
    assert parse("any of (cred:a)") == CredentialCondition(credential="a")


def render(c: Condition) -> str:
    """The expression text of a condition tree (the inverse of parse_requires)."""
    if isinstance(c, SkillCondition):
        return f'skill:"{c.skill}"'
    if isinstance(c, CredentialCondition):
        return f'cred:"{c.credential}"'
    parts = requirement_parts(c)
    assert parts is not None
    if parts.gate == Gate.all_of:
        return "(" + " & ".join(render(x) for x in parts.children) + ")"
    if parts.gate == Gate.any_of:
        return "(" + " | ".join(render(x) for x in parts.children) + ")"
    return f"{parts.needed} of (" + ", ".join(render(x) for x in parts.children) + ")"


ids = st.text(st.characters(exclude_characters='"', exclude_categories=["Cs"]), min_size=1, max_size=12).filter(
    lambda s: s.strip() == s and s != ""
)
leaves = st.one_of(st.builds(SkillCondition, skill=ids), st.builds(CredentialCondition, credential=ids))


def _composite(children: st.SearchStrategy[Condition]) -> st.SearchStrategy[Condition]:
    kids = st.lists(children, min_size=2, max_size=4)
    return st.one_of(
        kids.map(lambda k: AllOf(all_of=tuple(k))),
        kids.map(lambda k: AnyOf(any_of=tuple(k))),
        kids.filter(lambda k: len(k) > 2).flatmap(
            lambda k: st.integers(2, len(k) - 1).map(lambda n: AtLeast(at_least=n, of=tuple(k)))
        ),
    )


conditions = st.recursive(leaves, _composite, max_leaves=12)


@given(conditions)
def test_rendered_conditions_parse_back(condition: Condition) -> None:
    assert parse(render(condition)) == condition


@given(st.text(max_size=60))
def test_parser_only_raises_expression_errors(text: str) -> None:
    try:
        parse(text)
    except ExpressionError as err:
        assert 1 <= err.column <= len(text) + 1
