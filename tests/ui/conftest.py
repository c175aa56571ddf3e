"""Fixtures for the web app tests: a service over the small example catalogue that ships with credpath."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from recommender.service import CredpathService


@pytest.fixture(scope="session")
def service() -> CredpathService:
    """The bundled example catalogue: 34 fictional credentials on real ESCO skills and occupations."""
    return CredpathService.bundled(example=True)


@pytest.fixture(scope="session")
def lookup(service: CredpathService) -> Callable[[str, str], str]:
    """Find the id of the skill, credential or occupation with this exact label in the catalogue."""

    def find(kind: str, label: str) -> str:
        matches = [o.id for o in service.options(kind) if o.label == label]
        assert len(matches) == 1, f"{kind} {label!r}: {matches}"
        return matches[0]

    return find
