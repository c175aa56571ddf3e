"""Holdings: what a learner holds (credentials and skills), and the one rule for whether a leaf is held."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set

from graph.conditions import Leaf
from graph.model import Kind
from graph.skillgraph import SkillGraph


class Holdings:
    """Held credentials and held skills; ``(kind, id) in holdings`` is the held-item test.

    Build it with :meth:`from_ids` (the learner's ``have`` list, already resolved to catalogue ids)
    or :meth:`of`; both add the skills that held credentials teach. It grows only through
    :meth:`gain`, so take a :meth:`copy` before chaining forward from someone's holdings.

    Examples
    --------
    >>> from graph.model import Catalogue, Credential, Skill, TaughtSkill
    >>> g = SkillGraph(Catalogue(skills=(Skill(id="a", label="A"), Skill(id="b", label="B")),
    ...     credentials=(Credential(id="c", name="C", provider="P", teaches=(TaughtSkill(skill="b"),)),)))
    >>> held = Holdings.from_ids(g, ["c", "a"])
    >>> ("skill", "b") in held, (Kind.credential, "c") in held, ("credential", "a") in held
    (True, True, False)
    >>> sorted(held.skills), dict(held.granted_via)
    (['a', 'b'], {'b': 'c'})
    """

    __slots__ = ("_credentials", "_granted_via", "_skills")

    def __init__(
        self,
        credentials: Iterable[str] = (),
        skills: Iterable[str] = (),
        granted_via: Mapping[str, str] | None = None,
    ) -> None:
        self._credentials = set(credentials)
        self._skills = set(skills)
        self._granted_via = dict(granted_via or {})

    @classmethod
    def of(cls, g: SkillGraph, credentials: Iterable[str] = (), skills: Iterable[str] = ()) -> Holdings:
        """Holdings of these credentials and skills, plus every skill the credentials teach.

        ``granted_via`` maps each skill held only through a credential to the first such credential by id.

        Examples
        --------
        >>> from graph.model import Catalogue, Credential, TaughtSkill
        >>> g = SkillGraph(Catalogue(credentials=(
        ...     Credential(id="c2", name="C2", provider="P", teaches=(TaughtSkill(skill="s"),)),
        ...     Credential(id="c1", name="C1", provider="P", teaches=(TaughtSkill(skill="s"),)))))
        >>> dict(Holdings.of(g, ["c2", "c1"]).granted_via), dict(Holdings.of(g, ["c1"], ["s"]).granted_via)
        ({'s': 'c1'}, {})
        """
        creds = set(credentials)
        direct = set(skills)
        via: dict[str, str] = {}
        for cid in sorted(creds):
            if cid in g.credentials:
                for sid in g.credentials[cid].taught_skill_ids:
                    if sid not in direct:
                        via.setdefault(sid, cid)
        return cls(creds, direct | set(via), via)

    @classmethod
    def from_ids(cls, g: SkillGraph, held: Iterable[str]) -> Holdings:
        """The learner's holdings from their held ids: credential ids are credentials, every other id a skill.

        The ids must already be canonical (``recommender.problem.resolve_profile`` resolves them once).
        """
        ids = list(held)
        return cls.of(g, [i for i in ids if i in g.credentials], [i for i in ids if i not in g.credentials])

    @property
    def credentials(self) -> Set[str]:
        """Ids of the held credentials."""
        return self._credentials

    @property
    def skills(self) -> Set[str]:
        """Ids of the held skills, including those held credentials teach."""
        return self._skills

    @property
    def granted_via(self) -> Mapping[str, str]:
        """For each skill held only through a credential, that credential."""
        return self._granted_via

    def __contains__(self, leaf: Leaf) -> bool:
        """Whether a ``(kind, id)`` leaf is held: the one held-item test."""
        kind, ident = leaf
        return ident in (self._skills if kind == Kind.skill else self._credentials)

    def gain(self, g: SkillGraph, credential_id: str) -> list[Leaf]:
        """Hold ``credential_id`` and the skills it teaches; returns the leaves that were not held before.

        Examples
        --------
        >>> from graph.model import Catalogue, Credential, TaughtSkill
        >>> g = SkillGraph(Catalogue(credentials=(
        ...     Credential(id="c", name="C", provider="P", teaches=(TaughtSkill(skill="s"), TaughtSkill(skill="t"))),)))
        >>> Holdings(skills=["s"]).gain(g, "c")
        [('credential', 'c'), ('skill', 't')]
        """
        gained: list[Leaf] = [(Kind.credential, credential_id)]
        self._credentials.add(credential_id)
        for sid in g.credentials[credential_id].taught_skill_ids:
            if sid not in self._skills:
                self._skills.add(sid)
                gained.append((Kind.skill, sid))
        return gained

    def copy(self) -> Holdings:
        """An independent copy, to grow without changing this one."""
        return Holdings(self._credentials, self._skills, self._granted_via)

    def __repr__(self) -> str:
        return f"Holdings(credentials={sorted(self._credentials)}, skills={sorted(self._skills)})"
