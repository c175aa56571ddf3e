"""Seeded generator of large random catalogues with ESCO-sized skill graphs, and of planning requests on them.

The structure imitates real catalogues: skills fall into career areas (as ESCO skill groups do) and into
difficulty layers; a skill's prerequisites lie in lower layers of its own area, now and then of another
area, so the skill prerequisite graph is a DAG. Credentials teach one to four skills of one area from a
layer and the layer above, and may require skills and credentials strictly below the lowest layer they
teach, through all_of / any_of / at_least trees. Hours and cost trade off: intensive courses are short
and dear, self-paced ones long and cheap. Every skill is taught by some credential whenever there are
enough teaching slots, so most of the catalogue is reachable from nothing.

Examples
--------
>>> gen = generate_catalogue(40, seed=1)
>>> len(gen.catalogue.credentials), len(gen.catalogue.skills)
(40, 80)
>>> generate_catalogue(40, seed=1).catalogue == gen.catalogue
True
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from graph.model import (
    AllOf,
    AnyOf,
    AtLeast,
    Catalogue,
    Condition,
    Credential,
    CredentialCondition,
    CredentialKind,
    Delivery,
    Level,
    Occupation,
    Skill,
    SkillCondition,
    TaughtSkill,
)
from recommender.profile import Constraints, LearnerProfile, Objective, Targets

ESCO_SKILLS = 13_896
"""Skills in ESCO v1.1.1: the generated skill pool never grows beyond this size."""

_VERBS = ("apply", "analyse", "design", "operate", "manage", "model", "test", "maintain", "teach", "audit")
_NOUNS = (
    "data pipelines",
    "statistical models",
    "network security",
    "cloud infrastructure",
    "user research",
    "supply chains",
    "financial reports",
    "clinical records",
    "machine learning",
    "web accessibility",
    "project budgets",
    "energy systems",
)
_KINDS = (CredentialKind.badge, CredentialKind.course, CredentialKind.microcredential, CredentialKind.certificate)


@dataclass(frozen=True)
class GeneratedCatalogue:
    """A generated catalogue and the hidden structure it was drawn from (for picking sensible targets)."""

    catalogue: Catalogue
    layers: int
    layer: Mapping[str, int]
    """Skill id -> layer (0 = entry level)."""
    area: Mapping[str, int]
    """Skill id -> career area."""
    seed: int


def default_skill_count(credentials: int) -> int:
    """An ESCO-sized skill pool that scales with the catalogue: ``min(13 896, 2 x credentials)``."""
    return max(1, min(ESCO_SKILLS, 2 * credentials))


def _uri(rng: random.Random, kind: str) -> str:
    return f"http://data.europa.eu/esco/{kind}/{uuid.UUID(int=rng.getrandbits(128), version=4)}"


def generate_catalogue(
    credentials: int,
    *,
    seed: int = 0,
    skills: int | None = None,
    layers: int = 4,
    area_size: int = 300,
    providers: int | None = None,
) -> GeneratedCatalogue:
    """A random catalogue with ``credentials`` credentials, drawn deterministically from ``seed``.

    Parameters
    ----------
    credentials
        Number of credentials.
    seed
        Seed of the random generator; equal arguments give equal catalogues.
    skills
        Size of the skill pool; default ``default_skill_count(credentials)``.
    layers
        Difficulty layers of the skill prerequisite DAG.
    area_size
        Skills per career area (prerequisites and credentials mostly stay inside one area).
    providers
        Number of providers; default grows slowly with the catalogue (3 to 60).
    """
    if credentials < 1 or layers < 1:
        raise ValueError("credentials and layers must be at least 1")
    rng = random.Random(seed)
    n_skills = skills if skills is not None else default_skill_count(credentials)
    n_areas = max(1, round(n_skills / area_size))
    n_providers = providers if providers is not None else min(60, 3 + credentials // 2000)
    per_area = -(-n_skills // n_areas)

    skill_ids = [_uri(rng, "skill") for _ in range(n_skills)]
    area = {sid: i % n_areas for i, sid in enumerate(skill_ids)}
    layer = {sid: min(layers - 1, (i // n_areas) * layers // per_area) for i, sid in enumerate(skill_ids)}
    cell: dict[tuple[int, int], list[str]] = defaultdict(list)
    for sid in skill_ids:
        cell[(area[sid], layer[sid])].append(sid)

    prereqs = {sid: _skill_prerequisites(rng, sid, area, layer, cell, n_areas) for sid in skill_ids}
    labels = {sid: f"{rng.choice(_VERBS)} {rng.choice(_NOUNS)} {layer[sid] + 1}.{area[sid]}" for sid in skill_ids}
    skill_models = [Skill(id=sid, label=labels[sid], prerequisites=pre) for sid, pre in prereqs.items()]

    uncovered_queue = skill_ids[:]
    rng.shuffle(uncovered_queue)
    uncovered = set(skill_ids)
    uncovered_in: dict[tuple[int, int], list[str]] = {k: [s for s in v if s in uncovered] for k, v in cell.items()}
    for v in uncovered_in.values():
        rng.shuffle(v)
    creds_below: dict[tuple[int, int], list[str]] = defaultdict(list)
    provider_names = [f"Provider {k:02d}" for k in range(n_providers)]
    cred_models = []
    for j in range(credentials):
        anchor = _next_uncovered(uncovered_queue, uncovered) or rng.choice(skill_ids)
        a, base = area[anchor], layer[anchor]
        taught = [anchor]
        # Small catalogues teach more skills per credential, so that every skill is taught somewhere.
        share = -(-len(uncovered) // (credentials - j))
        for _ in range(max(rng.choice((0, 0, 1, 1, 2, 3)), min(3, share - 1))):
            lay = base + 1 if base + 1 < layers and rng.random() < 0.4 else base
            pick = _next_uncovered(uncovered_in.get((a, lay)), uncovered) or rng.choice(cell.get((a, lay)) or [anchor])
            # A skill of the layer above joins only if its prerequisites lie below ``base`` (or come with
            # it): then everything a credential needs sits strictly below the lowest layer it teaches.
            if lay > base and not all(layer[q] < base or q in taught for q in prereqs[pick]):
                continue
            if pick not in taught:
                taught.append(pick)
        uncovered.difference_update(taught)
        cid = f"urn:credpath:bench:credential:{j:06d}"
        cred_models.append(_credential(rng, cid, taught, a, base, layer, cell, creds_below, provider_names))
        creds_below[(a, max(layer[s] for s in taught))].append(cid)

    occupations = _occupations(rng, skill_ids, area, layer, cell, n_areas, layers)
    catalogue = Catalogue(
        name=f"generated ({credentials} credentials, {n_skills} skills, seed {seed})",
        description="Random catalogue for benchmarks and property tests; see bench/catalogue_gen.py.",
        skills=tuple(skill_models),
        credentials=tuple(cred_models),
        occupations=tuple(occupations),
    )
    return GeneratedCatalogue(catalogue, layers, layer, area, seed)


def _next_uncovered(pool: list[str] | None, uncovered: set[str]) -> str | None:
    """Pop the next still-untaught skill from ``pool`` (dropping ones taught meanwhile), or None."""
    while pool:
        sid = pool.pop()
        if sid in uncovered:
            return sid
    return None


def _skill_prerequisites(
    rng: random.Random,
    sid: str,
    area: Mapping[str, int],
    layer: Mapping[str, int],
    cell: Mapping[tuple[int, int], list[str]],
    n_areas: int,
) -> tuple[str, ...]:
    """None, one or two prerequisites from the layer or two below, mostly in the same area."""
    lay = layer[sid]
    if lay == 0 or rng.random() < 0.5:
        return ()
    out: dict[str, None] = {}
    for _ in range(rng.choices((1, 2), weights=(70, 30))[0]):
        below = max(0, lay - (1 if rng.random() < 0.7 else 2))
        a = area[sid] if rng.random() < 0.95 or n_areas == 1 else rng.randrange(n_areas)
        pool = cell.get((a, below))
        if pool:
            out[rng.choice(pool)] = None
    return tuple(out)


def _credential(
    rng: random.Random,
    cid: str,
    taught: list[str],
    a: int,
    base: int,
    layer: Mapping[str, int],
    cell: Mapping[tuple[int, int], list[str]],
    creds_below: Mapping[tuple[int, int], list[str]],
    providers: Sequence[str],
) -> Credential:
    """One credential teaching ``taught``; hours and cost trade off through its intensity."""
    size = len(taught)
    intensity = rng.random()
    hours = min(200.0, max(5.0, round(size * (55 - 45 * intensity) * rng.lognormvariate(0, 0.35))))
    cost = 0.0 if rng.random() < 0.05 else min(2000.0, round(size * 500 * intensity * rng.lognormvariate(0, 0.35), -1))
    top = max(layer[s] for s in taught)
    level = Level.beginner if top <= 1 else Level.intermediate if top <= 4 else Level.advanced
    return Credential(
        id=cid,
        name=f"{rng.choice(_VERBS).title()} {rng.choice(_NOUNS)} ({cid[-6:]})",
        provider=rng.choice(providers),
        kind=rng.choice(_KINDS),
        teaches=tuple(TaughtSkill(skill=s) for s in taught),
        requires=_requirement(rng, a, base, cell, creds_below),
        hours=hours,
        credits=round(hours / 30, 1) if rng.random() < 0.3 else None,
        cost=cost,
        level=level,
        delivery=rng.choice(tuple(Delivery)),
        areas=(f"area-{a:03d}",),
    )


def _requirement(
    rng: random.Random,
    a: int,
    base: int,
    cell: Mapping[tuple[int, int], list[str]],
    creds_below: Mapping[tuple[int, int], list[str]],
) -> Condition | None:
    """A requirement tree over skills and credentials strictly below ``base``, so no cycles can form."""
    if base == 0 or rng.random() < 0.55:
        return None

    def leaf() -> Condition:
        lay = max(0, base - (1 if rng.random() < 0.75 else 2))
        creds = creds_below.get((a, lay))
        if creds and rng.random() < 0.2:
            return CredentialCondition(credential=rng.choice(creds))
        while lay > 0 and not cell.get((a, lay)):
            lay -= 1
        return SkillCondition(skill=rng.choice(cell[(a, lay)]))

    def distinct(n: int) -> tuple[Condition, ...]:
        return tuple(dict.fromkeys(leaf() for _ in range(n)))

    shape = rng.random()
    if shape < 0.30:
        return leaf()
    if shape < 0.50:
        return AllOf(all_of=distinct(2))
    if shape < 0.75:
        return AnyOf(any_of=distinct(rng.choice((2, 3))))
    if shape < 0.90:
        of = distinct(rng.choice((3, 4)))
        return AtLeast(at_least=min(2, len(of)), of=of)
    return AllOf(all_of=(leaf(), AnyOf(any_of=distinct(2))))


def _occupations(
    rng: random.Random,
    skill_ids: Sequence[str],
    area: Mapping[str, int],
    layer: Mapping[str, int],
    cell: Mapping[tuple[int, int], list[str]],
    n_areas: int,
    layers: int,
) -> list[Occupation]:
    """About one occupation per five skills (ESCO's ratio), each with 15-30 essential skills."""
    by_area: dict[int, list[str]] = defaultdict(list)
    for sid in skill_ids:
        by_area[area[sid]].append(sid)
    out = []
    for k in range(max(1, len(skill_ids) // 5)):
        home = rng.randrange(n_areas)
        second = rng.randrange(n_areas)
        pool = by_area[home] + [s for s in by_area[second] if rng.random() < 0.2]
        upper = [s for s in pool if layer[s] >= layers // 2] or pool
        essential = rng.sample(upper, min(len(upper), rng.randint(15, 30)))
        rest = [s for s in pool if s not in set(essential)]
        optional = rng.sample(rest, min(len(rest), rng.randint(5, 15)))
        out.append(
            Occupation(
                id=_uri(rng, "occupation"),
                label=f"{rng.choice(_NOUNS)} specialist {k}",
                essential_skills=tuple(essential),
                optional_skills=tuple(optional),
            )
        )
    return out


def sample_requests(
    gen: GeneratedCatalogue, count: int, *, seed: int = 0, reachable: Collection[str] | None = None
) -> list[LearnerProfile]:
    """``count`` planning requests, half aiming at an occupation and half at 10-30 upper-layer skills.

    Each learner already holds a few entry-level skills of the area they aim at; objectives alternate
    between hours and cost. ``reachable`` (skill ids) restricts explicit target skills to ones some
    valid pathway can reach; occupations may still list unreachable skills, which the plan reports.
    """
    cat = gen.catalogue
    ok = set(reachable) if reachable is not None else set(gen.layer)
    upper: dict[int, list[str]] = defaultdict(list)
    lower: dict[int, list[str]] = defaultdict(list)
    for sid in gen.layer:
        if gen.layer[sid] >= gen.layers // 2 and sid in ok:
            upper[gen.area[sid]].append(sid)
        elif gen.layer[sid] <= 1:
            lower[gen.area[sid]].append(sid)
    areas = sorted(a for a in upper if len(upper[a]) >= 10) or sorted(upper)
    out = []
    for i in range(count):
        rng = random.Random(seed * 1_000_003 + i)
        objective = Objective.hours if i % 2 == 0 else Objective.cost
        if i % 4 in (1, 2) and cat.occupations:
            occ = rng.choice(cat.occupations)
            home = gen.area[occ.essential_skills[0]] if occ.essential_skills else 0
            targets = Targets(occupation=occ.id)
        else:
            home = rng.choice(areas)
            pool = upper[home] + [s for a in rng.sample(areas, min(2, len(areas))) for s in upper[a] if a != home]
            targets = Targets(skills=tuple(rng.sample(pool, min(len(pool), rng.randint(10, 30)))))
        background = lower.get(home, [])
        have = tuple(rng.sample(background, min(len(background), rng.randint(3, 12))))
        out.append(LearnerProfile(targets=targets, have=have, constraints=Constraints(), objective=objective))
    return out
