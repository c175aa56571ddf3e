"""The LLM benchmark's scripted cases: at least forty, every fault kind present, each genuinely faulty."""

from __future__ import annotations

from bench.llm_bench import FAULTS, build_cases, injected_catalogue, raw_faults
from graph.skillgraph import SkillGraph


def test_the_scripted_cases_cover_every_fault_with_real_faults() -> None:
    g = SkillGraph(injected_catalogue())
    cases = build_cases(g)
    assert len(cases) >= 40
    assert {c.fault for c in cases} == set(FAULTS)
    for case in cases:
        kinds = raw_faults(g, case)
        assert (not kinds) == (case.fault == "good"), (case.fault, case.target, kinds)
