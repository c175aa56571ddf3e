"""The native YAML/JSON format: registered first, detected by content, errors with line, pointer and field."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from graph.errors import CatalogueError
from graph.model import AnyOf, CredentialCondition, SkillCondition
from ingest.formats import ADAPTERS, NativeAdapter, detect_format, dump_catalogue

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "native"


def test_native_is_registered_first() -> None:
    assert isinstance(ADAPTERS[0], NativeAdapter)


def test_yaml_catalogue_is_read() -> None:
    path = FIXTURES / "catalogue.yaml"
    assert detect_format(path).name == "native"
    result = detect_format(path).read(path)
    catalogue = result.catalogue
    assert catalogue.name == "Native fixture"
    assert [s.id for s in catalogue.skills] == ["skill:sql", "skill:data-modelling"]
    assert catalogue.skills[1].prerequisites == ("skill:sql",)
    db201 = catalogue.credentials[1]
    assert db201.requires == AnyOf(any_of=(CredentialCondition(credential="db-101"), SkillCondition(skill="skill:sql")))
    assert (catalogue.credentials[0].cost, catalogue.credentials[0].currency) == (150.0, "EUR")
    assert catalogue.occupations[0].essential_skills == ("skill:sql", "skill:data-modelling")
    assert result.format == "native" and result.sources == (str(path),)


def test_json_round_trip_detected_by_content(tmp_path: Path) -> None:
    catalogue = NativeAdapter().read(FIXTURES / "catalogue.yaml").catalogue
    path = tmp_path / "catalogue.data"  # no telling extension: content decides
    dump_catalogue(catalogue, tmp_path / "c.json")
    (tmp_path / "c.json").rename(path)
    adapter = detect_format(path)
    assert adapter.name == "native"
    assert adapter.read(path).catalogue == catalogue


def test_gzipped_yaml(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml.gz"
    path.write_bytes(gzip.compress((FIXTURES / "catalogue.yaml").read_bytes()))
    assert detect_format(path).name == "native"
    assert len(detect_format(path).read(path).catalogue.credentials) == 2


def test_field_errors_name_line_pointer_and_field() -> None:
    path = FIXTURES / "bad_field.yaml"
    with pytest.raises(CatalogueError) as err:
        NativeAdapter().read(path)
    assert err.value.problems == (
        f"{path}:10 /credentials/1/hours (field 'hours'): Input should be greater than or equal to 0",
        f"{path}:11 /credentials/1/colour (field 'colour'): Extra inputs are not permitted",
    )
    assert "credpath schema catalogue" in (err.value.fix or "")


def test_json_syntax_error_names_line_and_column() -> None:
    path = FIXTURES / "bad_syntax.json"
    with pytest.raises(CatalogueError) as err:
        NativeAdapter().read(path)
    assert err.value.where == f"{path}:3:44"


@pytest.mark.parametrize("value", ["2019-02-30", "!!float many"])
def test_yaml_values_the_loader_cannot_build(tmp_path: Path, value: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(f"format: credpath-catalogue\nversion: 1\nname: {value}\n")
    with pytest.raises(CatalogueError, match="invalid YAML value") as err:
        NativeAdapter().read(path)
    assert err.value.where == str(path)


def test_corrupt_gzip(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml.gz"
    data = bytearray(gzip.compress((FIXTURES / "catalogue.yaml").read_bytes()))
    data[23] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(CatalogueError, match="cannot read file"):
        NativeAdapter().read(path)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    shutil.copy(FIXTURES / "catalogue.yaml", path)
    path.write_text(path.read_text().replace("    label: SQL", "    label: [SQL"))
    with pytest.raises(CatalogueError) as err:
        NativeAdapter().read(path)
    assert err.value.where is not None and err.value.where.startswith(f"{path}:")
    assert "invalid YAML" in err.value.what
