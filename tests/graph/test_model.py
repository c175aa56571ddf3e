"""The catalogue model: strict, immutable, merged predictably."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graph.model import Catalogue, Credential, Skill


def test_unknown_fields_are_rejected() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Credential.model_validate({"id": "c", "name": "C", "provider": "P", "prerequisite": "x"})


def test_models_are_frozen() -> None:
    skill = Skill(id="s", label="S")
    with pytest.raises(ValidationError):
        skill.label = "T"  # type: ignore[misc]


def test_negative_hours_and_bad_currency_are_rejected() -> None:
    with pytest.raises(ValidationError) as info:
        Credential(id="c", name="C", provider="P", hours=-1, currency="dollars")
    assert {e["loc"][0] for e in info.value.errors()} == {"hours", "currency"}


def test_merge_keeps_every_name_and_prerequisite() -> None:
    esco = Catalogue(skills=(Skill(id="s", label="use spreadsheets software", alt_labels=("Excel",)),))
    ours = Catalogue(skills=(Skill(id="s", label="spreadsheets", prerequisites=("maths",)),))
    merged = esco.merged(ours).skills[0]
    assert merged.label == "spreadsheets"
    assert set(merged.alt_labels) == {"use spreadsheets software", "Excel"}
    assert merged.prerequisites == ("maths",)


def test_merge_later_credential_wins() -> None:
    a = Catalogue(credentials=(Credential(id="c", name="Old", provider="P"),))
    b = Catalogue(credentials=(Credential(id="c", name="New", provider="P"),))
    assert [c.name for c in a.merged(b).credentials] == ["New"]


def test_json_schema_is_generated_with_condition_tree() -> None:
    schema = Catalogue.model_json_schema()
    assert schema["additionalProperties"] is False
    assert {"AllOf", "AnyOf", "AtLeast", "SkillCondition", "CredentialCondition"} <= set(schema["$defs"])
