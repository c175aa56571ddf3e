"""Hypothesis strategies for random catalogues whose skill prerequisites form a DAG."""

from __future__ import annotations

from hypothesis import strategies as st

from graph.model import (
    AllOf,
    AnyOf,
    AtLeast,
    Catalogue,
    Condition,
    Credential,
    CredentialCondition,
    Skill,
    SkillCondition,
    TaughtSkill,
)


@st.composite
def conditions(draw: st.DrawFn, skills: list[str], creds: list[str], depth: int = 2) -> Condition:
    """A random requirement tree over the given skills and earlier credentials."""
    leaves = [SkillCondition(skill=s) for s in skills] + [CredentialCondition(credential=c) for c in creds]
    if depth == 0 or draw(st.booleans()):
        return draw(st.sampled_from(leaves))
    children = draw(st.lists(conditions(skills, creds, depth - 1), min_size=1, max_size=3))
    kind = draw(st.sampled_from(["all", "any", "atleast"]))
    if kind == "all":
        return AllOf(all_of=tuple(children))
    if kind == "any":
        return AnyOf(any_of=tuple(children))
    n = draw(st.integers(1, len(children)))
    return AtLeast(at_least=n, of=tuple(children))


@st.composite
def dag_catalogues(
    draw: st.DrawFn,
    max_skills: int = 8,
    max_creds: int = 9,
    allow_cycles: bool = False,
    languages: tuple[str, ...] = (),
) -> Catalogue:
    """A random catalogue. Skill i may only require skills < i, so prerequisites are acyclic;
    requirements may point at any skill (so some credentials can be blocked) but only at
    credentials listed earlier unless ``allow_cycles``. With ``languages``, each credential is
    taught in one of them (drawn); without, every credential is in the model's default language."""
    n_skills = draw(st.integers(2, max_skills))
    sids = [f"s{i}" for i in range(n_skills)]
    skills = []
    for i, sid in enumerate(sids):
        prereqs = draw(st.lists(st.sampled_from(sids[:i]), max_size=2, unique=True)) if i else []
        skills.append(Skill(id=sid, label=f"Skill {i}", prerequisites=tuple(prereqs)))
    n_creds = draw(st.integers(1, max_creds))
    creds: list[Credential] = []
    for j in range(n_creds):
        cid = f"c{j}"
        teaches = draw(st.lists(st.sampled_from(sids), min_size=1, max_size=3, unique=True))
        pool = [c.id for c in creds] if not allow_cycles else [f"c{k}" for k in range(n_creds) if k != j]
        requires = None
        if draw(st.integers(0, 2)) == 0:
            requires = draw(conditions(sids, pool, depth=2))
        creds.append(
            Credential(
                id=cid,
                name=f"Credential {j}",
                provider=draw(st.sampled_from(["A", "B", "C"])),
                teaches=tuple(TaughtSkill(skill=s) for s in teaches),
                requires=requires,
                hours=float(draw(st.integers(1, 40))),
                cost=float(draw(st.integers(0, 500))),
                **({"language": draw(st.sampled_from(languages))} if languages else {}),
            )
        )
    return Catalogue(skills=tuple(skills), credentials=tuple(creds))


@st.composite
def stacked_catalogues(draw: st.DrawFn, max_skills: int = 6, max_creds: int = 6, max_stacks: int = 2) -> Catalogue:
    """A random DAG catalogue plus stacked credentials: each awarded for N of (or all of) earlier credentials,
    stacks included, some with a capstone (hours and cost of their own), a skill they teach or a requirement."""
    cat = draw(dag_catalogues(max_skills=max_skills, max_creds=max_creds))
    sids = [s.id for s in cat.skills]
    creds = list(cat.credentials)
    for k in range(draw(st.integers(1, max_stacks))):
        ids = [c.id for c in creds]
        parts = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=min(4, len(ids)), unique=True))
        leaves = tuple(CredentialCondition(credential=p) for p in parts)
        n = draw(st.integers(1, len(parts)))
        rule: Condition = AtLeast(at_least=n, of=leaves) if n < len(parts) else AllOf(all_of=leaves)
        capstone = draw(st.booleans())
        teaches = draw(st.lists(st.sampled_from(sids), max_size=1))
        requires = draw(st.sampled_from([None, *[SkillCondition(skill=s) for s in sids[:2]]]))
        creds.append(
            Credential(
                id=f"stack{k}",
                name=f"Stack {k}",
                provider="S",
                kind="certificate",
                teaches=tuple(TaughtSkill(skill=s) for s in teaches),
                requires=requires,
                awarded_for=rule,
                hours=float(draw(st.integers(1, 10))) if capstone else None,
                cost=float(draw(st.integers(0, 100))) if capstone else 0.0,
            )
        )
    return cat.model_copy(update={"credentials": tuple(creds)})
