"""Errors raised by the sharing package."""

from __future__ import annotations


class GameError(ValueError):
    """A coalitional game, allocation or fee schedule is malformed or has no solution."""
