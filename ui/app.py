"""The credpath web app: the Gradio page over ``CredpathService``, and how ``credpath serve`` runs it."""

from __future__ import annotations

import os
from typing import Any

# Gradio reads this when it is imported; the app must never phone home.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr
from starlette.middleware import Middleware

from recommender.drafts.workspace import Workspace
from recommender.service import CredpathService
from recommender.users import AuthFile, Role
from ui import advisor, api, checkplan, choices, learner, provider, serving
from ui.markup import data_markdown

TITLE = "credpath"

MAX_FILE_MB = 2 * provider.MAX_UPLOAD_MB
"""Largest file the server takes in at all. Above the pages' own limits on purpose: a file a little too big
reaches its handler, which says so beside the field; only a far larger one gets Gradio's pop-up instead."""

CSS = """
.credpath-error {
  border: 1px solid #b91c1c;
  border-left-width: 6px;
  background: #fef2f2;
  color: #7f1d1d;
  border-radius: 6px;
  padding: 0.75rem 1rem;
}
.credpath-error p { margin: 0.25rem 0; }
.credpath-field-error { outline: 2px solid #b91c1c; border-radius: 6px; }
.credpath-field-error [data-testid="block-info"], .credpath-field-error .info { color: #b91c1c; }
#learner-output table { font-size: 0.9rem; }
#learner-output td, #learner-output th {
  vertical-align: top;
  word-break: normal;
  overflow-wrap: break-word;
}
/* A name with no break in it (catalogue text can be thousands of characters) wraps inside its cell. */
#learner-output td { overflow-wrap: anywhere; }
#advisor-view .advisor-flag {
  color: #7f1d1d; background: #fef2f2; border-left: 4px solid #b91c1c; padding: 0.2rem 0.4rem;
}
#advisor-view .advisor-invalid { color: #7f1d1d; font-weight: bold; }
#advisor-view .advisor-changes { background: #fffbeb; border-left: 4px solid #d97706; padding: 0.3rem 0.6rem; }
/* Steps table: keep step number, stage, hours, cost and weeks on one line. */
#learner-output tr > :is(:nth-child(1), :nth-child(2), :nth-child(5), :nth-child(6), :nth-child(9)) {
  white-space: nowrap;
}
"""


def theme() -> gr.Theme:
    """Gradio's default look, with only system and bundled fonts, so the page fetches nothing from outside."""
    return gr.themes.Default(
        primary_hue="teal",
        font=["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
    )


def build_app(
    service: CredpathService, *, auth: AuthFile | None = None, workspace: Workspace | None = None
) -> gr.Blocks:
    """The web app for one catalogue: a header naming the catalogue and the model, the learner, provider
    and advisor pages, and the API.

    The Advisor tab keeps drafts in ``workspace`` (default: the configured drafts database, opened on first build).
    """
    demo = gr.Blocks(title=TITLE, analytics_enabled=False)
    with demo:
        gr.Markdown(
            "# credpath\nPlan a provably valid micro-credential pathway from what you hold to what you want.",
            elem_id="credpath-title",
        )
        data_markdown(choices.catalogue_summary(service), elem_id="catalogue-summary")
        data_markdown(model_summary(service), elem_id="language-model")
        with gr.Tab("Learner", id="learner"):
            learner.render(service)
            checkplan.render(service)
        with gr.Tab("Provider", id="provider"):
            provider.render(service, None if auth is None else provider_guard(auth))
        with gr.Tab("Advisor", id="advisor"):
            advisor.render(workspace or service.workspace(), auth)
        api.register(service, guard=None if auth is None else provider_guard(auth))
    demo.queue(**serving.queue_options())
    return demo


def model_summary(service: CredpathService) -> str:
    """Which language model plans and explains, if any (its name is shown, never its key or address)."""
    model = service.language_model()
    if model is None:
        return "Planner: exact (no language model configured; set `CREDPATH_LLM` to add one)."
    return f"Language model: `{model.replace('`', '')}`; every plan it proposes is verified, and repaired if unsound."


def provider_guard(auth: AuthFile) -> provider.Guard:
    """With sign-in, the provider page's handlers serve providers and admins only."""

    def check(request: gr.Request) -> None:
        advisor.actor_for(auth, getattr(request, "username", None)).require(Role.provider, Role.admin)

    return check


def launch_options() -> dict[str, Any]:
    """The ``Blocks.launch`` keywords credpath always uses: look, and nothing shared or fetched remotely."""
    return {
        "theme": theme(),
        "css": CSS,
        "share": False,
        "ssr_mode": False,
        "mcp_server": False,
        "max_file_size": f"{MAX_FILE_MB}mb",
        "app_kwargs": {"middleware": [Middleware(serving.BodyLimit, **serving.body_limit_kwargs(MAX_FILE_MB))]},
    }


def launch(service: CredpathService, host: str, port: int, auth: AuthFile | None = None) -> None:
    """Serve the app on ``host:port`` until interrupted (what ``credpath serve`` runs); sign-in when ``auth``."""
    build_app(service, auth=auth).launch(server_name=host, server_port=port, **launch_options(), **auth_options(auth))


def auth_options(auth: AuthFile | None) -> dict[str, Any]:
    """The ``Blocks.launch`` keywords for sign-in against an auth file (none without one)."""
    if auth is None:
        return {}
    return {
        "auth": lambda username, password: auth.authenticate(username, password) is not None,
        "auth_message": "Sign in with the user name and password your credpath administrator gave you.",
    }
