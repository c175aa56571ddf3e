"""Properties over random catalogues: CTDL round trips, and the verifier flags exactly the steps an edit broke."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from graph.conditions import is_met
from graph.errors import InfeasiblePlanError
from graph.holdings import Holdings
from recommender.drafts.edit import assemble
from recommender.export import ctdl
from recommender.plan import Pathway
from recommender.service import CredpathService
from tests.recommender.test_export import links, met
from tests.recommender.test_properties import FAST, requests
from tests.strategies import dag_catalogues


def planned(data: st.DataObject) -> tuple[CredpathService, Pathway] | None:
    cat = data.draw(dag_catalogues())
    service = CredpathService(cat)
    try:
        return service, service.plan(data.draw(requests(cat)))
    except InfeasiblePlanError:
        return None


@FAST
@given(data=st.data())
def test_ctdl_export_reads_back_and_its_conditions_hold_in_order(data: st.DataObject) -> None:
    found = planned(data)
    if found is None:
        return
    service, pathway = found
    document = ctdl.to_document(pathway, service.graph)
    back = ctdl.read(document)
    assert back.steps == pathway.credential_ids
    assert back.prerequisites == links(pathway)
    done: set[str] = set()
    for component in document["@graph"][1 : 1 + len(pathway.steps)]:
        for condition in component.get("ceterms:hasCondition", []):
            assert met(condition, done) and not met(condition, set())
        done.add(component["@id"])


@FAST
@given(data=st.data())
def test_an_edit_is_flagged_exactly_where_a_requirement_broke(data: st.DataObject) -> None:
    found = planned(data)
    if found is None or not found[1].steps:
        return
    service, pathway = found
    g = service.graph
    assert assemble(g, pathway.request, pathway.credential_ids, previous=pathway).verification.valid
    order = list(pathway.credential_ids)
    del order[data.draw(st.integers(0, len(order) - 1))]
    if len(order) > 1 and data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(order) - 2))
        order[i], order[i + 1] = order[i + 1], order[i]
    edited = assemble(g, pathway.request, order, previous=pathway)
    have = Holdings.from_ids(g, pathway.request.have)
    broken = set()
    for n, cid in enumerate(order, start=1):
        if not is_met(g.effective_requirement(cid), have.__contains__):
            broken.add(n)
        have.gain(g, cid)
    flagged = {f.step for f in edited.verification.findings if f.check == "prerequisites_first"}
    assert flagged == broken
