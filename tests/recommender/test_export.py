"""Plan exports: CTDL Pathway JSON-LD that reads back to the same plan, printable HTML that escapes everything."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping, Sequence
from html.parser import HTMLParser
from typing import Any

import pytest

from graph.errors import RequestError
from graph.model import Catalogue, Credential, Skill, TaughtSkill
from recommender.export import FORMATS, ctdl, export
from recommender.plan import Pathway
from recommender.profile import Constraints, LearnerProfile, Objective, Targets
from recommender.service import CredpathService

PROFILES = [
    LearnerProfile(targets=Targets(occupation="data analyst")),
    LearnerProfile(targets=Targets(occupation="data analyst"), have=("SQL Basics",), objective=Objective.cost),
    LearnerProfile(targets=Targets(credentials=("kestrel-applied-ai-program",))),
    LearnerProfile(targets=Targets(credentials=("openquarry-ml-track", "brightpath-bi-reporting"))),
    LearnerProfile(targets=Targets(occupation="software developer"), constraints=Constraints(hours_per_week=8)),
]


def links(pathway: Pathway) -> frozenset[tuple[str, str]]:
    ids = {s.index: s.credential_id for s in pathway.steps}
    return frozenset(
        (ids[m.step], s.credential_id)
        for s in pathway.steps
        for m in s.requirements_met_by
        if m.source == "step" and m.step is not None
    )


def met(condition: Mapping[str, Any], done: set[str]) -> bool:
    """ComponentCondition semantics as the CTDL reader takes them: N of the targets, AND/OR with nested ones."""
    targets = condition.get("ceterms:targetComponent", [])
    own = sum(t in done for t in targets) >= condition.get("ceterms:requiredNumber", len(targets))
    nested = [met(c, done) for c in condition.get("ceterms:hasCondition", [])]
    if condition.get("ceterms:logicalOperator") == "ceterms:OR":
        return (bool(targets) and own) or any(nested)
    return own and all(nested)


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.model_dump_json()[:60])
def test_ctdl_round_trip_gives_the_same_steps_and_prerequisite_links(
    service: CredpathService, profile: LearnerProfile
) -> None:
    pathway = service.plan(profile)
    assert pathway.steps
    document = json.loads(export(pathway, service.graph, "ctdl"))
    back = ctdl.read(document)
    assert back.steps == pathway.credential_ids
    assert back.prerequisites == links(pathway)
    assert back.prerequisites, "these plans all rely on earlier steps"


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.model_dump_json()[:60])
def test_ctdl_document_shape(service: CredpathService, profile: LearnerProfile) -> None:
    pathway = service.plan(profile)
    document = ctdl.to_document(pathway, service.graph)
    head, *components = document["@graph"]
    assert head["@type"] == "ceterms:Pathway" and document["@context"].startswith("https://credreg.net/ctdl/")
    by_id = {c["@id"]: c for c in components}
    assert head["ceterms:hasPart"] == [c["@id"] for c in components]
    (destination,) = head["ceterms:hasDestinationComponent"]
    assert destination in head["ceterms:hasPart"]
    dest = by_id[destination]
    assert dest["@type"] == ("ceterms:JobComponent" if profile.targets.occupation else "ceterms:BasicComponent")
    steps = [c for c in components if c["@id"] != destination]
    assert {c["@type"] for c in steps} <= {
        "ceterms:CredentialComponent",
        "ceterms:CourseComponent",
        "ceterms:BasicComponent",
    }
    for earlier, later in itertools.pairwise(steps):
        assert earlier["ceterms:precedes"] == [later["@id"]]
    assert "ceterms:precedes" not in steps[-1]
    done: set[str] = set()
    for component in steps:
        for condition in component.get("ceterms:hasCondition", []):
            assert condition["@type"] == "ceterms:ComponentCondition"
            assert met(condition, done), component["ceterms:name"]
            assert not met(condition, set()), "a condition must name components the plan needs"
        assert set(component.get("ceterms:prerequisite", [])) <= done
        done.add(component["@id"])
    for condition in dest.get("ceterms:hasCondition", []):
        assert met(condition, done)
    assert all(c["ceterms:ctid"].startswith("ce-") for c in document["@graph"])
    assert ctdl.to_document(pathway, service.graph) == document, "identifiers are stable for the same plan"


def test_any_of_requirements_become_required_number_one() -> None:
    skills = (Skill(id="a", label="A"), Skill(id="b", label="B"), Skill(id="c", label="C"))
    cat = Catalogue(
        skills=skills,
        credentials=(
            Credential(id="ca", name="CA", provider="P", hours=1, teaches=(TaughtSkill(skill="a"),)),
            Credential(id="cb", name="CB", provider="P", hours=5, teaches=(TaughtSkill(skill="b"),)),
            Credential(
                id="cc",
                name="CC",
                provider="P",
                hours=1,
                teaches=(TaughtSkill(skill="c"),),
                requires={"any_of": [{"skill": "a"}, {"skill": "b"}]},  # type: ignore[arg-type]
            ),
        ),
    )
    service = CredpathService(cat)
    pathway = service.plan(LearnerProfile(targets=Targets(skills=("c",))))
    assert pathway.credential_ids == ("ca", "cc")
    component = ctdl.to_document(pathway, service.graph)["@graph"][2]
    (condition,) = component["ceterms:hasCondition"]
    assert condition["ceterms:requiredNumber"] == 1 and len(condition["ceterms:targetComponent"]) == 1


def test_proxy_for_prefers_a_ctid_then_a_uri_then_the_url() -> None:
    ctid = "ce-0a1b2c3d-0000-4000-8000-000000000001"
    assert ctdl.proxy_for(Credential(id="x", alt_ids=(ctid,), name="X", provider="P")) == ctdl.REGISTRY + ctid
    assert ctdl.proxy_for(Credential(id="https://e.org/c/1", name="X", provider="P")) == "https://e.org/c/1"
    assert ctdl.proxy_for(Credential(id="x", name="X", provider="P", url="https://e.org/x")) == "https://e.org/x"
    assert ctdl.proxy_for(Credential(id="x", name="X", provider="P")) is None


def test_read_rejects_a_document_without_one_pathway() -> None:
    with pytest.raises(RequestError, match="one ceterms:Pathway"):
        ctdl.read({"@graph": []})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Sequence[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_escapes_every_catalogue_string() -> None:
    evil = '<script>alert("x")</script>'
    cat = Catalogue(
        skills=(Skill(id="s", label=f"skill {evil}"),),
        credentials=(
            Credential(
                id="c",
                name=f"name {evil}",
                provider=f"provider {evil}",
                hours=2,
                url='https://e.org/"onmouseover="x',
                teaches=(TaughtSkill(skill="s"),),
            ),
        ),
    )
    service = CredpathService(cat)
    page = export(service.plan(LearnerProfile(targets=Targets(skills=("s",)))), service.graph, "html")
    parser = _Text()
    parser.feed(page)
    assert "script" not in parser.tags
    assert 'href="https://e.org/%22onmouseover=%22x"' in page and 'onmouseover="' not in page
    javascript = cat.model_copy(
        update={"credentials": (cat.credentials[0].model_copy(update={"url": "javascript:alert(1)"}),)}
    )
    risky = CredpathService(javascript)
    page = export(risky.plan(LearnerProfile(targets=Targets(skills=("s",)))), risky.graph, "html")
    assert "javascript:" not in page and "<a " not in page
    text = "".join(parser.text)
    assert f"name {evil}" in text and f"provider {evil}" in text and f"skill {evil}" in text


def test_every_format_exports_and_unknown_ones_are_refused(service: CredpathService) -> None:
    pathway = service.plan(PROFILES[0])
    for name in FORMATS:
        assert export(pathway, service.graph, name).strip()
    assert Pathway.model_validate_json(export(pathway, service.graph, "json")) == pathway
    with pytest.raises(RequestError, match="unknown export format"):
        export(pathway, service.graph, "pdf")


def test_html_carries_the_plans_pictures_inline(service: CredpathService) -> None:
    pathway = service.plan(PROFILES[0])
    page = export(pathway, service.graph, "html")
    parser = _Text()
    parser.feed(page)
    assert parser.tags.count("svg") == 2 and "img" not in parser.tags
    assert "<h2>Prerequisites</h2>" in page and "<h2>Timeline</h2>" in page
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page), "nothing is fetched when the page is opened"
    assert pathway.steps[0].name.replace("&", "&amp;") in page.split("<h2>Timeline</h2>")[1]
