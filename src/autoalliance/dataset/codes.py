"""Country and currency codes: ISO 3166-1 alpha-2 and ISO 4217 (from ``pycountry``), plus the
codes a dataset declares itself in its ``codes`` table (for example ``other`` for parts from
countries not listed one by one). A code that is neither is an error naming the nearest valid
code."""

from __future__ import annotations

import difflib
from functools import cache

import pycountry

KINDS = ("country", "currency")


@cache
def iso_codes(kind: str) -> frozenset[str]:
    """The ISO codes of a kind: alpha-2 countries or ISO 4217 currencies."""
    if kind == "country":
        return frozenset(c.alpha_2 for c in pycountry.countries)
    if kind == "currency":
        return frozenset(c.alpha_3 for c in pycountry.currencies)
    raise ValueError(kind)


def _lookup(kind: str, value: str) -> str | None:
    """The ISO code a name, alpha-3 country code or wrongly cased code stands for, if any."""
    db = pycountry.countries if kind == "country" else pycountry.currencies
    try:
        found = db.lookup(value.strip())
    except LookupError:
        return None
    return found.alpha_2 if kind == "country" else found.alpha_3


def nearest(kind: str, value: str, extra=()) -> str | None:
    """The valid code closest to ``value``: the code it names (``USA``, ``us``, ``Japan``), or
    the closest by spelling."""
    hit = _lookup(kind, value)
    if hit:
        return hit
    pool = sorted(iso_codes(kind) | set(extra))
    low = {c.lower(): c for c in pool}
    if value.lower() in low:
        return low[value.lower()]
    if len(value) > 3:  # a long word that names nothing: no spelling guess among short codes
        return next((c for c in pool if len(c) > 3 and c.lower() == value.lower()), None)
    close = difflib.get_close_matches(value.upper(), [c.upper() for c in pool], n=1, cutoff=0.5)
    return next((c for c in pool if c.upper() == close[0]), None) if close else None


def bad_code(kind: str, value: str, extra=()) -> str | None:
    """None when ``value`` is a valid code of ``kind`` (or a declared extra code); else the
    message saying why not and what was probably meant."""
    if value in iso_codes(kind) or value in set(extra):
        return None
    what = "ISO 3166-1 alpha-2 country code" if kind == "country" else "ISO 4217 currency code"
    guess = nearest(kind, value, extra)
    hint = f"; did you mean {guess!r}?" if guess else ""
    declared = ", ".join(sorted(extra))
    also = f" or a code declared in codes.csv ({declared})" if declared else \
        " or a code declared in codes.csv"
    return f"{value!r} is not an {what}{also}{hint}"
