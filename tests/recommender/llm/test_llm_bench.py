"""The LLM benchmark's scripted cases: at least forty, every fault kind present, each genuinely faulty."""

from __future__ import annotations

from bench.llm_bench import FAULTS, build_cases, injected_catalogue, raw_faults, render_scripted, run_case
from graph.skillgraph import SkillGraph
from recommender.service import CredpathService


def test_the_scripted_cases_cover_every_fault_with_real_faults() -> None:
    g = SkillGraph(injected_catalogue())
    cases = build_cases(g)
    assert len(cases) >= 40
    assert {c.fault for c in cases} == set(FAULTS)
    for case in cases:
        kinds = raw_faults(g, case)
        assert (not kinds) == (case.fault == "good"), (case.fault, case.target, kinds)


def test_every_fault_left_to_the_repair_ends_in_a_valid_minimal_plan() -> None:
    service = CredpathService(injected_catalogue())
    cases = build_cases(service.graph)
    first = {c.fault: c for c in reversed(cases) if c.target == "data mining" and not c.fixed_after_feedback}
    outcomes = [run_case(service, case) for case in first.values()]
    assert len(outcomes) == len(FAULTS)
    for o in outcomes:
        assert o.valid and o.final == set(), (o.case.fault, o.final)
    assert "| Fully valid plans |" in render_scripted(outcomes)
