"""The one facade the CLI and the web app call: load a catalogue, plan, verify, validate, search."""

from __future__ import annotations

import datetime as dt
import gc
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.algorithms import Attainable, Gap, attainable, catalogue_gaps
from graph.errors import ConfigError, RequestError
from graph.model import Catalogue, Kind
from graph.skillgraph import SkillGraph
from graph.validate import Problem, validate
from ingest.formats import Override, Skipped
from ingest.settings import Settings
from recommender.assemble import verified_pathway
from recommender.gaps import GapReport, choose_occupations, choose_provider, gap_report
from recommender.goals import GoalLine, GoalResolver, apply_goal, resolve_lines
from recommender.plan import Goal, Pathway, Understood
from recommender.planners import DEFAULT_PLANNER, Planner, get_planner
from recommender.problem import prepare
from recommender.profile import LearnerProfile
from recommender.render import to_markdown
from recommender.settings import PlannerSettings
from recommender.verify import verify

if TYPE_CHECKING:
    from ingest.badges import BadgeResult
    from ingest.store import CatalogueIndex, SearchHit
    from recommender.batch import Outcome
    from recommender.drafts.store import DraftStore
    from recommender.drafts.workspace import Workspace


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cycle collector while a large report is built from a large catalogue.

    The report creates hundreds of thousands of small objects and no reference cycles; every collection
    would rescan the whole catalogue, which took two thirds of the time on ESCO-sized inputs.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
        planner_settings: PlannerSettings | None = None,
        overrides: Sequence[Override] = (),
        search_index: Path | None = None,
    ) -> None:
        self._catalogue = catalogue
        self._search_index = search_index
        self.source = source
        self.skipped = tuple(skipped)
        self.overrides = tuple(overrides)
        self.settings = settings or Settings()
        self.store = store
        self.planner_settings = planner_settings or PlannerSettings()

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
            [Path(p) for p in paths],
            progress=progress,
            esco_skill_relations=settings.esco_skill_relations,
            settings=settings,
        )
        return cls(
            result.catalogue,
            source=", ".join(str(p) for p in paths),
            skipped=result.skipped,
            settings=settings,
            overrides=result.overrides,
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
        return cls(
            bundled.load_default(),
            source="bundled default catalogue",
            settings=settings,
            search_index=bundled.default_search_path(),
        )

    # -- queries -----------------------------------------------------------------------------------

    @cached_property
    def catalogue(self) -> Catalogue:
        """The catalogue; a store's is read on first use, so a search never has to load it."""
        return self._catalogue if isinstance(self._catalogue, Catalogue) else self._catalogue()

    @cached_property
    def graph(self) -> SkillGraph:
        return SkillGraph(self.catalogue)

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the catalogue's canonical JSON: drafts are pinned to it."""
        from recommender.drafts.changes import fingerprint

        return fingerprint(self.catalogue)

    def workspace(self, store: DraftStore | None = None) -> Workspace:
        """The advisor workspace (drafts) over this catalogue: ``store`` or the configured drafts database."""
        from recommender.drafts.settings import DraftSettings
        from recommender.drafts.store import DraftStore, database_url
        from recommender.drafts.workspace import Workspace

        if store is None:
            store = DraftStore(database_url(DraftSettings().database_url, self.settings.data_dir))
        return Workspace(self, store)

    def validate(self) -> list[Problem]:
        """Every problem in the catalogue, with JSON pointers."""
        return validate(self.graph)

    def gaps(self) -> list[Gap]:
        """Skills that occupations need and no credential teaches."""
        return catalogue_gaps(self.graph)

    def gaps_report(
        self,
        occupations: Sequence[str] = (),
        *,
        area: str | None = None,
        provider: str | None = None,
        min_share: float = 0.5,
    ) -> GapReport:
        """The gap report for the named occupations and those in ``area`` (default: every occupation).

        Occupations are given by id, alternative id or exact label; ``area`` is an ISCO code prefix or
        words of occupation names; ``provider`` narrows the credentials in scope to one provider.
        """
        with paused_gc():
            g = self.graph
            chosen = choose_occupations(g, occupations, area)
            name = choose_provider(g, provider) if provider is not None else None
            return gap_report(g, chosen, provider=name, min_share=min_share, reach=self.attainable)

    @cached_property
    def attainable(self) -> Attainable:
        """Everything a learner holding nothing can reach in this catalogue (computed once)."""
        return attainable(self.graph)

    def options(self, kind: str) -> list[Option]:
        """Every skill, credential or occupation as (id, label), sorted by label, for pickers."""
        g, node = self.graph, Kind(kind)
        return sorted(
            (Option(i, g.label((node, i))) for i in g.entries(node)), key=lambda o: (o.label.casefold(), o.id)
        )

    def search(
        self, query: str, *, kind: str = "credential", k: int = 10, where: dict[str, Any] | None = None
    ) -> list[SearchHit]:
        """Search the ingested store by meaning; needs a service opened with ``from_store``.

        Raises RequestError for an empty query or a bound (``max_hours``, ``max_cost``) that is not a
        finite number of at least 0.
        """
        if not query.strip():
            raise RequestError("is empty", where="search query", fix="give a few words, a name or an id to search for")
        for key in ("max_hours", "max_cost"):
            bound = (where or {}).get(key)
            if bound is not None and not (math.isfinite(bound) and bound >= 0):
                raise RequestError(
                    f"must be a finite number of at least 0, not {bound}",
                    where=key,
                    fix=f"give a number such as 40, or leave {key} out for no bound",
                )
        if self.store is None:
            raise ConfigError(
                "search needs an ingested catalogue store",
                fix="run `credpath ingest FILE...` first, then search with --store",
            )
        return list(self.store.search(query, kind=kind, k=k, where=where))

    @cached_property
    def goals(self) -> GoalResolver:
        """The goal resolver over this catalogue: the bundled precomputed index, or one built here."""
        from ingest.search import CatalogueSearch, StaticEmbedder

        embedder = StaticEmbedder()
        search = None if self._search_index is None else CatalogueSearch.load(self._search_index, embedder.embed)
        if search is None or search.embedder != embedder.name:
            search = CatalogueSearch.build(self.catalogue, embedder.embed, embedder.name)
        return GoalResolver(self.catalogue, search)

    def goal_resolver(self) -> GoalResolver:
        """``goals`` with the configured language model reranking its candidates (only among the ids retrieval
        returned), or offline only when no model is configured. Decided per call, as the settings are."""
        from recommender.settings import LLMSettings

        if not LLMSettings().configured:  # the reranker's prompts cost ~130 ms to import: only with a model
            return self.goals.with_reranker(None)
        from recommender.llm.rerank import GoalReranker

        return self.goals.with_reranker(GoalReranker())

    def resolve_goal(self, text: str, *, k: int = 5) -> Goal:
        """A goal in plain words as ranked candidate occupations and skills (see recommender.goals); with a
        language model configured, it reranks the candidates retrieval found."""
        return self.goal_resolver().resolve(text, k=k)

    def resolve_goal_lines(self, raw: bytes, *, k: int = 5) -> Iterator[GoalLine]:
        """Every line of a goal file resolved in order; bad lines say why (see recommender.goals.resolve_lines)."""
        return resolve_lines(self.goal_resolver(), raw, k=k)

    def goal_profile(
        self,
        text: str,
        profile: LearnerProfile,
        *,
        assume_background: bool = False,
        assumed: Sequence[str] = (),
        k: int = 5,
    ) -> tuple[Goal, LearnerProfile]:
        """The goal resolved, and ``profile`` with its targets filled from it.

        The top occupation becomes the target unless the profile names one; skills the goal names are
        added. A pivot's background skills count as held only with ``assume_background`` (the learner
        confirmed them), or only those of them in ``assumed`` (the learner ticked them one by one): nothing
        is assumed silently.
        """
        goal = self.resolve_goal(text, k=k)
        return apply_goal(self.graph, goal, profile, assume_background=assume_background, assumed=assumed)

    def plan_goal(
        self,
        text: str,
        profile: LearnerProfile,
        *,
        assume_background: bool = False,
        assumed: Sequence[str] = (),
        **options: Any,
    ) -> Pathway:
        """Plan for a goal in plain words (:meth:`goal_profile`); the plan carries the resolved ``goal``."""
        goal, resolved = self.goal_profile(text, profile, assume_background=assume_background, assumed=assumed)
        return self.plan(resolved, **options).model_copy(update={"goal": goal})

    # -- planning ----------------------------------------------------------------------------------

    def plan(
        self,
        profile: LearnerProfile,
        *,
        alternatives: int = 0,
        time_limit: float | None = None,
        planner: str | Planner = DEFAULT_PLANNER,
        understood: Understood | None = None,
    ) -> Pathway:
        """Plan, order, explain and verify a pathway.

        With the LLM planner the plan also records what the model did (``llm``: rounds, repairs, tokens,
        the price of the preferences, a checked narrative) and ``understood``, how a free-text request
        was read (see ``understand``).

        A proposal that fails verification goes back to its planner with the verifier's findings, for
        up to ``planner_settings.planner_rounds`` proposals; if none passes (or the planner fails), the
        exact planner's plan is returned with a note saying so (``notes``, ``fallback``). Alternatives
        that fail verification are dropped with a note. Raises RequestError for malformed requests,
        InfeasiblePlanError when no target at all can be reached (with every reason), ConfigError for
        an unknown planner name, and PlanVerificationError only if the exact planner itself proposes
        something unsound (a bug): an unverified plan is never returned.
        """
        if time_limit is not None and not (math.isfinite(time_limit) and time_limit > 0):
            raise RequestError(
                f"time limit {time_limit!r} is not a positive number of seconds",
                field="time_limit",
                fix="give a time limit such as 20 (seconds), or leave it out for the default",
            )
        g = self.graph
        p = prepare(g, profile)
        asked = get_planner(planner, self.planner_settings) if isinstance(planner, str) else planner
        limit = time_limit if time_limit is not None else self.planner_settings.plan_time_limit
        rounds = self.planner_settings.planner_rounds
        return verified_pathway(
            g, p, asked, rounds=rounds, alternatives=alternatives, time_limit=limit, understood=understood
        )

    # -- badges the learner holds ------------------------------------------------------------------

    def inspect_badges(
        self,
        files: Sequence[Path],
        *,
        trust: Path | None = None,
        status: Sequence[str] = (),
        dids: Sequence[Path] = (),
        anchors: Sequence[Path] = (),
        now: dt.datetime | None = None,
    ) -> list[BadgeResult]:
        """Read and verify badge files offline, and map each badge onto this catalogue.

        One result per credential (a CLR gives several); a file that cannot be read gives one
        'unreadable' result and the others are still processed. ``status`` items are ``FILE`` or
        ``URL=FILE``. Raises ConfigError when a trust, status, DID or anchor file is unusable.
        """
        from ingest.badges import build_verifier

        verifier = build_verifier(
            trust=trust,
            status=status,
            dids=dids,
            anchors=anchors,
            max_bytes=int(self.settings.max_badge_mb * 2**20),
            now=now,
        )
        results = verifier.inspect([Path(f) for f in files])
        return [r.model_copy(update={"maps_to": self.badge_matcher.map(r.achievement)}) for r in results]

    @cached_property
    def badge_matcher(self) -> Any:
        from ingest.search import make_embedder
        from recommender.badges import BadgeMatcher

        return BadgeMatcher(self.catalogue, lambda: make_embedder(self.settings))

    def with_badges(
        self, profile: LearnerProfile, badges: Sequence[BadgeResult], *, accept_unverified: bool = False
    ) -> LearnerProfile:
        """The profile with what the counted badges prove added to what it holds."""
        from recommender.badges import held_ids

        extra = [i for i in held_ids(badges, accept_unverified=accept_unverified) if i not in profile.have]
        return profile.model_copy(update={"have": (*profile.have, *extra)})

    def badge_report(
        self, pathway: Pathway, badges: Sequence[BadgeResult], *, accept_unverified: bool = False
    ) -> Pathway:
        """The plan with its ``badges``: which badge counted and what it covered, or why it did not count."""
        from recommender.badges import held_badges

        found = held_badges(self.graph, pathway, badges, accept_unverified=accept_unverified)
        return pathway.model_copy(update={"badges": found})

    def plan_with_badges(
        self,
        profile: LearnerProfile,
        badges: Sequence[BadgeResult],
        *,
        accept_unverified: bool = False,
        **options: Any,
    ) -> Pathway:
        """Plan with what the counted badges prove added to the held items; the plan says which badge covered what.

        Only verified badges count (and unverifiable ones when ``accept_unverified``); expired,
        revoked, invalid and unreadable ones never do, and low-confidence mappings are proposals.
        ``options`` are :meth:`plan`'s.
        """
        held = self.with_badges(profile, badges, accept_unverified=accept_unverified)
        pathway = self.plan(held, **options)
        return self.badge_report(pathway, badges, accept_unverified=accept_unverified)

    def verify(self, pathway: Pathway) -> Any:
        """Verify any pathway (for example one an advisor edited) against this catalogue."""
        return verify(self.graph, pathway)

    def markdown(self, pathway: Pathway) -> str:
        return to_markdown(pathway, self.graph)

    # -- language model ------------------------------------------------------------------------------

    def language_model(self) -> str | None:
        """The configured chat model (``CREDPATH_LLM``, e.g. ``openai:gpt-4o-mini``), or None."""
        from recommender.settings import LLMSettings

        return LLMSettings().llm

    def understand(self, text: str, planner: Any = None) -> tuple[LearnerProfile, Understood, Any]:
        """Read a learner's free text into a profile with the language model, ids only from retrieval.

        Returns the profile, what was understood and dropped, and the LLM planner whose session (one
        deadline, one token tally) it used, for planning the same request. Raises ConfigError
        without a configured model and LLMError when the model fails.
        """
        from recommender.llm.planner import LLMPlanner
        from recommender.llm.understand import understand

        llm = planner if planner is not None else LLMPlanner()
        if not llm.configured:
            raise ConfigError(
                "reading a request in your own words needs a language model",
                where="CREDPATH_LLM",
                fix="set CREDPATH_LLM (e.g. openai:gpt-4o-mini, or with CREDPATH_LLM_BASE_URL any "
                "OpenAI-compatible server), or give the targets and limits as options",
            )
        store = self.store
        search = None
        if store is not None:

            def search(query: str, kind: Kind, k: int) -> list[str]:
                return [hit.id for hit in store.search(query, kind=kind, k=k)]

        profile, understood = understand(self.graph, text, llm.session(), search=search)
        return profile, understood, llm

    def batch(
        self,
        learners: Path,
        out: Path,
        *,
        workers: int | None = None,
        time_limit: float | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Outcome]:
        """Plan every learner of a CSV (in processes across the cores) into a ZIP of plans and summary.csv.

        A file that cannot be read raises CatalogueError; a bad row is reported in its outcome, never raised.
        """
        from recommender import batch

        rows = batch.read_rows(learners)
        outcomes = batch.plan_rows(self, rows, workers=workers, time_limit=time_limit, progress=progress)
        batch.write_zip(outcomes, out)
        return outcomes

    def export(self, pathway: Pathway, fmt: str) -> str:
        """The pathway in an export format: json, markdown, ctdl (CTDL Pathway JSON-LD) or html (printable)."""
        from recommender.export import export

        return export(pathway, self.graph, fmt)
