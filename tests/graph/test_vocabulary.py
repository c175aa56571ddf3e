"""One vocabulary: Kind, the requirement-tree walker, Holdings and forward chaining, each written once."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import networkx as nx
from hypothesis import given, settings

from graph.algorithms import attainable, forward_chain, order_credentials
from graph.holdings import Holdings
from graph.model import (
    AllOf,
    AnyOf,
    AtLeast,
    Catalogue,
    Credential,
    CredentialCondition,
    Gate,
    Kind,
    SkillCondition,
    TaughtSkill,
    requirement_parts,
)
from graph.skillgraph import SkillGraph
from recommender.plan import MetBy
from tests.strategies import dag_catalogues

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("graph", "ingest", "recommender", "ui")


def _sources() -> dict[str, ast.Module]:
    return {
        str(path.relative_to(ROOT)): ast.parse(path.read_text(encoding="utf-8"))
        for room in PACKAGES
        for path in sorted((ROOT / room).rglob("*.py"))
    }


def test_kind_reads_and_writes_as_its_string() -> None:
    assert Kind("skill") is Kind.skill
    assert (Kind.credential, "c") == ("credential", "c")
    assert {("skill", "s"): 1}[(Kind.skill, "s")] == 1
    met = MetBy(requirement="s", kind=Kind.skill, source="held")
    assert json.loads(met.model_dump_json())["kind"] == "skill"
    assert MetBy.model_validate_json(met.model_dump_json()).kind is Kind.skill


def test_requirement_parts_covers_every_composite() -> None:
    a, b = SkillCondition(skill="a"), CredentialCondition(credential="b")
    all_of = requirement_parts(AllOf(all_of=(a, b)))
    any_of = requirement_parts(AnyOf(any_of=(a, b)))
    at_least = requirement_parts(AtLeast(at_least=2, of=(a, b, a)))
    assert all_of is not None and (all_of.gate, all_of.children, all_of.needed) == (Gate.all_of, (a, b), 2)
    assert any_of is not None and (any_of.gate, any_of.needed) == (Gate.any_of, 1)
    assert at_least is not None and (at_least.gate, len(at_least.children), at_least.needed) == (Gate.at_least, 3, 2)
    assert requirement_parts(a) is None and requirement_parts(b) is None


def test_the_tree_ladder_is_written_once() -> None:
    """Only graph/model.py tells AllOf, AnyOf and AtLeast apart; everything else asks requirement_parts."""
    composites = {"AllOf", "AnyOf", "AtLeast"}
    found = set()
    for name, tree in _sources().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "isinstance":
                named = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
                if named & composites:
                    found.add(name)
    assert found == {"graph/model.py"}


def test_the_held_item_test_is_written_once() -> None:
    """Nothing outside Holdings picks the skill or the credential table by a leaf's kind to test holding."""
    offenders = [
        name
        for name, tree in _sources().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.IfExp)
        and {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} & {"have_s", "have_c", "held_s", "held_c"}
    ]
    assert offenders == []


def test_graph_modules_import_each_other_without_a_cycle() -> None:
    """Even imports inside functions count: graph/ has no import circle (it had skillgraph <-> validate)."""
    deps = nx.DiGraph()
    for path in (ROOT / "graph").glob("*.py"):
        here = f"graph.{path.stem}"
        deps.add_node(here)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("graph."):
                deps.add_edge(here, node.module)
    assert list(nx.simple_cycles(deps)) == []


def test_holdings_from_ids_grants_taught_skills_and_copies_independently() -> None:
    g = SkillGraph(
        Catalogue(credentials=(Credential(id="c", name="C", provider="P", teaches=(TaughtSkill(skill="s"),)),))
    )
    held = Holdings.from_ids(g, ["c", "t"])
    assert (Kind.skill, "s") in held and ("skill", "t") in held and ("credential", "c") in held
    assert ("credential", "t") not in held and ("skill", "c") not in held
    assert dict(held.granted_via) == {"s": "c"}
    grown = Holdings().copy()
    assert grown.gain(g, "c") == [("credential", "c"), ("skill", "s")]
    assert grown.gain(g, "c") == [("credential", "c")]
    assert ("skill", "s") not in Holdings()


@settings(max_examples=60, deadline=None)
@given(cat=dag_catalogues(allow_cycles=True))
def test_attainable_and_order_credentials_chain_forward_alike(cat: Catalogue) -> None:
    g = SkillGraph(cat)
    reach = attainable(g)
    order, stuck = order_credentials(g, set(g.credentials))
    assert tuple(order) == reach.order
    assert set(stuck) == set(g.credentials) - reach.credentials
    have = Holdings()
    assert forward_chain(g, list(g.credentials), have) == order
    assert have.credentials == reach.credentials and have.skills == reach.skills
