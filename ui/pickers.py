"""Pickers over long lists: the page holds only what is picked and the matches for what is being typed.

The bundled catalogue has 13,896 skills and 3,007 occupations. Sent whole, every picker over them made each page
load about 20 MB; a picker here starts with its picked values only and asks the server for the best matches on
each key stroke. Short lists (under ``FULL_LIST``) are sent whole, as usual.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from recommender.service import CredpathService
from ui import choices

FULL_LIST = 400
"""Lists up to this long are sent to the page whole."""

SHOWN = 40
"""Matches listed for what is typed."""


@dataclass(frozen=True)
class Options:
    """A list of (label, id) choices, searchable by the words of their labels."""

    pairs: tuple[tuple[str, str], ...]
    _folded: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _labels: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_folded", tuple(label.casefold() for label, _ in self.pairs))
        object.__setattr__(self, "_labels", {ident: label for label, ident in self.pairs})

    @property
    def whole(self) -> bool:
        return len(self.pairs) <= FULL_LIST

    def matching(self, text: str, limit: int = SHOWN) -> list[tuple[str, str]]:
        """The choices whose label holds every word of ``text``: whole-label match first, then labels starting
        with it, then labels with a word starting with its first word; shorter labels first within each.

        >>> o = Options((("data analyst", "a"), ("big data engineer", "b"), ("metadata editor", "c")))
        >>> [i for _, i in o.matching("data")]
        ['a', 'b', 'c']
        >>> o.matching("engineer big")
        [('big data engineer', 'b')]
        """
        words = text.casefold().split()
        if not words:
            return []
        phrase = " ".join(words)
        ranked = []
        for i, label in enumerate(self._folded):
            if all(w in label for w in words):
                rank = 0 if label == phrase else 1 if label.startswith(phrase) else 2
                if rank == 2 and not any(part.startswith(words[0]) for part in label.split()):
                    rank = 3
                ranked.append((rank, len(label), i))
        return [self.pairs[i] for _, _, i in sorted(ranked)[:limit]]

    def labelled(self, ids: Sequence[str] | str | None) -> list[tuple[str, str]]:
        """(label, id) for each picked id (an id the list does not hold shows as itself)."""
        picked = [ids] if isinstance(ids, str) else list(ids or ())
        return [(self._labels.get(i, i), i) for i in dict.fromkeys(picked)]

    def choices(self, picked: Sequence[str] | str | None = None, text: str = "") -> list[tuple[str, str]]:
        """What the picker lists: the whole list when it is short, else the picked values and the matches."""
        if self.whole:
            return list(self.pairs)
        shown = self.labelled(picked)
        seen = {i for _, i in shown}
        return shown + [p for p in self.matching(text) if p[1] not in seen]

    def update(self, value: list[str] | str | None) -> Any:
        """The picker set to ``value`` (a list for a multiselect picker) by the server, its choices holding it."""
        return gr.Dropdown(choices=self.choices(value), value=value, multiselect=isinstance(value, list))


_OPTIONS: weakref.WeakKeyDictionary[CredpathService, dict[str, Options]] = weakref.WeakKeyDictionary()

LISTS: dict[str, Callable[[CredpathService], list[tuple[str, str]]]] = {
    "occupation": choices.occupation_choices,
    "skill": choices.skill_choices,
    "credential": choices.credential_choices,
    "held": choices.held_choices,
}
"""The lists pickers choose from, by name."""


def options(service: CredpathService, kind: str) -> Options:
    """The ``kind`` list (see ``LISTS``) of this service's catalogue, made once per service."""
    made = _OPTIONS.setdefault(service, {})
    if kind not in made:
        made[kind] = Options(tuple(LISTS[kind](service)))
    return made[kind]


def picker(
    chosen: Options,
    *,
    label: str,
    multiselect: bool,
    source: tuple[Any, Callable[[Any], Options]] | None = None,
    **kwargs: Any,
) -> gr.Dropdown:
    """A dropdown over ``chosen`` that lists the matches for what is typed (besides what is picked).

    ``source`` is (a component, a function of its value giving the options) when the list depends on another
    field, such as an uploaded catalogue. A value the list does not hold can still come from the API or a typed
    Enter; the service refuses an unknown id with a message naming the field, so nothing unreadable gets through.
    """
    value = kwargs.pop("value", None)  # passed on explicitly: Gradio would otherwise pick the first choice
    dropdown = gr.Dropdown(
        chosen.choices(value),
        value=value,
        label=label,
        multiselect=multiselect,
        filterable=True,
        allow_custom_value=not chosen.whole or source is not None,
        **kwargs,
    )
    if chosen.whole and source is None:
        return dropdown
    # Every key stroke is sent with its own text ("always_last" would resend the first deferred stroke's text), and
    # searches go one at a time through their own queue, in arrival order, so the last text's matches land last.
    # A search takes milliseconds and never waits behind a plan.
    keys: dict[str, Any] = {
        "outputs": [dropdown],
        "show_progress": "hidden",
        "trigger_mode": "multiple",
        "concurrency_id": "pickers",
        "concurrency_limit": 1,
        "api_visibility": "private",
    }
    if source is None:

        def search(value: Any, key: gr.KeyUpData) -> Any:
            return gr.Dropdown(choices=chosen.choices(value, key.input_value))

        dropdown.key_up(search, inputs=[dropdown], **keys)
    else:
        component, listed = source

        def search_in(value: Any, other: Any, key: gr.KeyUpData) -> Any:
            return gr.Dropdown(choices=listed(other).choices(value, key.input_value))

        dropdown.key_up(search_in, inputs=[dropdown, component], **keys)
    return dropdown
