"""Alembic environment: migrations run on the connection the drafts store hands over (never from a URL in an ini)."""

from __future__ import annotations

from alembic import context

from recommender.drafts.tables import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
