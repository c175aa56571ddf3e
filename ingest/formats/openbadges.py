"""Open Badges 2.0 BadgeClasses and 3.0 Achievements as badge credentials; their alignments as skills taught."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graph.model import Catalogue, Credential, CredentialKind, Skill, TaughtSkill
from ingest.formats.base import AdapterResult
from ingest.formats.common import credential_kind, label_skill_id, model_or_skip, validation_reason
from ingest.formats.jsonld import (
    Node,
    NodeReader,
    as_list,
    lang_text,
    lang_texts,
    local_name,
    node_id,
    node_types,
    number,
    pointer_join,
    ref_ids,
    sniff_json,
    unique,
)

CONTEXT_MARKERS = (b"w3id.org/openbadges", b"purl.imsglobal.org/spec/ob", b"openbadgespec.org")
TYPE_MARKER = re.compile(
    rb'"@?type"\s*:\s*\[?[^\]}]{0,200}?"(BadgeClass|Achievement|OpenBadgeCredential|AchievementCredential)"'
)
BADGE_TYPES = {"BadgeClass", "Achievement"}
CREDENTIAL_TYPES = {"OpenBadgeCredential", "AchievementCredential", "VerifiableCredential"}
ISSUER_TYPES = {"Issuer", "Profile"}
ACHIEVEMENT_KINDS = {
    "Badge": CredentialKind.badge,
    "MicroCredential": CredentialKind.microcredential,
    "Certificate": CredentialKind.certificate,
    "Certification": CredentialKind.certification,
    "Course": CredentialKind.course,
    "Degree": CredentialKind.degree,
    "AssociateDegree": CredentialKind.degree,
    "BachelorDegree": CredentialKind.degree,
    "MasterDegree": CredentialKind.degree,
    "DoctoralDegree": CredentialKind.degree,
}
CODE_AS_ID = re.compile(r"^(ce-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
"""Alignment codes that are ids in their own right (CTIDs, CASE GUIDs) are kept as the skill's alt_ids."""


@dataclass
class _Pending:
    pointer: str
    fields: dict[str, Any]
    issuer: str


class OpenBadgesAdapter:
    """Open Badges 2.0 (BadgeClass, Assertion with an embedded BadgeClass) and 3.0 (Achievement, credential)."""

    name = "openbadges"
    description = "Open Badges 2.0 BadgeClass/Assertion and 3.0 Achievement/OpenBadgeCredential JSON"

    def sniff(self, path: Path, head: bytes) -> bool:
        return sniff_json(head, CONTEXT_MARKERS, TYPE_MARKER)

    def read(self, path: Path) -> AdapterResult:
        return _Reader(path).read(self.name)


class _Reader(NodeReader):
    """Turns badge classes and achievements into credentials; anything else goes to ``skipped``."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.pending: list[_Pending] = []
        self.skills: dict[str, Skill] = {}
        self.issuers: dict[str, str] = {}

    def node(self, pointer: str, node: Any) -> None:
        if not isinstance(node, dict):
            self.skip(pointer, f"a JSON {type(node).__name__}, not a badge object")
            return
        types = set(node_types(node))
        if types & BADGE_TYPES or (not types and ("criteria" in node or "alignment" in node)):
            self.badge(pointer, node, "")
        elif "Assertion" in types:
            self.assertion(pointer, node)
        elif types & CREDENTIAL_TYPES and "credentialSubject" in node:
            issuer = self.issuer(node.get("issuer"))
            found = False
            for i, subject in enumerate(as_list(node["credentialSubject"])):
                sub_pointer = pointer_join(
                    pointer, "credentialSubject", *([i] if isinstance(node["credentialSubject"], list) else [])
                )
                if isinstance(subject, dict) and isinstance(subject.get("achievement"), dict):
                    self.badge(pointer_join(sub_pointer, "achievement"), subject["achievement"], issuer)
                    found = True
            if not found:
                shown = ", ".join(sorted(types))
                self.skip(pointer, f"a credential ({shown}) with no achievement; not a catalogue entry")
        elif types & ISSUER_TYPES:
            self.issuer(node)
        else:
            shown = ", ".join(sorted(types)) or "no type"
            self.skip(pointer, f"not a BadgeClass or Achievement ({shown}); not a catalogue entry")

    def assertion(self, pointer: str, node: Node) -> None:
        badge = node.get("badge")
        if isinstance(badge, dict):
            self.badge(pointer_join(pointer, "badge"), badge, "")
        else:
            shown = badge if isinstance(badge, str) else "nothing"
            self.skip(
                pointer,
                f"the Assertion refers to BadgeClass {shown!r} by IRI, and IRIs are never fetched: "
                "add the BadgeClass JSON itself (field 'badge')",
            )

    def issuer(self, value: Any) -> str:
        """The issuer's IRI (recording its name) or its name when it has no IRI."""
        if isinstance(value, str):
            return value.strip()
        if not isinstance(value, dict):
            return ""
        name = lang_text(value.get("name"))
        iri = node_id(value)
        if iri and name:
            self.issuers.setdefault(iri, name)
        return iri or name

    def badge(self, pointer: str, node: Node, fallback_issuer: str) -> None:
        bid = node_id(node)
        name = lang_text(node.get("name"))
        if not bid or not name:
            missing = "id" if not bid else "name"
            self.skip(pointer, f"badge without {missing} cannot be a catalogue entry (field '{missing}')")
            return
        issuer = self.issuer(node.get("creator")) or self.issuer(node.get("issuer")) or fallback_issuer
        try:
            teaches = [
                s
                for i, a in enumerate(as_list(node.get("alignment")))
                if (s := self.alignment(pointer_join(pointer, "alignment", i), a))
            ]
            fields: dict[str, Any] = {
                "id": bid,
                "name": name,
                "kind": ACHIEVEMENT_KINDS.get(local_name(str(node.get("achievementType") or "")), CredentialKind.badge),
                "description": _description(node),
                "teaches": tuple(TaughtSkill(skill=s) for s in unique(teaches)),
                "credits": number(node.get("creditsAvailable")),
                "language": next(iter(lang_texts(node.get("inLanguage"))), "en"),
                "url": _criteria_url(node),
                "areas": _areas(node),
            }
        except ValidationError as exc:
            self.skip(pointer, f"not loaded: {validation_reason(exc)}")
            return
        self.pending.append(_Pending(pointer, fields, issuer))

    def alignment(self, pointer: str, item: Any) -> str | None:
        """The skill id an alignment names (its targetUrl), adding the skill; None when unusable."""
        if not isinstance(item, dict):
            self.skip(pointer, "an alignment must be an object with targetUrl and targetName")
            return None
        target_type = str(item.get("targetType") or "")
        if target_type.startswith("ceterms:") and credential_kind([local_name(target_type)]) is not None:
            self.skip(pointer, f"alignment to a credential ({target_type}), not a skill; not used as a skill")
            return None
        url = ref_ids(item.get("targetUrl"))
        label = lang_text(item.get("targetName")) or lang_text(item.get("targetCode"))
        sid = url[0] if url else label_skill_id(label) if label else None
        if not sid:
            self.skip(pointer, "alignment without targetUrl or targetName (field 'targetUrl')")
            return None
        code = lang_text(item.get("targetCode"))
        skill = Skill(
            id=sid,
            label=label or sid,
            alt_ids=(code,) if CODE_AS_ID.match(code) and code != sid else (),
            description=lang_text(item.get("targetDescription")),
        )
        self.skills.setdefault(sid, skill)
        return sid

    def finish(self) -> Catalogue:
        credentials: dict[str, Credential] = {}
        for entry in self.pending:
            provider = self.issuers.get(entry.issuer, entry.issuer) or "unknown issuer"
            where = f"{self.path}#{entry.pointer}"
            credential = model_or_skip(Credential, where, self.skipped, provider=provider, **entry.fields)
            if credential:
                credentials[credential.id] = credential
        return Catalogue(
            name=self.path.name, skills=tuple(self.skills.values()), credentials=tuple(credentials.values())
        )


def _description(node: Node) -> str:
    """The badge description, then its criteria narrative and the results it records."""
    parts = [lang_text(node.get("description"))]
    criteria = node.get("criteria")
    if isinstance(criteria, dict) and (narrative := lang_text(criteria.get("narrative"))):
        parts.append(f"Criteria: {narrative}")
    results = [lang_text(r.get("name")) for r in as_list(node.get("resultDescription")) if isinstance(r, dict)]
    if any(results):
        parts.append("Results: " + "; ".join(unique(r for r in results if r)))
    return "\n\n".join(p for p in parts if p)


def _areas(node: Node) -> tuple[str, ...]:
    """Tags and field of study, without case-insensitive repeats."""
    found = [t for key in ("tags", "tag", "fieldOfStudy") for t in lang_texts(node.get(key))]
    return tuple({t.casefold(): t for t in reversed(found)}[k] for k in unique(t.casefold() for t in found))


def _criteria_url(node: Node) -> str | None:
    criteria = node.get("criteria")
    ids = ref_ids(criteria) if isinstance(criteria, (str, dict)) else []
    return ids[0] if ids and ids[0].startswith(("http://", "https://")) else None
