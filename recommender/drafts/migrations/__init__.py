"""Alembic migrations of the drafts database, shipped in the package and run on open."""
