"""Goals in plain words: free text to ranked occupations and skills, a career pivot's background, ambiguity."""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from graph.errors import RequestError
from graph.model import Catalogue, Kind
from graph.skillgraph import SkillGraph
from ingest.search import CatalogueSearch, SearchKind, normalise_label
from recommender.plan import Goal, GoalBackground, GoalCandidate
from recommender.profile import LearnerProfile

MAX_GOAL_CHARS = 1000
"""Longer text is not a goal but a document: the resolver asks for one or two sentences instead."""
AMBIGUITY_MARGIN = 0.04
"""Top two occupations closer than this (fused score) are flagged as ambiguous, unless the top one is an exact label."""
SKILL_FLOOR = 0.9
"""A skill phrase whose best skill scores below this names nothing in the catalogue."""
BACKGROUND_FLOOR = 0.7
"""A background whose best occupation scores below this is in no occupation of the catalogue (on the whole ESCO
map, real backgrounds score 0.9 and up; "nurse" against a catalogue of four data jobs scores 0.16)."""
KNOWN_SHARE = 0.6
"""Below this share of recognised content words (of two or more) the text is not read as English."""
RERANK_POOL = 10
"""With a reranker, each phrase retrieves at least this many occupations for it to choose among."""

_OPTIONAL_ARTICLE = r"(?:(?:an?|the|my)\s+)?"
_STOP_WORDS = """
a an the i i'm im am is are was were be been being to of in on at for from into as and or but with
my me we our you your it its this that these those want wants wanted would like love hope hoping
plan planning looking look trying try aim aiming become becoming work working job role career
position move moving switch switching transition transitioning get getting go going change changing
retrain retraining train training after before years year months month decades decade ten five two
three four six seven eight nine twenty currently now former ex learn learning study studying master
improve pick up skills skill some new field so then also just really very who which what how where
when do doing did done have has had can could should will shall may might must no not any all more
most about over under between through during without within teach teaching taught
"""
_STOP = frozenset(_STOP_WORDS.split())
_BACKGROUND = [
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"\bfrom\s+(?:being\s+)?{_OPTIONAL_ARTICLE}(?P<bg>.+?)\s+(?:to|into|towards)\s+(?P<goal>.+)$",
        rf"\bafter\s+(?:[\w-]+\s+)?(?:years?|months?|decades?)\s+(?:as|in)\s+{_OPTIONAL_ARTICLE}(?P<bg>.+?)(?=[,;.]|\s+i\b|\s+and\b|$)",
        r"\bi(?:'m|’m| am)\s+(?:currently\s+|now\s+|still\s+)?(?:an?|the)\s+(?P<bg>.+?)"
        r"(?=[,;.]|\s+(?:and|but|who|looking|wanting|hoping|trying)\b|$)",
        rf"\bi\s+(?:currently\s+)?work(?:ed)?\s+as\s+{_OPTIONAL_ARTICLE}(?P<bg>.+?)(?=[,;.]|\s+(?:and|but)\b|$)",
        rf"\bi(?:'ve|’ve| have)\s+been\s+{_OPTIONAL_ARTICLE}(?P<bg>.+?)(?=\s+for\b|[,;.]|\s+(?:and|but)\b|$)",
        r"\b(?:as|being)\s+(?:an?)\s+(?P<bg>[^,;.]+?)\s*,",
        r"\b(?:former\s+|ex-\s*|ex\s+)(?P<bg>.+?)(?=[,;.]|\s+(?:and|but|who|looking|wanting|hoping|trying)\b|$)",
        rf"^{_OPTIONAL_ARTICLE}(?P<bg>[^,;.]+?)\s+(?:looking|wanting|hoping|trying|who\s+wants|planning)\s+to\b",
    )
]
_TEACH = re.compile(r"\bi\s+(?:currently\s+)?teach\s+(?P<bg>.+?)(?=[,;.]|\s+(?:and|but)\b|$)", re.IGNORECASE)
_OCCUPATION_GOAL = re.compile(
    r"\b(?:become|be|work\s+as|working\s+as|move\s+into|move\s+to|switch\s+to|switch\s+into|transition\s+to|"
    r"transition\s+into|get\s+into|go\s+into|break\s+into|get\s+a\s+job\s+as|retrain\s+as|train\s+as|"
    r"change\s+to|pivot\s+to|moving\s+into|switching\s+to|work\s+in|career\s+in|job\s+in)\s+"
    r"(?P<goal>.+)$",
    re.IGNORECASE,
)
_SKILL_GOAL = re.compile(
    r"(?:^|(?<=\bto\s)|(?<=\band\s)|(?<=,\s)|(?<=\bi\s)|(?<=\bwant\s))"
    r"(?:learn|learning|study|studying|master|get\s+better\s+at|improve\s+(?:my\s+)?|pick\s+up|upskill\s+in|"
    r"skills?\s+in|know)\s+(?P<skills>.+?)(?=\s+(?:to|so|and\s+(?:become|move|get|work))\b|[.;]|$)",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"^(?:(?:an?|the|some|my|to|become|be)\s+|(?:a\s+)?(?:career|job|role|position|work)\s+(?:in|as)\s+"
    r"|the\s+field\s+of\s+)+"
    r"|\s+(?:role|job|position|career)$",
    re.IGNORECASE,
)
_GOALS_SPLIT = re.compile(r"\s*(?:;|,?\s+or\s+(?:an?\s+|as\s+)?|,\s*(?=(?:an?|the|become|be|work)\b))\s*", re.I)
_EXCEPT = re.compile(r",?\s*\b(?:except|excluding|other\s+than)\b[^,;]*", re.IGNORECASE)
_SKILLS_SPLIT = re.compile(r"\s*(?:,|;|&|/|\band\b|\bor\b|\bplus\b)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """How a goal text splits: the background phrase (if any), occupation phrases and skill phrases."""

    background: str | None
    occupations: tuple[str, ...]
    skills: tuple[str, ...]
    explicit: bool


@dataclass(frozen=True)
class Reranked:
    """A reranker's answer: candidate ids best first, and notes on how it came about (a failure, dropped ids)."""

    order: tuple[str, ...]
    notes: tuple[str, ...] = ()


class Reranker(Protocol):
    """Reorders a goal's retrieved candidates (a language model, say); it sees the goal text and the candidates."""

    def __call__(self, text: str, candidates: Sequence[GoalCandidate]) -> Reranked: ...


def check_text(text: str) -> str:
    """``text`` on one line; RequestError when it is empty, too long, or has no letters or digits.

    >>> check_text("  data   analyst ")
    'data analyst'
    """
    line = " ".join(text.split())
    if not line:
        raise RequestError("the goal is empty", field="goal", fix="say in a few words what you want to become")
    if len(line) > MAX_GOAL_CHARS:
        raise RequestError(
            f"the goal is {len(line):,} characters long; at most {MAX_GOAL_CHARS:,} are read",
            field="goal",
            fix="state the goal in one or two sentences, e.g. 'from teacher to data analyst'",
        )
    if not normalise_label(line):
        raise RequestError(
            f"the goal {line[:40]!r} has no words (only symbols, emoji or punctuation)",
            field="goal",
            fix="name an occupation or skills in words, e.g. 'become a nurse' or 'learn SQL'",
        )
    return line


def without_exceptions(phrase: str) -> str:
    """An occupation phrase without its "except" clauses, which name what it is not.

    Registers such as O*NET qualify a title by what it leaves out; searching those words would find
    exactly the occupations excluded.

    >>> without_exceptions("Geoscientists, Except Hydrologists and Geographers")
    'Geoscientists'
    >>> without_exceptions("Sales Representatives, Except Technical, Wholesale")
    'Sales Representatives, Wholesale'
    >>> without_exceptions("except")
    'except'
    """
    return _EXCEPT.sub("", phrase).strip(" ,;") or phrase


def _tidy(phrase: str) -> str:
    phrase = phrase.strip(" \t,;:.!?\"'“”")
    previous = None
    while previous != phrase:
        previous, phrase = phrase, _FILLER.sub("", phrase).strip(" ,;:.!?")
    return phrase


def read_goal(text: str) -> Reading:
    """Split a goal into the learner's background, the occupations wanted and the skills wanted.

    >>> read_goal("I'm a nurse and want to become a data analyst")
    Reading(background='nurse', occupations=('data analyst',), skills=(), explicit=True)
    >>> read_goal("learn Kubernetes and Terraform")
    Reading(background=None, occupations=(), skills=('Kubernetes', 'Terraform'), explicit=True)
    >>> read_goal("Electrical and Electronics Repairers, Commercial and Industrial Equipment").occupations
    ('Electrical and Electronics Repairers, Commercial and Industrial Equipment',)
    """
    background, rest = None, text
    teach = _TEACH.search(text)
    if teach:
        background = f"{_tidy(teach.group('bg'))} teacher"
        rest = text[: teach.start()] + " " + text[teach.end() :]
    else:
        for pattern in _BACKGROUND:
            found = pattern.search(text)
            if found and _tidy(found.group("bg")):
                background = _tidy(found.group("bg"))
                goal = found.groupdict().get("goal")
                rest = goal if goal else text[: found.start()] + " " + text[found.end() :]
                break
    skills: list[str] = []
    skill_goal = _SKILL_GOAL.search(rest)
    if skill_goal:
        skills = [_tidy(s) for s in _SKILLS_SPLIT.split(skill_goal.group("skills")) if _tidy(s)]
        rest = rest[: skill_goal.start()] + " " + rest[skill_goal.end() :]
    occupation_goal = _OCCUPATION_GOAL.search(rest) if (background or skills or _has_goal_verb(rest)) else None
    explicit = bool(background or skills or occupation_goal)
    if occupation_goal:
        phrases = [_tidy(p) for p in _GOALS_SPLIT.split(occupation_goal.group("goal"))]
    elif skills or background:
        phrases = [_tidy(rest)] if _content_words(rest) else []
    else:
        phrases = [_tidy(text)]
    return Reading(background, tuple(p for p in phrases if p), tuple(skills), explicit)


def _has_goal_verb(text: str) -> bool:
    return bool(re.search(r"\b(?:want|wants|like|hope|hoping|plan|aim|would|become|switch|move|retrain)\b", text, re.I))


def _content_words(text: str) -> list[str]:
    return [w for w in normalise_label(text).split() if w not in _STOP]


class GoalResolver:
    """Resolves goals in plain words against one catalogue's occupations and skills, offline, without a store."""

    def __init__(self, catalogue: Catalogue, search: CatalogueSearch, *, reranker: Reranker | None = None) -> None:
        self.catalogue = catalogue
        self.search = search
        self.reranker = reranker
        self._occupations = {o.id: o for o in catalogue.occupations}
        self._skills = {s.id: s for s in catalogue.skills}
        self._vocabulary = sorted(set().union(*(set(k.scorers.bm25.words) for k in search.kinds.values())))
        self._known = frozenset(self._vocabulary)

    def with_reranker(self, reranker: Reranker | None) -> GoalResolver:
        """This resolver with ``reranker`` (None: offline only), sharing its index and vocabulary."""
        twin = copy.copy(self)
        twin.reranker = reranker
        return twin

    def label(self, kind: SearchKind, ident: str) -> str:
        entry = self._occupations.get(ident) if kind == "occupation" else self._skills.get(ident)
        return entry.label if entry is not None else ident

    def resolve(self, text: str, k: int = 5) -> Goal:
        """The candidates for one goal text, best first; RequestError for text that names nothing."""
        line = check_text(text)
        reading = read_goal(line)
        if not reading.explicit:
            self._check_language(line)
        notes: list[str] = []
        background = self._background(reading.background, notes)
        excluded = {background.occupation} if background and background.occupation else set()
        candidates: list[GoalCandidate] = []
        skill_phrases = list(reading.skills)
        first_scores: list[float] = []
        first_exact = False
        pool = max(k, RERANK_POOL) if self.reranker else k
        for phrase in reading.occupations:
            found = self._ranked(phrase, "occupation", pool, excluded)
            exact_occupations = set(self.search.exact(phrase, "occupation"))
            if self.search.exact(phrase, "skill") and not exact_occupations:
                skill_phrases.append(phrase)
                if not reading.explicit:
                    continue
            if not first_scores:
                # The top reading's broader occupation scores close to it by design: no rival reading.
                above = self.search.kinds["occupation"].broader_of(found[0].id) if found else set()
                rivals = [c for c in found if c.id not in above]
                first_scores = [c.score for c in rivals]
                first_exact = (
                    bool(rivals)
                    and rivals[0].id in exact_occupations
                    and (len(rivals) < 2 or rivals[1].id not in exact_occupations)
                )
            candidates.extend(found)
        target_skills: list[str] = []
        for phrase in skill_phrases:
            found = self._ranked(phrase, "skill", min(k, 3), set())
            if not found or found[0].score < SKILL_FLOOR:
                notes.append(f"no skill in the catalogue matches {phrase!r} closely")
                continue
            target_skills.append(found[0].id)
            candidates.extend(found)
        ordered = _interleave(candidates)
        if self.reranker is not None and ordered:
            answer = self.reranker(line, tuple(ordered))
            ordered = _reordered(ordered, answer.order, k)
            notes.extend(answer.notes)
        occupations = [c for c in ordered if c.kind == "occupation"]
        close = len(first_scores) > 1 and first_scores[0] - first_scores[1] < AMBIGUITY_MARGIN
        ambiguous = close and not first_exact
        if ambiguous:
            notes.append(f"the top readings are close: {occupations[0].label!r} or {occupations[1].label!r}")
        return Goal(
            text=line,
            candidates=tuple(ordered),
            chosen=occupations[0].id if occupations else None,
            background=background,
            target_skills=tuple(dict.fromkeys(target_skills)),
            ambiguous=ambiguous,
            notes=tuple(notes),
        )

    def _ranked(self, phrase: str, kind: SearchKind, k: int, excluded: set[str]) -> list[GoalCandidate]:
        """The ``k`` best entries of ``kind`` for ``phrase``, leaving out ``excluded`` ids."""
        query = without_exceptions(phrase) if kind == "occupation" else phrase
        hits = self.search.search(query, kind, k + len(excluded))
        return [
            GoalCandidate(id=i, label=self.label(kind, i), kind=kind, score=round(s, 4), phrase=phrase)
            for i, s in hits
            if i not in excluded
        ][:k]

    def _background(self, phrase: str | None, notes: list[str]) -> GoalBackground | None:
        if not phrase:
            return None
        found = self._ranked(phrase, "occupation", 1, set())
        if not found or found[0].score < BACKGROUND_FLOOR:
            notes.append(f"the background {phrase!r} matches no occupation in this catalogue")
            return GoalBackground(phrase=phrase)
        occupation = self._occupations[found[0].id]
        return GoalBackground(
            phrase=phrase, occupation=occupation.id, label=occupation.label, likely_held=occupation.essential_skills
        )

    def _check_language(self, line: str) -> None:
        """RequestError when most content words are neither English words the catalogue uses nor close to one."""
        words = [w for w in _content_words(line) if len(w) > 2][:12]
        if len(words) < 2:
            return
        known = sum(self._recognised(w) for w in words)
        if known / len(words) < KNOWN_SHARE:
            raise RequestError(
                f"the goal {line[:60]!r} does not read as English: {len(words) - known} of its {len(words)} "
                "words match nothing in the catalogue's occupations and skills",
                field="goal",
                fix="credpath's occupation map is English (ESCO v1.1.1); write the goal in English",
            )

    def _recognised(self, word: str) -> bool:
        if word in self._known or word.isdigit():
            return True
        if word.endswith("s") and word[:-1] in self._known:
            return True
        if any(word[:i] in self._known and word[i:].removesuffix("s") in self._known for i in range(3, len(word) - 2)):
            return True
        return bool(difflib.get_close_matches(word, self._vocabulary, n=1, cutoff=0.8))


def _reordered(candidates: Sequence[GoalCandidate], order: Sequence[str], k: int) -> list[GoalCandidate]:
    """``candidates`` with those ``order`` names first, in its order (other ids ignored), then the rest as they
    were; at most ``k`` occupations per phrase."""
    by_id = {c.id: c for c in candidates}
    named = [by_id[i] for i in dict.fromkeys(order) if i in by_id]
    kept: list[GoalCandidate] = []
    per_phrase: dict[str, int] = {}
    for c in dict.fromkeys([*named, *candidates]):
        if c.kind == "occupation":
            per_phrase[c.phrase] = per_phrase.get(c.phrase, 0) + 1
            if per_phrase[c.phrase] > k:
                continue
        kept.append(c)
    return kept


def _interleave(candidates: Sequence[GoalCandidate]) -> list[GoalCandidate]:
    """Each phrase's best candidate first (in phrase order), then the rest by phrase; no id twice."""
    by_phrase: dict[tuple[str, str], list[GoalCandidate]] = {}
    for c in candidates:
        by_phrase.setdefault((c.phrase, c.kind), []).append(c)
    groups = list(by_phrase.values())
    out: dict[str, GoalCandidate] = {}
    for rank in range(max((len(g) for g in groups), default=0)):
        for group in groups:
            if rank < len(group):
                out.setdefault(group[rank].id, group[rank])
    return list(out.values())


class GoalLine(BaseModel):
    """One line of a goal file, resolved or with the reason it could not be: one JSON object per input line."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    line: int = Field(ge=1, description="1-based line number in the file.")
    text: str = ""
    goal: Goal | None = None
    error: str | None = Field(default=None, description="Why this line gave no goal (blank lines: 'blank line').")
    fix: str | None = None

    @property
    def failed(self) -> bool:
        """A line that had text but could not be resolved (blank lines are not failures)."""
        return self.error is not None and bool(self.text)


def resolve_lines(resolver: GoalResolver, raw: bytes, *, k: int = 5) -> Iterator[GoalLine]:
    """Each line of a goal file (UTF-8 bytes), in order; a line that fails says why and the others go on."""
    for number, chunk in enumerate(raw.splitlines(), start=1):
        try:
            text = chunk.decode("utf-8-sig" if number == 1 else "utf-8").strip()
        except UnicodeDecodeError as exc:
            yield GoalLine(
                line=number,
                text=chunk.decode("utf-8", errors="replace").strip() or "?",
                error=f"not UTF-8 text (byte {exc.start + 1} of the line)",
                fix="save the file as UTF-8",
            )
            continue
        if not text:
            yield GoalLine(line=number, error="blank line")
            continue
        try:
            yield GoalLine(line=number, text=text[:MAX_GOAL_CHARS], goal=resolver.resolve(text, k=k))
        except RequestError as exc:
            yield GoalLine(line=number, text=text[:MAX_GOAL_CHARS], error=exc.what, fix=exc.fix)


def apply_goal(
    g: SkillGraph,
    goal: Goal,
    profile: LearnerProfile,
    *,
    assume_background: bool = False,
    assumed: Sequence[str] = (),
) -> tuple[Goal, LearnerProfile]:
    """The resolved goal with what was chosen and assumed, and ``profile`` with its targets filled from it.

    The top occupation becomes the target unless the profile names one; skills the goal names are
    added. A pivot's background skills count as held only with ``assume_background`` (the learner
    confirmed them), or only those of them in ``assumed`` (the learner ticked them one by one): nothing
    is assumed silently.
    """
    t = profile.targets
    occupation = t.occupation or goal.chosen
    skills = tuple(dict.fromkeys((*t.skills, *goal.target_skills)))
    if occupation is None and not skills and not t.credentials:
        raise RequestError(
            f"the goal {goal.text[:60]!r} names no occupation or skill in the catalogue",
            field="goal",
            fix="name an occupation ('become a nurse') or skills ('learn SQL'), or give a target directly",
        )
    have = profile.have
    background = goal.background
    if background is not None and background.likely_held and (assume_background or assumed):
        ticked = background.likely_held if assume_background else tuple(dict.fromkeys(assumed))
        stray = [s for s in ticked if s not in background.likely_held]
        if stray:
            raise RequestError(
                f"{stray[0]!r} is not one of the background's likely-held skills",
                field="goal",
                fix="confirm only skills listed as likely held for this goal's background",
            )
        background = background.model_copy(update={"assumed": ticked})
        have = tuple(dict.fromkeys((*have, *ticked)))
    targets = t.model_copy(update={"occupation": occupation, "skills": skills})
    chosen = g.find(Kind.occupation, occupation) if occupation else None
    goal = goal.model_copy(update={"chosen": chosen or occupation, "background": background})
    return goal, profile.model_copy(update={"targets": targets, "have": have})
