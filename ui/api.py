"""The app's API: one typed function per action, each served as a named endpoint that ``gradio_client`` calls.

An endpoint is a plain function whose first parameter is the ``CredpathService`` and whose other parameters
and result are JSON values (the JSON contracts of ``credpath schema``); Gradio types the endpoint from its
annotations. Adding one is one line in ``ENDPOINTS``: ``Endpoint("resolve_goal", resolve_goal)``.
"""

import functools
import inspect
import json
import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.events import api as gradio_api
from pydantic import ValidationError

from graph.errors import CredpathError, RequestError
from ingest.badges import BadgeResult
from recommender.plan import read_plan
from recommender.profile import LearnerProfile
from recommender.service import CredpathService
from ui import serving

# No ``from __future__ import annotations`` here: Gradio reads these signatures at run time to type the API.

log = logging.getLogger(__name__)

MAX_ALTERNATIVES = 5


def plan(
    service: CredpathService,
    profile: dict[str, Any],
    alternatives: int = 0,
    badges: list[str] | None = None,
    accept_unverified: bool = False,
) -> dict[str, Any]:
    """Plan a verified pathway for a learner profile (`credpath schema profile`); returns the plan JSON.

    ``badges`` are badges the learner holds (each a badge's text, as ``inspect_badges`` takes them): what a
    verified one proves counts as held (an unverifiable one too with ``accept_unverified``).
    """
    if not 0 <= alternatives <= MAX_ALTERNATIVES:
        raise RequestError(
            f"alternatives must be from 0 to {MAX_ALTERNATIVES}, not {alternatives}",
            field="alternatives",
            fix=f"ask for at most {MAX_ALTERNATIVES} alternative plans",
        )
    learner = LearnerProfile.model_validate(profile)
    held = _inspect(service, badges or [])
    learner = service.with_badges(learner, held, accept_unverified=accept_unverified)
    pathway = service.plan(learner, alternatives=alternatives)
    if held:
        pathway = service.badge_report(pathway, held, accept_unverified=accept_unverified)
    return pathway.model_dump(mode="json")


def verify(service: CredpathService, plan: dict[str, Any]) -> dict[str, Any]:
    """Verify a plan JSON (`credpath schema plan`) against the app's catalogue; returns the verdict."""
    verdict = service.verify(read_plan(json.dumps(plan), where="plan"))
    return dict(verdict.model_dump(mode="json"))


def gaps(
    service: CredpathService,
    occupations: list[str] | None = None,
    area: str = "",
    provider: str = "",
    min_share: float = 0.5,
) -> dict[str, Any]:
    """The gap report of the app's catalogue (`credpath schema gaps`), as `credpath gaps --format json` gives it."""
    report = service.gaps_report(
        tuple(occupations or ()), area=area.strip() or None, provider=provider or None, min_share=min_share
    )
    return report.model_dump(mode="json")


def resolve_goal(service: CredpathService, text: str, k: int = 5) -> dict[str, Any]:
    """A goal in plain words as ranked candidate occupations and skills, a pivot's background, and ambiguity
    (with a language model configured, it reranks the candidates retrieval found)."""
    if not 1 <= k <= 50:
        raise RequestError(f"k must be from 1 to 50, not {k}", field="k", fix="ask for 1 to 50 candidates")
    return dict(service.resolve_goal(text, k=k).model_dump(mode="json"))


def inspect_badges(service: CredpathService, badges: list[str]) -> list[dict[str, Any]]:
    """Verify badges offline (each a badge's text: OB JSON, a VC-JWT or a URL) and map them onto the catalogue."""
    return [r.model_dump(mode="json") for r in _inspect(service, badges)]


MAX_BADGES = 50


def _inspect(service: CredpathService, badges: Sequence[str]) -> list[BadgeResult]:
    """Badge texts verified offline and mapped; each result's ``source`` is ``badges/<index>`` (plus a CLR pointer)."""
    if len(badges) > MAX_BADGES:
        raise RequestError(
            f"{len(badges)} badges were given; one call takes up to {MAX_BADGES}",
            field="badges",
            fix="send the badges in several calls, or a wallet's CLR export that holds them all",
        )
    if not badges:
        return []
    with tempfile.TemporaryDirectory(prefix="credpath-badges-") as folder:
        files = []
        for i, text in enumerate(badges):
            path = Path(folder) / f"badge-{i + 1}"
            path.write_text(text, encoding="utf-8")
            files.append(path)
        results = service.inspect_badges(files)
    renamed = []
    for r in results:
        for i, path in enumerate(files):
            if r.source == str(path) or r.source.startswith(f"{path}#"):
                renamed.append(r.model_copy(update={"source": f"badges/{i}" + r.source[len(str(path)) :]}))
                break
    return renamed


@dataclass(frozen=True)
class Endpoint:
    """One API endpoint: its name (``/name`` for ``gradio_client``), its function, and its concurrency pool."""

    name: str
    fn: Callable[..., Any]
    pool: str = serving.SOLVE_POOL
    gated: bool = False
    """With sign-in, only the users the app's guard admits may call it (the provider workspace's report)."""
    asks_model: bool = False
    """It waits on the language model when one is configured: then it runs in the LLM pool instead of ``pool``."""


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("plan", plan),
    Endpoint("verify", verify),
    Endpoint("gaps", gaps, gated=True),
    Endpoint("resolve_goal", resolve_goal, asks_model=True),
    Endpoint("inspect_badges", inspect_badges),
)


def validation_text(exc: ValidationError) -> str:
    """A rejected JSON value: each problem at its JSON pointer, then what to do."""
    problems = [f"/{'/'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:20]]
    return "invalid request: " + "; ".join(problems) + "\nFix: see `credpath schema` for the JSON each endpoint takes."


def served(
    service: CredpathService, fn: Callable[..., Any], guard: Callable[[gr.Request], None] | None = None
) -> Callable[..., Any]:
    """``fn`` with the service bound and every failure turned into a ``gr.Error`` the client shows as it is.

    With ``guard``, the call first asks it whether the signed-in user may make it (Gradio passes the request in a
    ``gr.Request`` parameter it leaves out of the API): a hidden tab is not access control.
    """
    signature = inspect.signature(fn, eval_str=True)

    def run(args: tuple[Any, ...], kwargs: dict[str, Any], request: gr.Request | None) -> Any:
        try:
            if guard is not None:
                guard(request)  # type: ignore[arg-type]
            return fn(service, *args, **kwargs)
        except CredpathError as exc:
            raise gr.Error(exc.message, print_exception=False) from None
        except ValidationError as exc:
            raise gr.Error(validation_text(exc), print_exception=False) from None
        except Exception as exc:
            log.exception("API call %s failed unexpectedly", fn.__name__)
            raise gr.Error(
                f"credpath failed unexpectedly ({type(exc).__name__}: {exc}).\n"
                "Fix: this is a bug in credpath; please report it with the request you sent.",
                print_exception=False,
            ) from None

    parameters = list(signature.parameters.values())[1:]
    annotations = {p.name: p.annotation for p in parameters} | {"return": signature.return_annotation}
    if guard is None:

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            return run(args, kwargs, None)

    else:

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            if "request" in kwargs:
                return run(args, kwargs, kwargs.pop("request"))
            return run(args[:-1], kwargs, args[-1])

        parameters.append(
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=gr.Request)
        )
        annotations["request"] = gr.Request
    call.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    call.__annotations__ = annotations
    return call


def register(
    service: CredpathService,
    endpoints: Sequence[Endpoint] = ENDPOINTS,
    *,
    guard: Callable[[gr.Request], None] | None = None,
) -> None:
    """Serve each endpoint inside the current ``gr.Blocks``, in its concurrency pool; ``guard`` gates the gated ones."""
    with_model = service.language_model() is not None
    for endpoint in endpoints:
        description = (inspect.getdoc(endpoint.fn) or "").splitlines()[0]
        gradio_api(
            served(service, endpoint.fn, guard if endpoint.gated else None),
            api_name=endpoint.name,
            api_description=description,
            **serving.pool(serving.LLM_POOL if endpoint.asks_model and with_model else endpoint.pool),
        )
