"""The CTDL export: a plan as a ``ceterms:Pathway`` JSON-LD document, and its reader for round trips.

One component per step (``CredentialComponent``, ``CourseComponent`` or ``BasicComponent``), one destination
component for the occupation or targets, every prerequisite the plan relies on as ``ceterms:prerequisite`` and
as a ``ceterms:ComponentCondition`` on the later component, and ``ceterms:precedes`` for the suggested order only.
The ``@context`` is named, never fetched. Identifiers are stable: the same plan always gets the same CTIDs.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.conditions import Leaf, leaf_key, witness
from graph.errors import RequestError
from graph.holdings import Holdings
from graph.model import Condition, Credential, CredentialKind, Gate, Kind, requirement_parts
from graph.skillgraph import SkillGraph
from recommender.plan import Pathway
from recommender.problem import resolve_profile

CONTEXT = "https://credreg.net/ctdl/schema/context/json"
REGISTRY = "https://credentialengineregistry.org/resources/"
NAMESPACE = uuid.UUID("6f1d2b0e-4c1e-5b7a-9d0e-3a2f1c6b8e40")
LANGUAGE = "en"
_CTID = re.compile(r"^ce-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

COMPONENT_TYPES: dict[CredentialKind, str] = {
    CredentialKind.badge: "ceterms:CredentialComponent",
    CredentialKind.microcredential: "ceterms:CredentialComponent",
    CredentialKind.certificate: "ceterms:CredentialComponent",
    CredentialKind.certification: "ceterms:CredentialComponent",
    CredentialKind.degree: "ceterms:CredentialComponent",
    CredentialKind.course: "ceterms:CourseComponent",
    CredentialKind.program: "ceterms:BasicComponent",
    CredentialKind.other: "ceterms:BasicComponent",
}
CREDENTIAL_TYPES: dict[CredentialKind, str] = {
    CredentialKind.badge: "ceterms:Badge",
    CredentialKind.microcredential: "ceterms:MicroCredential",
    CredentialKind.certificate: "ceterms:Certificate",
    CredentialKind.certification: "ceterms:Certification",
    CredentialKind.degree: "ceterms:Degree",
}
STEP_TYPES = frozenset({"CredentialComponent", "CourseComponent", "BasicComponent"})


def _ctid(*parts: str) -> str:
    return f"ce-{uuid.uuid5(NAMESPACE, chr(31).join(parts))}"


def _text(value: str) -> dict[str, str]:
    return {LANGUAGE: value}


def proxy_for(cred: Credential) -> str | None:
    """The credential's CTDL resource URI (from a CTID or a registry id), else its own URI id, else its URL."""
    for ident in (cred.id, *cred.alt_ids):
        if _CTID.match(ident):
            return REGISTRY + ident
        if ident.startswith(REGISTRY):
            return ident
    if cred.id.startswith(("http://", "https://")):
        return cred.id
    return cred.url


class _Conditions:
    """Translate a step's requirement tree into ComponentConditions over the plan's earlier components."""

    HELD = "held"

    def __init__(self, g: SkillGraph, pathway: Pathway, component_ids: Sequence[str]) -> None:
        self.g = g
        self.held = Holdings.from_ids(g, resolve_profile(g, pathway.request).have)
        self.steps = pathway.steps
        self.ids = component_ids

    def provider(self, leaf: Leaf, before: int) -> str | None:
        """HELD, the component of the earliest earlier step that provides the leaf, or None."""
        kind, ident = leaf
        if leaf in self.held:
            return self.HELD
        for n, step in enumerate(self.steps[:before]):
            cred = self.g.credentials.get(step.credential_id)
            if (kind == Kind.credential and step.credential_id == ident) or (
                kind == Kind.skill and cred is not None and ident in cred.taught_skill_ids
            ):
                return self.ids[n]
        return None

    def node(self, condition: Condition, before: int, name: str) -> dict[str, Any] | str | None:
        """A ComponentCondition, HELD when no plan component is needed, or None when it cannot be met."""
        parts = requirement_parts(condition)
        if parts is None:
            return self.provider(leaf_key(condition), before)  # type: ignore[arg-type]
        results = [self.node(child, before, name) for child in parts.children]
        held = sum(r == self.HELD for r in results)
        usable = [r for r in results if r is not None and r != self.HELD]
        if parts.gate == Gate.all_of:
            if len(usable) + held < len(results):
                return None
            need = len(usable)
        else:
            need = parts.needed - held
            if need > len(usable):
                return None
        if need <= 0:
            return self.HELD
        targets = [r for r in usable if isinstance(r, str)]
        nested = [r for r in usable if isinstance(r, dict)]
        out: dict[str, Any] = {"@type": "ceterms:ComponentCondition", "ceterms:name": _text(name)}
        if not nested:
            out["ceterms:requiredNumber"] = need
            out["ceterms:targetComponent"] = targets
            return out
        if need == len(usable):
            out["ceterms:logicalOperator"] = "ceterms:AND"
            if targets:
                out["ceterms:requiredNumber"] = len(targets)
                out["ceterms:targetComponent"] = targets
            out["ceterms:hasCondition"] = nested
            return out
        if need == 1:
            out["ceterms:logicalOperator"] = "ceterms:OR"
            if targets:
                out["ceterms:requiredNumber"] = 1
                out["ceterms:targetComponent"] = targets
            out["ceterms:hasCondition"] = nested
            return out
        return self.witnessed(condition, before, name)

    def witnessed(self, condition: Condition, before: int, name: str) -> dict[str, Any] | str | None:
        """At-least-N over composite choices: the components the plan actually uses, all required."""

        def holds(leaf: Leaf) -> bool:
            return self.provider(leaf, before) is not None

        used = witness(condition, holds)
        if used is None:
            return None
        targets = list(dict.fromkeys(p for leaf in used if (p := self.provider(leaf, before)) not in (None, self.HELD)))
        if not targets:
            return self.HELD
        return {
            "@type": "ceterms:ComponentCondition",
            "ceterms:name": _text(name),
            "ceterms:requiredNumber": len(targets),
            "ceterms:targetComponent": targets,
        }


def to_document(pathway: Pathway, g: SkillGraph) -> dict[str, Any]:
    """The pathway as a CTDL JSON-LD document: ``@context`` and a ``@graph`` led by the ``ceterms:Pathway``."""
    request = pathway.request.model_dump_json()
    pathway_ctid = _ctid("pathway", request, *pathway.credential_ids)
    component_ctids = [_ctid(pathway_ctid, "step", str(s.index), s.credential_id) for s in pathway.steps]
    ids = [f"urn:uuid:{c[3:]}" for c in component_ctids]
    pathway_id = f"urn:uuid:{pathway_ctid[3:]}"
    destination_ctid = _ctid(pathway_ctid, "destination")
    destination_id = f"urn:uuid:{destination_ctid[3:]}"
    conditions = _Conditions(g, pathway, ids)
    components = [
        _component(g, pathway, n, ids, ctid, pathway_id, conditions) for n, ctid in enumerate(component_ctids)
    ]
    goal = _goal(g, pathway)
    destination: dict[str, Any] = {
        "@id": destination_id,
        "@type": "ceterms:JobComponent" if pathway.request.targets.occupation else "ceterms:BasicComponent",
        "ceterms:ctid": destination_ctid,
        "ceterms:name": _text(goal),
        "ceterms:isPartOf": [pathway_id],
        "ceterms:isDestinationComponentOf": [pathway_id],
    }
    occupation = g.occupations.get(pathway.request.targets.occupation or "")
    if occupation is not None and occupation.id.startswith(("http://", "https://")):
        destination["ceterms:proxyFor"] = occupation.id
    reaching = _reaching(g, pathway, ids)
    if reaching:
        destination["ceterms:prerequisite"] = reaching
        destination["ceterms:hasCondition"] = [
            {
                "@type": "ceterms:ComponentCondition",
                "ceterms:name": _text(f"Steps that reach {goal}"),
                "ceterms:requiredNumber": len(reaching),
                "ceterms:targetComponent": reaching,
            }
        ]
    head: dict[str, Any] = {
        "@id": pathway_id,
        "@type": "ceterms:Pathway",
        "ceterms:ctid": pathway_ctid,
        "ceterms:name": _text(f"Pathway to {goal}"),
        "ceterms:description": _text(
            f"{len(pathway.steps)} step(s), {pathway.total_hours:g} hours, {pathway.total_cost:g} {pathway.currency}; "
            f"planned by credpath ({pathway.planner} planner), verified: {pathway.verification.valid}."
        ),
        "ceterms:hasPart": [*ids, destination_id],
        "ceterms:hasDestinationComponent": [destination_id],
    }
    return {"@context": CONTEXT, "@graph": [head, *components, destination]}


def write(pathway: Pathway, g: SkillGraph) -> str:
    """The CTDL JSON-LD document as indented JSON text."""
    return json.dumps(to_document(pathway, g), indent=2, ensure_ascii=False)


def _component(
    g: SkillGraph,
    pathway: Pathway,
    n: int,
    ids: Sequence[str],
    ctid: str,
    pathway_id: str,
    conditions: _Conditions,
) -> dict[str, Any]:
    step = pathway.steps[n]
    cred = g.credentials.get(step.credential_id)
    kind = cred.kind if cred is not None else CredentialKind(step.kind)
    out: dict[str, Any] = {
        "@id": ids[n],
        "@type": COMPONENT_TYPES[kind],
        "ceterms:ctid": ctid,
        "ceterms:name": _text(step.name),
        "ceterms:codedNotation": step.credential_id,
        "ceterms:description": _text(
            f"Step {step.index} (stage {step.stage}) from {step.provider}: {step.hours:g} hours, "
            f"{step.cost:g} {step.currency}."
        ),
        "ceterms:isPartOf": [pathway_id],
    }
    if kind in CREDENTIAL_TYPES:
        out["ceterms:credentialType"] = CREDENTIAL_TYPES[kind]
    proxy = proxy_for(cred) if cred is not None else step.url
    if proxy:
        out["ceterms:proxyFor"] = proxy
    by_index = {s.index: i for i, s in enumerate(pathway.steps)}
    relied = [ids[by_index[m.step]] for m in step.requirements_met_by if m.source == "step" and m.step in by_index]
    if relied:
        out["ceterms:prerequisite"] = list(dict.fromkeys(relied))
    requirement = g.effective_requirement(step.credential_id) if cred is not None else None
    if requirement is not None:
        condition = conditions.node(requirement, n, f"Before {step.name}")
        if isinstance(condition, dict):
            out["ceterms:hasCondition"] = [condition]
    if n + 1 < len(ids):
        out["ceterms:precedes"] = [ids[n + 1]]
    return out


def _goal(g: SkillGraph, pathway: Pathway) -> str:
    t = pathway.request.targets
    if t.occupation:
        return g.label((Kind.occupation, t.occupation))
    names = [g.label((Kind.skill, s)) for s in t.skills] + [g.label((Kind.credential, c)) for c in t.credentials]
    return ", ".join(names) or "the learner's targets"


def _reaching(g: SkillGraph, pathway: Pathway, ids: Sequence[str]) -> list[str]:
    """Components of the steps that teach a covered target skill or are a covered target credential."""
    covered = set(pathway.covered)
    out = []
    for n, step in enumerate(pathway.steps):
        cred = g.credentials.get(step.credential_id)
        taught = set(cred.taught_skill_ids) if cred is not None else set(step.teaches)
        if step.credential_id in covered or taught & covered:
            out.append(ids[n])
    return out


@dataclass(frozen=True)
class ReadPathway:
    """What a CTDL Pathway says, read back: its steps in suggested order and the prerequisite links."""

    name: str
    steps: tuple[str, ...]
    prerequisites: frozenset[tuple[str, str]]
    destination: str
    conditions: Mapping[str, tuple[dict[str, Any], ...]]


def read(document: Mapping[str, Any]) -> ReadPathway:
    """Read a Pathway document (as written by :func:`write`): steps by ``codedNotation``, in ``precedes`` order."""
    nodes = {node_id(n) or "": n for n in as_list(document.get("@graph")) if isinstance(n, dict)}
    heads = [n for n in nodes.values() if "Pathway" in node_types(n)]
    if len(heads) != 1:
        raise RequestError(
            f"expected one ceterms:Pathway in the document, found {len(heads)}",
            where="/@graph",
            fix="export the plan again with `credpath plan --format ctdl`",
        )
    head = heads[0]
    parts = ref_ids(get(head, "hasPart"))
    destinations = ref_ids(get(head, "hasDestinationComponent"))
    steps = [p for p in parts if p in nodes and STEP_TYPES & set(node_types(nodes[p])) and p not in destinations]
    following = {p: ref_ids(get(nodes[p], "precedes")) for p in steps}
    followed = {q for qs in following.values() for q in qs}
    order: list[str] = []
    current = next((p for p in steps if p not in followed), None)
    while current is not None and current not in order:
        order.append(current)
        current = next(iter(following.get(current, [])), None)
    if sorted(order) != sorted(steps):
        raise RequestError(
            "the components' ceterms:precedes links do not form one chain through every step",
            where="/@graph",
            fix="every step component but the last must precede exactly one other",
        )

    def credential(component: str) -> str:
        return str(get(nodes[component], "codedNotation") or component)

    links = frozenset(
        (credential(before), credential(after))
        for after in steps
        for before in ref_ids(get(nodes[after], "prerequisite"))
        if before in nodes
    )
    return ReadPathway(
        name=lang_text(get(head, "name")),
        steps=tuple(credential(p) for p in order),
        prerequisites=links,
        destination=lang_text(get(nodes[destinations[0]], "name")) if destinations and destinations[0] in nodes else "",
        conditions={credential(p): tuple(as_list(get(nodes[p], "hasCondition"))) for p in steps},
    )


def get(node: Mapping[str, Any], name: str) -> Any:
    """A CTDL property, written ``ceterms:name`` or plain ``name`` (None when absent)."""
    value = node.get(f"ceterms:{name}")
    return value if value is not None else node.get(name)


def as_list(value: Any) -> list[Any]:
    """A JSON-LD value as a list: None is empty, a single value a list of one."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def node_id(node: Mapping[str, Any]) -> str | None:
    raw = node.get("@id")
    return raw if isinstance(raw, str) and raw else None


def node_types(node: Mapping[str, Any]) -> list[str]:
    """Local names of a node's ``@type`` values (``ceterms:Pathway`` gives ``Pathway``)."""
    return [t.rsplit(":", 1)[-1] for t in as_list(node.get("@type")) if isinstance(t, str)]


def ref_ids(value: Any) -> list[str]:
    """Ids referenced by a value: strings and ``{"@id": ...}`` objects, in order."""
    return [
        r
        for item in as_list(value)
        if (r := item if isinstance(item, str) else node_id(item) if isinstance(item, dict) else None)
    ]


def lang_text(value: Any) -> str:
    """A plain string, or the first string of a language map."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return next((v for v in value.values() if isinstance(v, str)), "")
    return ""
