"""The one facade the CLI and the web app call: load a catalogue, plan, verify, validate, search."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.algorithms import Gap, catalogue_gaps
from graph.errors import InfeasiblePlanError, PlanVerificationError
from graph.model import Catalogue, Kind
from graph.skillgraph import SkillGraph
from graph.validate import Problem, validate
from ingest.formats import Skipped
from ingest.settings import Settings
from recommender.build import PENDING, build_steps, covered_targets, explanation, objective_value, totals
from recommender.plan import Alternative, Pathway
from recommender.planners import PLANNERS, Planner
from recommender.problem import prepare
from recommender.profile import LearnerProfile
from recommender.render import to_markdown
from recommender.verify import verify, verify_steps

if TYPE_CHECKING:
    from ingest.store import CatalogueIndex, SearchHit


@dataclass(frozen=True)
class Option:
    """One choosable entry for pickers in the UI: its id and a readable label."""

    id: str
    label: str


class CredpathService:
    """Plans pathways over one catalogue. Every plan leaving here has passed the verifier."""

    def __init__(
        self,
        catalogue: Catalogue | Callable[[], Catalogue],
        *,
        source: str = "",
        skipped: Sequence[Skipped] = (),
        settings: Settings | None = None,
        store: CatalogueIndex | None = None,
    ) -> None:
        self._catalogue = catalogue
        self.source = source
        self.skipped = tuple(skipped)
        self.settings = settings or Settings()
        self.store = store

    # -- construction ------------------------------------------------------------------------------

    @classmethod
    def from_paths(
        cls,
        paths: Sequence[Path],
        *,
        settings: Settings | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> CredpathService:
        """Load catalogue files in any supported format (detected from content) and merge them."""
        from ingest.formats import load_sources

        settings = settings or Settings()
        result = load_sources(
            [Path(p) for p in paths], progress=progress, esco_skill_relations=settings.esco_skill_relations
        )
        return cls(
            result.catalogue,
            source=", ".join(str(p) for p in paths),
            skipped=result.skipped,
            settings=settings,
        )

    @classmethod
    def from_store(
        cls, store: Path | None = None, *, url: str | None = None, settings: Settings | None = None
    ) -> CredpathService:
        """Open an ingested catalogue store (a directory, or a Chroma server URL)."""
        from ingest.store import open_store

        settings = settings or Settings()
        opened = open_store(settings, path=store, url=url)
        return cls(
            opened.catalogue,
            source=str(url or store or settings.store_dir),
            settings=settings,
            store=opened,
        )

    @classmethod
    def bundled(cls, *, example: bool = False, settings: Settings | None = None) -> CredpathService:
        """The catalogue that ships with credpath: the default one, or the small example."""
        from ingest import data as bundled

        if example:
            path = bundled.example_catalogue_path()
            return cls.from_paths([path], settings=settings)
        return cls(bundled.load_default(), source="bundled default catalogue", settings=settings)

    # -- queries -----------------------------------------------------------------------------------

    @cached_property
    def catalogue(self) -> Catalogue:
        """The catalogue; a store's is read on first use, so a search never has to load it."""
        return self._catalogue if isinstance(self._catalogue, Catalogue) else self._catalogue()

    @cached_property
    def graph(self) -> SkillGraph:
        return SkillGraph(self.catalogue)

    def validate(self) -> list[Problem]:
        """Every problem in the catalogue, with JSON pointers."""
        return validate(self.graph)

    def gaps(self) -> list[Gap]:
        """Skills that occupations need and no credential teaches."""
        return catalogue_gaps(self.graph)

    def options(self, kind: str) -> list[Option]:
        """Every skill, credential or occupation as (id, label), sorted by label, for pickers."""
        g, node = self.graph, Kind(kind)
        return sorted(
            (Option(i, g.label((node, i))) for i in g.entries(node)), key=lambda o: (o.label.casefold(), o.id)
        )

    def search(
        self, query: str, *, kind: str = "credential", k: int = 10, where: dict[str, Any] | None = None
    ) -> list[SearchHit]:
        """Search the ingested store by meaning; needs a service opened with ``from_store``."""
        if self.store is None:
            from graph.errors import ConfigError

            raise ConfigError(
                "search needs an ingested catalogue store",
                fix="run `credpath ingest FILE...` first, then search with --store",
            )
        return list(self.store.search(query, kind=kind, k=k, where=where))

    # -- planning ----------------------------------------------------------------------------------

    def plan(
        self,
        profile: LearnerProfile,
        *,
        alternatives: int = 0,
        time_limit: float | None = None,
        planner: str | Planner = "exact",
    ) -> Pathway:
        """Plan, order, explain and verify a pathway.

        Raises RequestError for malformed requests, InfeasiblePlanError when no target at all can
        be reached (with every reason), and PlanVerificationError if a planner proposed something
        unsound: such a plan is never returned.
        """
        g = self.graph
        p = prepare(g, profile)
        chosen_planner = PLANNERS[planner]() if isinstance(planner, str) else planner
        limit = time_limit if time_limit is not None else self.settings.plan_time_limit
        proposal = chosen_planner.propose(p, alternatives=alternatives, time_limit=limit)
        steps = build_steps(p, proposal.chosen)
        uncovered = tuple(p.uncovered) + proposal.uncovered
        covered = covered_targets(p, steps)
        if not covered and uncovered:
            raise InfeasiblePlanError(
                "nothing can be planned: " + "; ".join(f"{g.label((u.kind, u.target))}: {u.detail}" for u in uncovered),
                unmet=[u.target for u in uncovered],
                fix="relax the constraints, add held items with --have, or choose other targets",
            )
        hours, cost, weeks = totals(p, steps)
        alternatives_out = []
        for alt in proposal.alternatives:
            alt_steps = build_steps(p, alt)
            a_hours, a_cost, _ = totals(p, alt_steps)
            check = verify_steps(g, p.profile, alt_steps, total_hours=a_hours, total_cost=a_cost)
            if not check.valid:
                raise PlanVerificationError("an alternative plan failed verification", problems=check.problems)
            alternatives_out.append(
                Alternative(
                    steps=alt_steps,
                    total_hours=a_hours,
                    total_cost=a_cost,
                    objective_value=objective_value(p, alt_steps),
                    added=tuple(sorted(alt - proposal.chosen)),
                    removed=tuple(sorted(proposal.chosen - alt)),
                    verification=check,
                )
            )
        currencies = {s.currency for s in steps}
        draft = Pathway(
            request=p.profile,
            steps=steps,
            covered=covered,
            already_held=tuple(t.id for t in p.already_held),
            uncovered=uncovered,
            total_hours=hours,
            total_cost=cost,
            currency=currencies.pop() if len(currencies) == 1 else "USD",
            total_weeks=weeks,
            optimal=proposal.quality.optimal,
            quality=proposal.quality,
            alternatives=tuple(alternatives_out),
            verification=PENDING,
            planner=chosen_planner.name,
            explanation=explanation(p, steps, proposal.quality, uncovered),
        )
        check = verify(g, draft)
        if not check.valid:
            raise PlanVerificationError(
                f"the {chosen_planner.name} planner proposed an unsound plan", problems=check.problems
            )
        return draft.model_copy(update={"verification": check})

    def verify(self, pathway: Pathway) -> Any:
        """Verify any pathway (for example one an advisor edited) against this catalogue."""
        return verify(self.graph, pathway)

    def markdown(self, pathway: Pathway) -> str:
        return to_markdown(pathway, self.graph)
