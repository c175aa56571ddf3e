"""Stacked credentials read from the native format, CSV and CTDL ("N of these" condition profiles)."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest

import ingest.formats.ctdl.stacking
from graph.errors import CatalogueError
from graph.model import AtLeast, CredentialCondition
from ingest.formats import CsvAdapter, CtdlAdapter, NativeAdapter

RULE = AtLeast(at_least=2, of=tuple(CredentialCondition(credential=f"b{i}") for i in (1, 2, 3)))


def test_docstring_examples_run() -> None:
    result = doctest.testmod(ingest.formats.ctdl.stacking)
    assert result.failed == 0 and result.attempted > 0


def test_native_award_rule(tmp_path: Path) -> None:
    path = tmp_path / "cat.yaml"
    path.write_text(
        "format: credpath-catalogue\nversion: 1\ncredentials:\n"
        "  - {id: cert, name: Cert, provider: P, awarded_for: {at_least: 2, of: "
        "[{credential: b1}, {credential: b2}, {credential: b3}]}}\n"
    )
    (cert,) = NativeAdapter().read(path).catalogue.credentials
    assert cert.awarded_for == RULE and cert.earned_by_parts


def test_native_award_rule_over_a_skill_is_an_error_that_says_where(tmp_path: Path) -> None:
    path = tmp_path / "cat.yaml"
    path.write_text(
        "format: credpath-catalogue\nversion: 1\ncredentials:\n"
        "  - {id: cert, name: Cert, provider: P, awarded_for: {skill: sql}}\n"
    )
    with pytest.raises(CatalogueError, match="names skill 'sql'"):
        NativeAdapter().read(path)


def test_csv_award_rule_column(tmp_path: Path) -> None:
    path = tmp_path / "cat.csv"
    path.write_text('id,name,provider,awarded_for\ncert,Cert,P,"2 of (cred:b1, cred:b2, cred:b3)"\n')
    (cert,) = CsvAdapter().read(path).catalogue.credentials
    assert cert.awarded_for == RULE


def test_csv_award_rule_over_a_skill_names_the_column(tmp_path: Path) -> None:
    path = tmp_path / "cat.csv"
    path.write_text('id,name,provider,awarded_for\ncert,Cert,P,"SQL"\n')
    with pytest.raises(CatalogueError, match="column 'awarded_for'"):
        CsvAdapter().read(path)


def test_ctdl_n_of_these_condition_profile_over_the_parts(tmp_path: Path) -> None:
    ex = "https://example.org/"
    badges = [
        {"@id": f"{ex}b{i}", "@type": "ceterms:DigitalBadge", "ceterms:name": {"en": f"Badge {i}"},
         "ceterms:isPartOf": [f"{ex}cert"]}
        for i in range(1, 7)
    ]  # fmt: skip
    cert = {
        "@id": f"{ex}cert",
        "@type": "ceterms:Certificate",
        "ceterms:name": {"en": "Data Analytics Professional Certificate"},
        "ceterms:requires": [
            {
                "@type": "ceterms:ConditionProfile",
                "ceterms:requiredNumber": 4,
                "ceterms:targetCredential": [f"{ex}b{i}" for i in range(1, 7)],
            }
        ],
    }
    path = tmp_path / "stack.json"
    path.write_text(json.dumps({"@context": "https://credreg.net/ctdl/schema/context/json", "@graph": [*badges, cert]}))
    result = CtdlAdapter().read(path)
    by_id = {c.id: c for c in result.catalogue.credentials}
    stack = by_id[f"{ex}cert"]
    assert stack.awarded_for == AtLeast(
        at_least=4, of=tuple(CredentialCondition(credential=f"{ex}b{i}") for i in range(1, 7))
    )
    assert stack.requires is None and stack.earned_by_parts
    assert by_id[f"{ex}b1"].stacks_into == (f"{ex}cert",)
