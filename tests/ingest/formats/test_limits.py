"""Input limits: each a documented CREDPATH_ setting, each breach naming it; line lookup once per file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from graph.errors import CatalogueError, InputLimitError
from ingest.formats import load_sources
from ingest.formats import native as native_module
from ingest.settings import Settings

LIMITS = [name for name in Settings.model_fields if name.startswith("max_")]


def test_there_are_limits_on_size_aliases_depth_entries_and_messages() -> None:
    assert set(LIMITS) == {
        "max_file_mb",
        "max_decompressed_mb",
        "max_document_mb",
        "max_yaml_alias_nodes",
        "max_requirement_depth",
        "max_entries",
        "max_messages",
        "max_badge_mb",
    }


@pytest.mark.parametrize("name", LIMITS)
def test_each_limit_documents_its_variable_and_reads_it(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    variable = f"CREDPATH_{name.upper()}"
    assert variable in (Settings.model_fields[name].description or "")
    monkeypatch.setenv(variable, "7")
    assert getattr(Settings(), name) == 7


def test_a_few_aliases_within_the_budget_are_read(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text(
        "format: credpath-catalogue\nskills:\n  - {id: &s s, label: S}\ncredentials:\n"
        "  - {id: a, name: A, provider: &p P, teaches: [{skill: *s}], requires: &r {any_of: [{skill: *s}]}}\n"
        "  - {id: b, name: B, provider: *p, teaches: [{skill: *s}], requires: *r}\n",
        encoding="utf-8",
    )
    catalogue = load_sources([path]).catalogue
    assert [c.provider for c in catalogue.credentials] == ["P", "P"]


def test_an_alias_budget_of_zero_refuses_any_expansion(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text(
        "format: credpath-catalogue\nskills:\n  - {id: s, label: S}\ncredentials:\n"
        "  - {id: a, name: A, provider: P, requires: &r {all_of: [{skill: s}, {skill: s}]}}\n"
        "  - {id: b, name: B, provider: P, requires: *r}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputLimitError) as err:
        load_sources([path], settings=Settings(max_yaml_alias_nodes=0))
    assert err.value.limit == "max_yaml_alias_nodes" and err.value.setting == "CREDPATH_MAX_YAML_ALIAS_NODES"
    assert "expand this document by 9 nodes" in err.value.message and "(now 0)" in err.value.message


def test_line_lookup_composes_the_text_once_per_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bad.json"
    credentials = [{"id": f"c{i}", "name": f"C{i}"} for i in range(300)]
    path.write_text(json.dumps({"format": "credpath-catalogue", "credentials": credentials}, indent=1))
    calls = []
    compose = yaml.compose

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return compose(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(native_module.yaml, "compose", counting)
    with pytest.raises(CatalogueError) as err:
        load_sources([path], settings=Settings(max_messages=20))
    assert len(calls) == 1
    assert "300 problem(s)" in err.value.message
    assert len(err.value.problems) == 21 and err.value.problems[-1].startswith("... and 280 more problem(s)")
    assert f"{path}:4 /credentials/0/provider" in err.value.problems[0]


def test_requirement_depth_at_the_limit_is_read(tmp_path: Path) -> None:
    condition: object = {"skill": "s"}
    for _ in range(31):
        condition = {"all_of": [condition]}
    path = tmp_path / "deep.json"
    document = {
        "format": "credpath-catalogue",
        "skills": [{"id": "s", "label": "S"}],
        "credentials": [{"id": "c", "name": "C", "provider": "P", "requires": condition}],
    }
    path.write_text(json.dumps(document))
    assert len(load_sources([path]).catalogue.credentials) == 1
    with pytest.raises(InputLimitError, match="32 levels deep"):
        load_sources([path], settings=Settings(max_requirement_depth=31))
