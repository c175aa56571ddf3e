"""What the format adapters share: skill ids from labels, model validation that skips, CTDL credential kinds.

Adapters never import each other: a helper two of them need lives here.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from graph.model import CredentialKind
from ingest.formats.base import Skipped

CTDL_CREDENTIAL_KINDS = {
    "Course": CredentialKind.course,
    "LearningOpportunityProfile": CredentialKind.course,
    "LearningOpportunity": CredentialKind.course,
    "CourseComponent": CredentialKind.course,
    "LearningProgram": CredentialKind.program,
    "Badge": CredentialKind.badge,
    "DigitalBadge": CredentialKind.badge,
    "OpenBadge": CredentialKind.badge,
    "MicroCredential": CredentialKind.microcredential,
    "Certification": CredentialKind.certification,
}
"""CTDL types that name a learning opportunity or credential of one known kind."""
CTDL_OTHER_CREDENTIALS = {
    "Credential", "License", "Diploma", "GeneralEducationDevelopment", "SecondarySchoolDiploma",
    "QualityAssuranceCredential", "AssessmentProfile", "ApprenticeshipCertificate",
}  # fmt: skip
"""CTDL credential types credpath reads as credentials of kind ``other``."""


def label_skill_id(label: str) -> str:
    """The stable id of a skill known only by its label: ``skill:`` + a slug of the label.

    >>> label_skill_id("Machine Learning")
    'skill:machine-learning'
    >>> label_skill_id("C++"), label_skill_id("C#")
    ('skill:c-plus-plus', 'skill:c-sharp')
    """
    text = unicodedata.normalize("NFKC", label).casefold().replace("+", " plus ").replace("#", " sharp ")
    slug = re.sub(r"[^\w]+", "-", text).strip("-_")
    if not slug:
        slug = hashlib.sha1(label.encode("utf-8")).hexdigest()[:12]
    return f"skill:{slug}"


def validation_reason(exc: ValidationError) -> str:
    """The problems of a pydantic error as one sentence naming each field."""
    parts = []
    for err in exc.errors(include_url=False)[:5]:
        field = ".".join(str(p) for p in err["loc"]) or "value"
        parts.append(f"field '{field}': {err['msg']}")
    return "; ".join(parts)


M = TypeVar("M", bound=BaseModel)


def model_or_skip(model: type[M], where: str, skipped: list[Skipped], **fields: Any) -> M | None:
    """``model(**fields)``; or None, with the validation problems added to ``skipped`` at ``where``."""
    try:
        return model(**fields)
    except ValidationError as exc:
        skipped.append(Skipped(where, f"{model.__name__.lower()} not loaded: {validation_reason(exc)}"))
        return None


def credential_kind(types: list[str]) -> CredentialKind | None:
    """The credential kind of the first CTDL type that names a credential or learning opportunity."""
    for t in types:
        if t in CTDL_CREDENTIAL_KINDS:
            return CTDL_CREDENTIAL_KINDS[t]
        if t.endswith(("Degree", "Doctorate")):
            return CredentialKind.degree
        if "Certificate" in t:
            return CredentialKind.certificate
        if t in CTDL_OTHER_CREDENTIALS or t.endswith(("Diploma", "Component")):
            return CredentialKind.other
    return None
