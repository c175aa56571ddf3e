"""Advisor drafts: a learner's profile, pathway, pins and notes, with history, stored through SQLAlchemy."""
