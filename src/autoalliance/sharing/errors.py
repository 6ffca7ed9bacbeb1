"""Errors raised by the sharing package."""

from __future__ import annotations

from autoalliance.errors import AutoallianceError


class GameError(AutoallianceError, ValueError):
    """A coalitional game, allocation or fee schedule is malformed or has no solution."""
