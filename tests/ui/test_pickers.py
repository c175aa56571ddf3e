"""Pickers over long lists: matches for what is typed, picked values kept with their labels, short lists whole."""

from __future__ import annotations

import doctest

import pytest

import ui.pickers
from recommender.service import CredpathService
from ui.pickers import FULL_LIST, Options, options


def long_list(n: int = FULL_LIST + 100) -> Options:
    return Options((*((f"skill {i:04d}", f"http://x/{i}") for i in range(n)), ("Python", "http://x/py")))


def test_the_docstring_examples_hold() -> None:
    assert doctest.testmod(ui.pickers).failed == 0


def test_a_long_list_holds_the_picked_values_and_the_matches_only() -> None:
    listed = long_list()
    assert not listed.whole and listed.choices() == []
    shown = listed.choices(["http://x/7", "http://gone"], "pyth")
    assert shown == [("skill 0007", "http://x/7"), ("http://gone", "http://gone"), ("Python", "http://x/py")]
    assert len(listed.choices(None, "skill")) == ui.pickers.SHOWN


def test_a_short_list_is_sent_whole() -> None:
    listed = long_list(10)
    assert listed.whole and listed.choices(None, "zzz") == list(listed.pairs)


def test_ranking_puts_the_whole_label_then_its_starts_first() -> None:
    listed = Options((("statistics software", "b"), ("apply statistics", "c"), ("statistics", "a")))
    assert [i for _, i in listed.matching("Statistics")] == ["a", "b", "c"]
    assert listed.matching("   ") == []


def test_an_update_carries_the_choices_for_what_it_sets() -> None:
    update = long_list().update(["http://x/py"])
    assert update.value == ["http://x/py"] and update.choices == [("Python", "http://x/py")]


@pytest.mark.parametrize("kind", ["occupation", "skill", "held", "credential"])
def test_options_are_made_once_per_service(service: CredpathService, kind: str) -> None:
    assert options(service, kind) is options(service, kind)
    assert options(service, kind).pairs
