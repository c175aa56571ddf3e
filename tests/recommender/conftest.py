"""Fixtures for planner tests: the bundled example catalogue, loaded through the native adapter."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import Catalogue
from ingest.formats import NativeAdapter
from recommender.service import CredpathService

EXAMPLE = Path(__file__).resolve().parents[2] / "ingest" / "data" / "example_catalogue.yaml"


@pytest.fixture(scope="session")
def example_catalogue() -> Catalogue:
    return NativeAdapter().read(EXAMPLE).catalogue


@pytest.fixture(scope="session")
def service(example_catalogue: Catalogue) -> CredpathService:
    return CredpathService(example_catalogue)
