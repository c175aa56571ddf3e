"""The SQLAlchemy tables drafts live in (the Alembic migrations create exactly these)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of the drafts database."""


class DraftRow(Base):
    """One draft: who owns it, the learner, the profile and pathway as plan-contract JSON, pins and notes."""

    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200), index=True)
    learner: Mapped[str] = mapped_column(String(200))
    profile: Mapped[str] = mapped_column(Text)
    pathway: Mapped[str] = mapped_column(Text)
    pins: Mapped[list[str]] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text, default="")
    catalogue_fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    events: Mapped[list[EventRow]] = relationship(
        back_populates="draft", order_by="EventRow.id", cascade="all, delete-orphan"
    )


class EventRow(Base):
    """One entry of a draft's history: who did what, when."""

    __tablename__ = "draft_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    who: Mapped[str] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    draft: Mapped[DraftRow] = relationship(back_populates="events")
