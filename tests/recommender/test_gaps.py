"""The gap report through the service: scope, ranking, agreement with the planner, and its renderings."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from graph.errors import RequestError
from recommender.gaps import GapReport
from recommender.gapsformat import TABLES, to_csv, to_markdown, to_text
from recommender.profile import LearnerProfile, Targets
from recommender.service import CredpathService

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "gaps_catalogue.yaml"


@pytest.fixture(scope="module")
def small() -> CredpathService:
    return CredpathService.from_paths([FIXTURE])


def test_every_section_of_the_report(small: CredpathService) -> None:
    r = small.gaps_report()
    assert r.occupations == ("o-cloud", "o-analyst", "o-scientist")
    assert [(m.id, m.demand, m.optional_demand) for m in r.missing_skills] == [("s-ethics", 1, 2)]
    cov = {c.id: (c.taught, c.essential, c.reachable, c.full_plan) for c in r.coverage}
    assert cov == {"o-analyst": (3, 3, 2, False), "o-scientist": (2, 3, 1, False), "o-cloud": (1, 1, 0, False)}
    unmeetable = {u.id: u for u in r.unmeetable_credentials}
    assert sorted(unmeetable) == ["a-ml", "b-lock", "b-viz"]
    assert unmeetable["a-ml"].requirement == "statistics"
    assert [q.id for q in unmeetable["a-ml"].unmet] == ["s-stats"]
    assert unmeetable["b-viz"].cycle == ("b-lock", "b-viz")
    assert {(o.first, o.second, o.share) for o in r.overlaps} == {("a-py", "a-py2", 0.5), ("a-py2", "b-sql", 0.5)}
    assert r.unique_skills == ()


def test_a_provider_sees_its_own_gaps_and_what_only_it_teaches(small: CredpathService) -> None:
    r = small.gaps_report(provider="acme")
    assert r.provider == "Acme" and r.credentials == 3
    assert [m.id for m in r.missing_skills] == ["s-ethics", "s-viz", "s-cloud"]
    assert [u.id for u in r.unmeetable_credentials] == ["a-ml"]
    assert [(o.first, o.second) for o in r.overlaps] == [("a-py", "a-py2")]
    assert [(u.id, u.taught_by, u.demand) for u in r.unique_skills] == [
        ("s-py", ("a-py", "a-py2"), 2),
        ("s-ml", ("a-ml",), 1),
    ]


def test_occupations_by_id_label_and_area(small: CredpathService) -> None:
    assert small.gaps_report(["data analyst"]).occupations == ("o-analyst",)
    assert small.gaps_report(["o-cloud"], area="scientist").occupations == ("o-cloud", "o-scientist")
    assert small.gaps_report(area="2511").occupations == ("o-analyst", "o-scientist")
    assert [(m.id, m.demand) for m in small.gaps_report(["o-analyst"]).missing_skills] == [("s-ethics", 0)]


@pytest.mark.parametrize(
    ("kwargs", "where"),
    [({"occupations": ["nurse"]}, "occupations"), ({"area": "nursing"}, "area"), ({"provider": "Gamma"}, "provider")],
)
def test_unknown_choices_say_what_and_how_to_fix(small: CredpathService, kwargs: dict[str, object], where: str) -> None:
    with pytest.raises(RequestError) as info:
        small.gaps_report(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == where and info.value.fix


def test_full_plan_agrees_with_the_planner(service: CredpathService) -> None:
    """An occupation is fully plannable exactly when the planner covers all its essential skills."""
    report = service.gaps_report()
    assert report.coverage
    for cov in report.coverage:
        pathway = service.plan(LearnerProfile(targets=Targets(occupation=cov.id)))
        assert cov.full_plan == (not pathway.uncovered), cov.id


def test_bundled_report_ranks_and_counts_consistently() -> None:
    service = CredpathService.bundled()
    r = service.gaps_report()
    taught = {s for c in service.catalogue.credentials for s in c.taught_skill_ids}
    assert r.missing_skills and not {m.id for m in r.missing_skills} & taught
    keys = [(-m.demand, -m.optional_demand) for m in r.missing_skills]
    assert keys == sorted(keys)
    for c in r.coverage:
        assert c.fraction == pytest.approx(c.taught / c.essential if c.essential else 1.0)
        assert c.essential - c.taught == len(c.untaught)


def test_renderings(small: CredpathService) -> None:
    r = small.gaps_report(provider="Acme")
    assert GapReport.model_validate_json(r.model_dump_json()) == r
    for table in TABLES:
        rows = list(csv.DictReader(io.StringIO(to_csv(r, table))))
        assert (
            len(rows)
            == {
                "missing": len(r.missing_skills),
                "coverage": len(r.coverage),
                "unmeetable": len(r.unmeetable_credentials),
                "overlaps": len(r.overlaps),
                "unique": len(r.unique_skills),
            }[table]
        )
    assert next(csv.DictReader(io.StringIO(to_csv(r, "missing"))))["optional_for"] == "o-analyst;o-cloud"
    text = to_text(r, limit=1)
    assert "Skills only Acme teaches" in text and "... and 2 more" in text
    assert "| data visualisation | 1 | 1 |" in to_markdown(r)


def test_markdown_escapes_table_syntax_in_names() -> None:
    from graph.model import Catalogue, Credential, Occupation, Skill

    cat = Catalogue(
        skills=(Skill(id="s", label="a | b"),),
        credentials=(Credential(id="c", name="C", provider="P"),),
        occupations=(Occupation(id="o", label="O", essential_skills=("s",)),),
    )
    assert "| 1 | a \\| b | 1 | 0 |" in to_markdown(CredpathService(cat).gaps_report())


def test_csv_headers_are_the_same_empty_or_full_and_unknown_tables_are_refused(small: CredpathService) -> None:
    full = small.gaps_report(provider="Acme")
    empty = full.model_copy(
        update={"missing_skills": (), "coverage": (), "unmeetable_credentials": (), "overlaps": (), "unique_skills": ()}
    )
    headers = {
        "missing": "rank,id,label,demand,optional_demand,essential_for,optional_for",
        "coverage": "id,label,essential,taught,fraction,reachable,full_plan,untaught",
        "unmeetable": "id,name,provider,unmet_requirement,unmet,cycle",
        "overlaps": "first,first_name,second,second_name,share,shared",
        "unique": "id,label,demand,optional_demand,taught_by",
    }
    assert list(headers) == list(TABLES)
    for table, header in headers.items():
        assert to_csv(empty, table) == header + "\r\n"
        lines = to_csv(full, table).splitlines()
        assert lines[0] == header and len(lines) > 1, "every table has a row here, so every field is read"
    assert "Skills only" not in to_text(small.gaps_report()) and "Skills only Acme teaches" in to_markdown(full)
    with pytest.raises(RequestError, match="unknown table 'nope'") as caught:
        to_csv(full, "nope")
    assert caught.value.field == "table" and "missing, coverage" in (caught.value.fix or "")
