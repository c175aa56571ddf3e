"""`credpath serve` (the web app) and `credpath users` (who may sign in to it)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from graph.errors import ConfigError
from ingest.settings import Settings
from ui.cli.edge import edge
from ui.cli.options import catalogue_option, open_service, store_option
from ui.settings import ServerSettings

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command()
@catalogue_option
@store_option
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 7860).")
@click.option(
    "--auth-file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Users who may sign in (made with `credpath users add`). Without it the app is single-user.",
)
def serve(
    catalogue: tuple[str, ...], store: str | None, host: str | None, port: int | None, auth_file: str | None
) -> None:
    """Open the web app on a catalogue (default: the bundled one).

    Without --auth-file the app has one user and no sign-in: keep it on 127.0.0.1. Drafts are kept in
    CREDPATH_DATABASE_URL (PostgreSQL) or, by default, in SQLite in the data directory.
    """
    with edge():
        from recommender.users import AuthFile
        from ui.app import launch

        service = open_service(catalogue, store, Settings())
        server = ServerSettings()
        auth = None
        if auth_file:
            auth = AuthFile.load(Path(auth_file))
            if not auth.users:
                raise ConfigError(
                    "the auth file has no users", where=auth_file, fix="add one with `credpath users add NAME`"
                )
        bind = host or server.host
        if auth is None and bind not in LOOPBACK:
            click.echo(
                f"warning: serving on {bind} without --auth-file: anyone who can reach it can read and change "
                "every draft. Use --auth-file FILE, or keep --host 127.0.0.1.",
                err=True,
            )
        launch(service, host=bind, port=port or server.port, auth=auth)


@click.group()
def users() -> None:
    """Manage who may sign in to `credpath serve --auth-file FILE`."""


auth_file_option = click.option(
    "--auth-file", required=True, type=click.Path(dir_okay=False), metavar="FILE", help="The users file."
)


@users.command("add")
@click.argument("username")
@auth_file_option
@click.option("--role", type=click.Choice(["advisor", "provider", "admin"]), default="advisor", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def users_add(username: str, auth_file: str, role: str, password_stdin: bool) -> None:
    """Add a user (or give an existing one a new role and password); the password is stored as a scrypt hash.

    Exit codes: 0 added, 2 bad input.
    """
    with edge():
        from recommender.users import AuthFile, Role

        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        path = Path(auth_file)
        AuthFile.load(path).with_user(username, Role(role), password).save(path)
        click.echo(f"{username} ({role}) saved in {path}")


@users.command("list")
@auth_file_option
def users_list(auth_file: str) -> None:
    """List the users and their roles (never their password hashes)."""
    with edge():
        from recommender.users import AuthFile

        for user in AuthFile.load(Path(auth_file)).users:
            click.echo(f"{user.username}\t{user.role.value}")
