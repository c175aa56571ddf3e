"""The one error badge reading raises inside the package: malformed data that becomes a failed check."""

from __future__ import annotations

from graph.errors import CredpathError


class BadgeDataError(CredpathError, ValueError):
    """Malformed data inside a badge: an encoding, a key, a proof value, JSON-LD that cannot be canonicalised.

    A ValueError too, so that the checks that catch malformed values catch it alike.
    """
