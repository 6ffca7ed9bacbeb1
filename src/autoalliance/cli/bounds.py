"""Bounds of the numeric flags, checked before any work starts (RELIABILITY.md lists them).

A flag takes the bound its scenario-file key has (``--samples`` as ``montecarlo.samples``,
``--seed`` as ``montecarlo.seed``); ``--workers`` is capped at the cores, saying so. A refusal
is a ``FlagError`` (exit 2, one line) that prints the value and the bound exactly as given.
"""

from __future__ import annotations

import os

from autoalliance.errors import AutoallianceError

MAX_LIMIT = 1_000_000  # rows `runs` lists
PORTS = (1, 65535)
FISCAL_YEARS = (2000, 2100)  # the dataset schemas' fiscal years
MAX_SEED = 10**18  # seeds: as montecarlo.seed in a scenario file (scenarios/spec.py MAX_SEED)
SYNTH = {"--companies": 1_000, "--plants": 1_000_000, "--nameplates": 10_000_000,
         "--years": 101}  # synth's counts (a million nameplates take seconds)


class FlagError(AutoallianceError):
    """A command-line flag outside its bound."""


def exact(v) -> str:
    """A number as given: integers (from 10,000 with thousands separators), floats by
    ``repr`` (never rounded, so a value just past a bound is not printed as the bound)."""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        v = int(v)
    if isinstance(v, int):
        return f"{v:,}" if abs(v) >= 10_000 else str(v)  # years stay 2025, not 2,025
    return repr(v)


def bounded(flag: str, value, lo=None, hi=None, what: str = ""):
    """``value`` when ``lo <= value <= hi`` (either bound may be None); FlagError otherwise."""
    if value is None:
        return None
    about = f" ({what})" if what else ""
    if lo is not None and value < lo:
        raise FlagError(f"{flag} {exact(value)} is below {exact(lo)}, the least it takes{about}")
    if hi is not None and value > hi:
        raise FlagError(f"{flag} {exact(value)} is above {exact(hi)}, the most it takes{about}")
    return value


def cores() -> int:
    """Cores this process may use (its CPU affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def workers(flag: str, n: int, warn) -> int:
    """``n`` worker processes, at least 1 and at most the cores; ``warn(message)`` when capped."""
    bounded(flag, n, 1, None)
    have = cores()
    if n > have:
        warn(f"{flag} {n:,}: capped at {have}, the cores this machine gives the process (more "
             "workers than cores only add memory and start-up time)")
        return have
    return n
