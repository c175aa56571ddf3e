"""The drafts store: SQLite in the data dir by default, PostgreSQL when a URL names one; migrated on open."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from filelock import FileLock
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, selectinload

from graph.errors import ConfigError, RequestError
from recommender.drafts.tables import DraftRow, EventRow
from recommender.plan import Pathway
from recommender.profile import LearnerProfile
from recommender.users import Actor, Role

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x63726564  # "cred": the PostgreSQL advisory lock held while migrating


class DraftNotFoundError(RequestError):
    """No draft with this id is visible to the signed-in user."""


class HistoryEntry(BaseModel):
    """One change to a draft: who, what (an action name), when, and a readable detail."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    at: dt.datetime
    who: str
    what: str
    detail: str = ""


class Draft(BaseModel):
    """A learner's draft: profile, pathway (plan contract), pins, notes, history and the catalogue it was made on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    owner: str
    learner: str
    profile: LearnerProfile
    pathway: Pathway
    pins: tuple[str, ...] = ()
    notes: str = ""
    catalogue_fingerprint: str
    created_at: dt.datetime
    updated_at: dt.datetime
    history: tuple[HistoryEntry, ...] = ()


@dataclass(frozen=True)
class DraftSummary:
    """A row of a draft list: enough to pick one."""

    id: str
    owner: str
    learner: str
    steps: int
    valid: bool
    updated_at: dt.datetime


def database_url(url: str | None, data_dir: Path) -> str:
    """The SQLAlchemy URL: ``url`` (``postgresql://`` uses psycopg 3), else SQLite at data_dir/drafts.sqlite."""
    if not url:
        data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{data_dir / 'drafts.sqlite'}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back without their zone; they were stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


class DraftStore:
    """Drafts in one database, each owned by the advisor who made it; every method checks the actor."""

    def __init__(self, url: str) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise ConfigError(
                f"not a database URL: {exc}",
                where="CREDPATH_DATABASE_URL",
                fix="use postgresql://user:password@host:port/dbname, or unset it for SQLite in the data dir",
            ) from None
        self.url = parsed.render_as_string(hide_password=True)
        self.engine: Engine = create_engine(parsed, pool_pre_ping=True)
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.migrate()

    def migrate(self) -> None:
        """Bring the schema to the newest revision (Alembic, on the store's own connection)."""
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        database = self.engine.url.database
        if self.engine.dialect.name == "sqlite" and database and database != ":memory:":
            # SQLite runs DDL outside transactions: processes opening one file at once migrate one after another.
            with FileLock(f"{database}.migrate.lock", timeout=60):
                self._upgrade(cfg)
        else:
            self._upgrade(cfg)

    def _upgrade(self, cfg: Config) -> None:
        try:
            with self.engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    # Several app instances may start at once on one database: one migrates, the others wait.
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, "head")
        except OperationalError as exc:
            raise ConfigError(
                f"cannot open the drafts database {self.url}: {str(exc.orig).strip()}",
                where="CREDPATH_DATABASE_URL",
                fix="check that the server runs and the URL, user and password are right",
            ) from None

    def close(self) -> None:
        self.engine.dispose()

    # -- reading -----------------------------------------------------------------------------------

    def list(self, actor: Actor) -> list[DraftSummary]:
        """The drafts this user may open (an advisor's own; every draft for an admin), newest first."""
        actor.require(Role.advisor, Role.admin)
        query = select(DraftRow).order_by(DraftRow.updated_at.desc(), DraftRow.id)
        if actor.role != Role.admin:
            query = query.where(DraftRow.owner == actor.username)
        with Session(self.engine) as session:
            out = []
            for row in session.scalars(query):
                pathway = Pathway.model_validate_json(row.pathway)
                out.append(
                    DraftSummary(
                        row.id, row.owner, row.learner, len(pathway.steps), pathway.verification.valid, row.updated_at
                    )
                )
            return out

    def get(self, actor: Actor, draft_id: str) -> Draft:
        """One draft, if this user may open it (else DraftNotFoundError: another's draft is not revealed)."""
        actor.require(Role.advisor, Role.admin)
        with Session(self.engine) as session:
            row = self._row(session, actor, draft_id)
            return _to_draft(row)

    # -- writing -----------------------------------------------------------------------------------

    def create(
        self,
        actor: Actor,
        *,
        learner: str,
        profile: LearnerProfile,
        pathway: Pathway,
        fingerprint: str,
        pins: Sequence[str] = (),
        notes: str = "",
        detail: str = "",
    ) -> Draft:
        """A new draft owned by ``actor``, with its first history entry."""
        actor.require(Role.advisor, Role.admin)
        if not learner.strip():
            raise RequestError("a draft needs the learner's name", where="learner", fix="give a name or an id")
        now = _now()
        row = DraftRow(
            id=str(uuid.uuid4()),
            owner=actor.username,
            learner=learner.strip()[:200],
            profile=profile.model_dump_json(),
            pathway=pathway.model_dump_json(),
            pins=list(pins),
            notes=notes,
            catalogue_fingerprint=fingerprint,
            created_at=now,
            updated_at=now,
        )
        row.events.append(EventRow(at=now, who=actor.username, what="created", detail=detail))
        with Session(self.engine) as session, session.begin():
            session.add(row)
            session.flush()
            return _to_draft(row)

    def update(
        self,
        actor: Actor,
        draft_id: str,
        *,
        what: str,
        detail: str = "",
        profile: LearnerProfile | None = None,
        pathway: Pathway | None = None,
        pins: Sequence[str] | None = None,
        notes: str | None = None,
        fingerprint: str | None = None,
    ) -> Draft:
        """Change a draft and record who did ``what``, when."""
        actor.require(Role.advisor, Role.admin)
        with Session(self.engine) as session, session.begin():
            row = self._row(session, actor, draft_id)
            if profile is not None:
                row.profile = profile.model_dump_json()
            if pathway is not None:
                row.pathway = pathway.model_dump_json()
            if pins is not None:
                row.pins = list(pins)
            if notes is not None:
                row.notes = notes
            if fingerprint is not None:
                row.catalogue_fingerprint = fingerprint
            row.updated_at = _now()
            row.events.append(EventRow(at=row.updated_at, who=actor.username, what=what, detail=detail))
            session.flush()
            return _to_draft(row)

    def delete(self, actor: Actor, draft_id: str) -> None:
        actor.require(Role.advisor, Role.admin)
        with Session(self.engine) as session, session.begin():
            session.delete(self._row(session, actor, draft_id))

    def _row(self, session: Session, actor: Actor, draft_id: str) -> DraftRow:
        row = session.scalars(
            select(DraftRow).options(selectinload(DraftRow.events)).where(DraftRow.id == draft_id)
        ).one_or_none()
        if row is None or not actor.may_see(row.owner):
            raise DraftNotFoundError(
                f"no draft {draft_id!r} among the drafts you may open", where="draft", fix="pick one from your list"
            )
        return row


def _to_draft(row: DraftRow) -> Draft:
    return Draft(
        id=row.id,
        owner=row.owner,
        learner=row.learner,
        profile=LearnerProfile.model_validate_json(row.profile),
        pathway=Pathway.model_validate_json(row.pathway),
        pins=tuple(row.pins),
        notes=row.notes,
        catalogue_fingerprint=row.catalogue_fingerprint,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
        history=tuple(HistoryEntry(at=_aware(e.at), who=e.who, what=e.what, detail=e.detail) for e in row.events),
    )


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
