"""The CTDL / CTDL-ASN JSON-LD reader: credentials, learning opportunities, pathway components, competencies."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from graph.model import (
    Catalogue,
    Condition,
    Credential,
    CredentialCondition,
    Skill,
    SkillCondition,
    TaughtSkill,
)
from ingest.formats.base import AdapterResult
from ingest.formats.common import credential_kind, label_skill_id, model_or_skip, validation_reason
from ingest.formats.ctdl.stacking import split_award_rule
from ingest.formats.ctdl.values import (
    cost_of,
    credits_of,
    delivery_of,
    expiry_of,
    hours_of,
    level_of,
)
from ingest.formats.jsonld import (
    Node,
    NodeReader,
    as_list,
    get,
    lang_text,
    lang_texts,
    node_id,
    node_types,
    number,
    pointer_join,
    ref_ids,
    sniff_json,
    unique,
)
from ingest.formats.requires import all_of, any_of, at_least

MAX_CONDITION_DEPTH = 32
"""Condition profiles nested deeper than this (alternatives of alternatives ...) are not read."""

CONTEXT_MARKERS = (b"credreg.net/ctdl", b"purl.org/ctdl", b"purl.org/ctdlasn")
PREFIXED_KEY = re.compile(rb'"(ceterms|ceasn):\w+"\s*:|"@?type"\s*:\s*\[?\s*"(ceterms|ceasn):')


def is_organization(types: list[str]) -> bool:
    return any(t.endswith("Organization") or t in ("Profile", "Person") for t in types)


class Unusable(Exception):
    """Raised inside the reader for a node part that cannot be used; becomes a Skipped entry."""

    def __init__(self, pointer: str, reason: str) -> None:
        self.pointer = pointer
        self.reason = reason
        super().__init__(reason)


@dataclass
class _Pending:
    """A credential read from one node, waiting for providers and stacking to be resolved."""

    pointer: str
    fields: dict[str, Any]
    providers: list[str]
    parts: list[str] = field(default_factory=list)


class CtdlAdapter:
    """Credential Engine CTDL and CTDL-ASN JSON-LD documents, single or ``@graph``."""

    name = "ctdl"
    description = "Credential Engine CTDL / CTDL-ASN JSON-LD: credentials, courses, programs, competencies"

    def sniff(self, path: Path, head: bytes) -> bool:
        return sniff_json(head, CONTEXT_MARKERS, PREFIXED_KEY)

    def read(self, path: Path) -> AdapterResult:
        return _Reader(path).read(self.name)


class _Reader(NodeReader):
    """Turns CTDL nodes into credentials and skills; unusable parts go to ``skipped``."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.pending: list[_Pending] = []
        self.skills: dict[str, Skill] = {}
        self.children: dict[str, list[str]] = {}
        self.org_names: dict[str, str] = {}
        self.frameworks: list[str] = []

    def node(self, pointer: str, node: Any) -> None:
        if not isinstance(node, dict):
            self.skip(pointer, f"a JSON {type(node).__name__}, not a JSON-LD node object")
            return
        types = node_types(node)
        try:
            if "Competency" in types:
                self.competency(pointer, node)
            elif credential_kind(types) is not None:
                self.credential(pointer, node, types)
            elif is_organization(types):
                if (oid := node_id(node)) and (name := lang_text(get(node, "name"))):
                    self.org_names[oid] = name
            elif "CompetencyFramework" in types:
                self.frameworks.append(lang_text(get(node, "name")))
            elif node.keys() - {"@context", "@id", "id"}:
                shown = ", ".join(types) or "no @type"
                self.skip(pointer, f"not a credential, learning opportunity or competency ({shown})")
        except Unusable as exc:
            self.skip(exc.pointer, exc.reason)
        except ValidationError as exc:
            self.skip(pointer, f"not loaded: {validation_reason(exc)}")

    def competency(self, pointer: str, node: Node) -> None:
        sid = node_id(node) or _ctid(node)
        text = lang_text(get(node, "competencyText"))
        label = lang_text(get(node, "competencyLabel")) or text
        if not sid or not label:
            raise Unusable(pointer, "competency without @id/ctid or competencyText (field 'competencyText')")
        for child in ref_ids(get(node, "hasChild")):
            self.children.setdefault(sid, []).append(child)
        skill = Skill(
            id=sid,
            label=label,
            alt_ids=unique(x for x in (_ctid(node), *ref_ids(get(node, "exactAlignment"))) if x and x != sid),
            description=text if text != label else lang_text(get(node, "comment")),
            prerequisites=unique(ref_ids(get(node, "prerequisiteAlignment"))),
            broader=unique(ref_ids(get(node, "isChildOf"))),
        )
        self.add_skill(skill)

    def add_skill(self, skill: Skill) -> None:
        old = self.skills.get(skill.id)
        self.skills[skill.id] = (
            skill if old is None else Catalogue(skills=(old,)).merged(Catalogue(skills=(skill,))).skills[0]
        )

    def credential(self, pointer: str, node: Node, types: list[str]) -> None:
        cid = node_id(node) or _ctid(node)
        if not cid:
            raise Unusable(pointer, "no @id or ceterms:ctid, so nothing can refer to it (field '@id')")
        kind = credential_kind(types)
        name = lang_text(get(node, "name")) or f"{types[0]} {cid.rstrip('/').rsplit('/', 1)[-1]}"
        teaches = [
            self.alignment(pointer_join(pointer, key, i), a)
            for key in ("teaches", "assesses")
            for i, a in enumerate(as_list(get(node, key)))
        ]
        notes: list[str] = []
        fields: dict[str, Any] = {
            "id": cid,
            "alt_ids": unique(x for x in (_ctid(node), *ref_ids(get(node, "proxyFor"))) if x and x != cid),
            "name": name,
            "kind": kind,
            "description": lang_text(get(node, "description")),
            "teaches": tuple(TaughtSkill(skill=s) for s in unique(s for s in teaches if s)),
            "requires": self.requirements(pointer, node),
            "hours": hours_of(get(node, "estimatedDuration"), notes),
            "credits": credits_of(get(node, "creditValue"), notes),
            "level": level_of(get(node, "audienceLevelType")),
            "delivery": delivery_of(get(node, "deliveryType")),
            "language": next(iter(lang_texts(get(node, "inLanguage"))), "en"),
            "url": _url(node),
            "valid_until": expiry_of(get(node, "expirationDate"), notes),
            "stacks_into": unique(ref_ids(get(node, "isPartOf"))),
            "areas": unique(t for o in as_list(get(node, "occupationType")) if (t := _target_name(o))),
        }
        cost = cost_of(get(node, "estimatedCost"), notes)
        if cost is not None:
            fields["cost"], fields["currency"] = cost
        for note in notes:
            self.skip(pointer, note)
        providers = [
            self.provider(p)
            for key in ("offeredBy", "ownedBy", "creator", "publisher")
            for p in as_list(get(node, key))
        ]
        parts = ref_ids(get(node, "hasPart"))
        self.pending.append(_Pending(pointer, fields, [p for p in providers if p], parts))

    def provider(self, value: Any) -> str:
        if isinstance(value, dict):
            name = lang_text(get(value, "name"))
            if oid := node_id(value):
                if name:
                    self.org_names.setdefault(oid, name)
                return oid
            return name
        return value.strip() if isinstance(value, str) else ""

    def alignment(self, pointer: str, item: Any) -> str | None:
        """The skill id of a competency alignment, adding the skill when the alignment names it."""
        if isinstance(item, str):
            return item.strip() or None
        if not isinstance(item, dict):
            self.skip(pointer, "a competency alignment must be an IRI or an object")
            return None
        if "Competency" in node_types(item):
            self.node(pointer, item)
            return node_id(item) or _ctid(item)
        target = ref_ids(get(item, "targetNode"))
        label = lang_text(get(item, "targetNodeName"))
        sid = target[0] if target else node_id(item) if not node_types(item) else None
        sid = sid or (label_skill_id(label) if label else None)
        if not sid:
            self.skip(pointer, "alignment names neither targetNode nor targetNodeName (field 'targetNode')")
            return None
        if label:
            description = lang_text(get(item, "targetNodeDescription"))
            self.add_skill(Skill(id=sid, label=label, description=description))
        return sid

    def requirements(self, pointer: str, node: Node) -> Condition | None:
        parts: list[Condition] = []
        for key in ("requires", "prerequisite", "entryCondition"):
            for i, profile in enumerate(as_list(get(node, key))):
                condition = self.profile(pointer_join(pointer, key, i), profile, 0)
                if condition is not None:
                    parts.append(condition)
        for i, cond in enumerate(as_list(get(node, "hasCondition"))):
            condition = self.component_condition(pointer_join(pointer, "hasCondition", i), cond, 0)
            if condition is not None:
                parts.append(condition)
        return all_of(parts)

    def readable_condition(self, pointer: str, value: Any, depth: int) -> bool:
        """Whether a condition is an embedded object within the nesting limit (else reported)."""
        if depth > MAX_CONDITION_DEPTH:
            raise Unusable(pointer, f"conditions nested more than {MAX_CONDITION_DEPTH} deep")
        if not isinstance(value, dict):
            self.skip(pointer, "a condition given by reference only cannot be read: embed it in the resource")
        return isinstance(value, dict)

    def profile(self, pointer: str, profile: Any, depth: int) -> Condition | None:
        """One ConditionProfile: ALL (or at-least-N) of its targets, or ANY of it and its alternatives."""
        if not self.readable_condition(pointer, profile, depth):
            return None
        if {"CredentialAlignmentObject", "Competency"} & set(node_types(profile)):
            sid = self.alignment(pointer, profile)  # a competency required directly, without a profile
            return SkillCondition(skill=sid) if sid else None
        leaves: list[Condition] = []
        for key in ("targetLearningOpportunity", "targetCredential", "targetAssessment"):
            for i, target in enumerate(as_list(get(profile, key))):
                tid = self.target(pointer_join(pointer, key, i), target)
                if tid:
                    leaves.append(CredentialCondition(credential=tid))
        for i, target in enumerate(as_list(get(profile, "targetCompetency"))):
            sid = self.alignment(pointer_join(pointer, "targetCompetency", i), target)
            if sid:
                leaves.append(SkillCondition(skill=sid))
        own = at_least(_required_number(profile), leaves)
        if own is None:
            said = "; ".join(lang_texts(get(profile, "condition")) or lang_texts(get(profile, "description")))
            name = lang_text(get(profile, "name")) or "condition"
            self.skip(pointer, f"'{name}' names no target, so it is not checked" + (f": {said}" if said else ""))
            return None
        alternatives = [
            self.profile(pointer_join(pointer, "alternativeCondition", i), alt, depth + 1)
            for i, alt in enumerate(as_list(get(profile, "alternativeCondition")))
        ]
        if any(alt is None for alt in alternatives):
            return None  # an alternative that imposes nothing makes the whole choice free
        return any_of([own, *[a for a in alternatives if a is not None]])

    def component_condition(self, pointer: str, cond: Any, depth: int) -> Condition | None:
        """A pathway ComponentCondition: N of its target components, combined with nested conditions."""
        if not self.readable_condition(pointer, cond, depth):
            return None
        leaves: list[Condition] = [CredentialCondition(credential=t) for t in ref_ids(get(cond, "targetComponent"))]
        children = [at_least(_required_number(cond), leaves)]
        children += [
            self.component_condition(pointer_join(pointer, "hasCondition", i), c, depth + 1)
            for i, c in enumerate(as_list(get(cond, "hasCondition")))
        ]
        present = [c for c in children if c is not None]
        operator = str(get(cond, "logicalOperator") or get(cond, "logicalOperand") or "AND")
        return any_of(present) if operator.rsplit(":", 1)[-1].upper() == "OR" else all_of(present)

    def target(self, pointer: str, target: Any) -> str | None:
        if isinstance(target, dict) and credential_kind(node_types(target)) and get(target, "name") is not None:
            self.node(pointer, target)
        ctid = _ctid(target) if isinstance(target, dict) else None
        ids = ref_ids(target) or ([ctid] if ctid else [])
        if not ids:
            self.skip(pointer, "target without @id or ctid (field '@id')")
        return ids[0] if ids else None

    def finish(self) -> Catalogue:
        stacks: dict[str, list[str]] = {}
        for entry in self.pending:
            for part in entry.parts:
                stacks.setdefault(part, []).append(entry.fields["id"])
        parts_of: dict[str, list[str]] = {entry.fields["id"]: list(entry.parts) for entry in self.pending}
        for entry in self.pending:
            for big in entry.fields["stacks_into"]:
                parts_of.setdefault(big, []).append(entry.fields["id"])
        credentials: dict[str, Credential] = {}
        for entry in self.pending:
            fields = dict(entry.fields)
            fields["stacks_into"] = unique([*fields["stacks_into"], *stacks.get(fields["id"], [])])
            fields["requires"], fields["awarded_for"] = split_award_rule(
                fields["requires"], unique(parts_of.get(fields["id"], []))
            )
            if fields["awarded_for"] is not None:
                self.whole_of_parts(entry.pointer, fields)
            fields["provider"] = self.provider_name(entry)
            credential = model_or_skip(Credential, f"{self.path}#{entry.pointer}", self.skipped, **fields)
            if credential:
                credentials[credential.id] = credential
        for parent, kids in self.children.items():
            for kid in kids:
                if kid in self.skills and parent not in self.skills[kid].broader:
                    skill = self.skills[kid]
                    self.skills[kid] = skill.model_copy(update={"broader": (*skill.broader, parent)})
        names = [n for n in self.frameworks if n] or [self.path.name]
        return Catalogue(
            name=" + ".join(names),
            skills=tuple(self.skills.values()),
            credentials=tuple(credentials.values()),
        )

    def whole_of_parts(self, pointer: str, fields: dict[str, Any]) -> None:
        """Drop the duration and cost a credential made of parts states: in CTDL they describe the whole.

        An AggregateCost is the sum of the parts' costs; planning adds the parts' own hours and costs, so keeping
        the whole's as well would count them twice. A capstone is a part of its own in CTDL (a course or an
        assessment in ``hasPart``).
        """
        stated = [
            f"{fields['hours']:g} hours" if fields.get("hours") else "",
            f"cost {fields['cost']:g}" if fields.get("cost") else "",
        ]
        said = " and ".join(x for x in stated if x)
        if said:
            self.skip(
                pointer,
                f"credential made of parts: its stated {said} describe the whole, so the planner counts its "
                "parts' hours and costs instead (model a capstone as a part of its own)",
            )
        fields["hours"] = None
        fields.pop("cost", None)
        fields.pop("currency", None)

    def provider_name(self, entry: _Pending) -> str:
        """Name of the first offering/owning organisation; its IRI when it is not defined in the input."""
        for ref in entry.providers:
            if ref in self.org_names:
                return self.org_names[ref]
        if entry.providers:
            return entry.providers[0]
        host = urlsplit(entry.fields["id"]).hostname
        return host or "unknown provider"


def _ctid(node: Node) -> str | None:
    raw = get(node, "ctid")
    return raw.strip() if isinstance(raw, str) and raw.strip() else None


def _target_name(alignment: Any) -> str:
    return lang_text(get(alignment, "targetNodeName")) if isinstance(alignment, dict) else ""


def _url(node: Node) -> str | None:
    for key in ("subjectWebpage", "availableOnlineAt"):
        ids = ref_ids(get(node, key))
        if ids:
            return ids[0]
    return None


def _required_number(cond: Node) -> int | None:
    """The count a condition asks for: ``requiredNumber``, or the 2019 draft's ``reqNum`` operands."""
    value = number(get(cond, "requiredNumber"))
    if value is None and get(cond, "leftOperand") == "reqNum":
        value = number(get(cond, "rightOperand"))
    return int(value) if value is not None and value.is_integer() else None
