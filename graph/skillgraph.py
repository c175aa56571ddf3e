"""SkillGraph: the catalogue as a NetworkX graph of skills, credentials and occupations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from functools import cached_property

import networkx as nx

from graph.conditions import Leaf, leaves
from graph.model import AllOf, Catalogue, Condition, Credential, Kind, Occupation, Skill, SkillCondition


class SkillGraph:
    """A catalogue indexed for planning.

    Nodes are ``(kind, id)`` pairs so that a skill and a credential may share an id without
    clashing. Edges point from what comes first to what it enables:

    - ``("skill", p) -> ("skill", s)`` with ``rel="prerequisite"``: p must be held before learning s;
    - ``("credential", c) -> ("skill", s)`` with ``rel="teaches"``;
    - ``leaf -> ("credential", c)`` with ``rel="requires"`` for every leaf of c's requirement tree;
    - ``("skill", s) -> ("occupation", o)`` with ``rel="essential"`` or ``"optional"``;
    - ``("credential", c) -> ("credential", p)`` with ``rel="stacks_into"``;
    - ``("credential", part) -> ("credential", stack)`` with ``rel="part_of"`` for every part of a stack's award rule
      (the award rule is also part of the stack's effective requirement, so ``requires`` edges exist too).

    Examples
    --------
    >>> from graph.model import Catalogue, Credential, Skill, TaughtSkill
    >>> cat = Catalogue(skills=(Skill(id="a", label="A"), Skill(id="b", label="B", prerequisites=("a",))),
    ...     credentials=(Credential(id="c1", name="C1", provider="P", teaches=(TaughtSkill(skill="b"),)),))
    >>> g = SkillGraph(cat)
    >>> g.teachers("b")
    ('c1',)
    >>> g.effective_requirement("c1")
    SkillCondition(skill='a')
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.skills: dict[str, Skill] = {}
        self.credentials: dict[str, Credential] = {}
        self.occupations: dict[str, Occupation] = {}
        for s in catalogue.skills:
            self.skills.setdefault(s.id, s)
        for c in catalogue.credentials:
            self.credentials.setdefault(c.id, c)
        for o in catalogue.occupations:
            self.occupations.setdefault(o.id, o)
        teachers: dict[str, list[str]] = defaultdict(list)
        for c in self.credentials.values():
            for sid in dict.fromkeys(c.taught_skill_ids):
                teachers[sid].append(c.id)
        self._teachers = {s: tuple(sorted(cs)) for s, cs in teachers.items()}
        self._aliases: dict[tuple[Kind, str], str] = {}
        for kind, entries in (
            (Kind.skill, self.skills.values()),
            (Kind.credential, self.credentials.values()),
            (Kind.occupation, self.occupations.values()),
        ):
            for e in entries:
                for alt in e.alt_ids:
                    self._aliases.setdefault((kind, alt), e.id)
        self._effective: dict[str, Condition | None] = {}
        self._label_index: dict[Kind, dict[str, tuple[str, ...]]] = {}

    @cached_property
    def nx(self) -> nx.DiGraph:
        """The NetworkX view (built on first use)."""
        g = nx.DiGraph()
        for s in self.skills.values():
            g.add_node((Kind.skill, s.id), label=s.label)
            for p in s.prerequisites:
                g.add_edge((Kind.skill, p), (Kind.skill, s.id), rel="prerequisite")
        for c in self.credentials.values():
            g.add_node((Kind.credential, c.id), label=c.name)
            for sid in c.taught_skill_ids:
                g.add_edge((Kind.credential, c.id), (Kind.skill, sid), rel="teaches")
            for leaf in leaves(c.requires):
                g.add_edge(leaf, (Kind.credential, c.id), rel="requires")
            for big in c.stacks_into:
                g.add_edge((Kind.credential, c.id), (Kind.credential, big), rel="stacks_into")
            for part in c.part_ids:
                g.add_edge((Kind.credential, part), (Kind.credential, c.id), rel="part_of")
        for o in self.occupations.values():
            g.add_node((Kind.occupation, o.id), label=o.label)
            for sid in o.essential_skills:
                g.add_edge((Kind.skill, sid), (Kind.occupation, o.id), rel="essential")
            for sid in o.optional_skills:
                if not g.has_edge((Kind.skill, sid), (Kind.occupation, o.id)):
                    g.add_edge((Kind.skill, sid), (Kind.occupation, o.id), rel="optional")
        return g

    def teachers(self, skill_id: str) -> tuple[str, ...]:
        """Ids of the credentials that teach ``skill_id``, sorted."""
        return self._teachers.get(skill_id, ())

    def entries(self, kind: Kind) -> Mapping[str, Skill | Credential | Occupation]:
        """Skills, credentials or occupations by id, for each kind."""
        tables: dict[Kind, Mapping[str, Skill | Credential | Occupation]] = {
            Kind.skill: self.skills,
            Kind.credential: self.credentials,
            Kind.occupation: self.occupations,
        }
        return tables[kind]

    def resolve(self, kind: Kind, ident: str) -> str | None:
        """The canonical id for ``ident`` (an id or an alternative id such as a CTID), or None."""
        if ident in self.entries(kind):
            return ident
        return self._aliases.get((kind, ident))

    def find(self, kind: Kind, text: str) -> str | None:
        """The id of the one entry whose id, alternative id, label or alternative label is ``text``.

        Labels match case-insensitively. When several entries carry the name, the one whose preferred
        label it is wins (ESCO files "data scientist" as an alternative label of another occupation too);
        a name that is still ambiguous matches nothing.

        Examples
        --------
        >>> from graph.model import Catalogue, Skill
        >>> g = SkillGraph(Catalogue(skills=(Skill(id="esco:1", label="SQL", alt_labels=("SEQUEL",)),)))
        >>> g.find(Kind.skill, "sequel"), g.find(Kind.skill, "esco:1"), g.find(Kind.skill, "Python")
        ('esco:1', 'esco:1', None)
        """
        found = self.resolve(kind, text)
        if found is not None:
            return found
        named = self.named(kind, text)
        if len(named) > 1:
            key = text.strip().casefold()
            entries = self.entries(kind)
            named = tuple(i for i in named if _preferred(entries[i]).strip().casefold() == key)
        return named[0] if len(named) == 1 else None

    def named(self, kind: Kind, text: str) -> tuple[str, ...]:
        """Ids of every entry whose label or alternative label is ``text`` (case-insensitive), sorted.

        More than one id means the name is shared; :meth:`find` then takes the entry whose preferred
        label it is, and matches none when there is no single such entry.

        Examples
        --------
        >>> from graph.model import Catalogue, Skill
        >>> g = SkillGraph(Catalogue(skills=(Skill(id="sql", label="SQL"),
        ...     Skill(id="esco:9", label="Structured Query Language", alt_labels=("SQL", "queries")),
        ...     Skill(id="esco:7", label="Query languages", alt_labels=("queries",)))))
        >>> g.named(Kind.skill, "sql"), g.find(Kind.skill, "SQL"), g.find(Kind.skill, "queries")
        (('esco:9', 'sql'), 'sql', None)
        """
        return self._labels(kind).get(text.strip().casefold(), ())

    def _labels(self, kind: Kind) -> dict[str, tuple[str, ...]]:
        if kind not in self._label_index:
            index: dict[str, dict[str, None]] = {}
            for ident, e in self.entries(kind).items():
                names = (e.name,) if isinstance(e, Credential) else (e.label, *e.alt_labels)
                for name in names:
                    index.setdefault(name.strip().casefold(), {})[ident] = None
            self._label_index[kind] = {k: tuple(sorted(v)) for k, v in index.items()}
        return self._label_index[kind]

    def implicit_prerequisites(self, credential_id: str) -> tuple[str, ...]:
        """Prerequisite skills of the skills a credential teaches, minus those it teaches itself."""
        c = self.credentials[credential_id]
        taught = set(c.taught_skill_ids)
        out: dict[str, None] = {}
        for sid in c.taught_skill_ids:
            skill = self.skills.get(sid)
            if skill is None:
                continue
            for p in skill.prerequisites:
                if p not in taught:
                    out[p] = None
        return tuple(out)

    def effective_requirement(self, credential_id: str) -> Condition | None:
        """The credential's own requirement tree AND its award rule (if stacked) AND its implicit skill prerequisites.

        Examples
        --------
        >>> from graph.model import AtLeast, Catalogue, Credential, CredentialCondition
        >>> stack = Credential(id="cert", name="Cert", provider="P", awarded_for=AtLeast(at_least=1, of=(
        ...     CredentialCondition(credential="b1"), CredentialCondition(credential="b2"))))
        >>> g = SkillGraph(Catalogue(credentials=(stack,)))
        >>> g.requirement_leaves("cert")
        [('credential', 'b1'), ('credential', 'b2')]
        """
        if credential_id in self._effective:
            return self._effective[credential_id]
        c = self.credentials[credential_id]
        parts: list[Condition] = [cond for cond in (c.requires, c.awarded_for) if cond is not None]
        parts += [SkillCondition(skill=p) for p in self.implicit_prerequisites(credential_id)]
        result: Condition | None = None
        if len(parts) == 1:
            result = parts[0]
        elif parts:
            result = AllOf(all_of=tuple(parts))
        self._effective[credential_id] = result
        return result

    def requirement_leaves(self, credential_id: str) -> list[Leaf]:
        """Every leaf of the credential's effective requirement."""
        return leaves(self.effective_requirement(credential_id))

    def label(self, leaf: Leaf) -> str:
        """A readable name for a skill, credential or occupation id."""
        kind, ident = leaf
        if kind == Kind.skill and ident in self.skills:
            return self.skills[ident].label
        if kind == Kind.credential and ident in self.credentials:
            return self.credentials[ident].name
        if kind == Kind.occupation and ident in self.occupations:
            return self.occupations[ident].label
        return ident


def _preferred(entry: Skill | Credential | Occupation) -> str:
    """The preferred name of an entry: a credential's name, a skill's or occupation's label."""
    return entry.name if isinstance(entry, Credential) else entry.label
