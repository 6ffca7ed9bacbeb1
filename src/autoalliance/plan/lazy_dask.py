"""Keep xarray from importing ``dask.array`` on its first DataArray.

xarray asks, for every array it wraps, whether it is a dask array; to answer it imports
``dask.array`` whenever dask is installed (0.4-1 s with its scipy.fft and jinja2), although the
planner never makes one; and its ``is_dask_collection`` imports ``dask`` (0.2-0.3 s, jinja2
included) for every ufunc. :func:`keep_dask_lazy` gives xarray's cache of duck-array modules a
dask entry whose array type answers without importing (an object can only be a dask array once
``dask.array`` has been imported by someone, and then the real check runs), and answers
``is_dask_collection`` False for an object without ``__dask_graph__`` before importing dask, as
dask's own function does first. A dask array made later (by a user, by a Dask sweep) is
recognised as before (``tests/plan/test_lazy_dask.py``). If xarray's cache is not where this
version expects it, nothing is changed and xarray imports dask as it always did.
"""

from __future__ import annotations

import sys
from importlib import metadata


class _LazyDaskArray(type):
    """Metaclass: ``isinstance(x, DaskArray)`` without importing ``dask.array``."""

    def __instancecheck__(cls, obj) -> bool:
        mod = sys.modules.get("dask.array")
        return mod is not None and isinstance(obj, mod.Array)

    def __subclasscheck__(cls, sub) -> bool:
        mod = sys.modules.get("dask.array")
        return mod is not None and issubclass(sub, mod.Array)


class DaskArray(metaclass=_LazyDaskArray):
    """Stands for ``dask.array.Array`` in xarray's isinstance checks until dask is loaded."""


def keep_dask_lazy() -> bool:
    """Install the lazy dask entry in xarray's duck-array cache; True if installed (or already
    there, or dask is not installed), False if xarray's internals differ and nothing changed."""
    try:
        from packaging.version import Version
        from xarray.namedarray import pycompat
    except ImportError:  # pragma: no cover - xarray always brings packaging
        return False
    cache = getattr(pycompat, "_cached_duck_array_modules", None)
    module_type = getattr(pycompat, "DuckArrayModule", None)
    if not isinstance(cache, dict) or module_type is None:
        return False
    _guard_dask_collection()
    if "dask" in cache:  # already decided (by us, or dask was imported first)
        return True
    try:
        version = metadata.version("dask")
    except metadata.PackageNotFoundError:
        return True  # xarray finds no dask and imports nothing
    entry = module_type.__new__(module_type)
    entry.module = _DaskModule()
    entry.version = Version(version)
    entry.type = (DaskArray,)
    entry.available = True
    cache["dask"] = entry
    return True


class _DaskModule:
    """``import dask`` on first attribute access (xarray reads the module only for dask work)."""

    def __getattr__(self, name: str):
        import dask

        return getattr(dask, name)


def _guard_dask_collection() -> None:
    """xarray's ``is_dask_collection``, with dask's own first test (no ``__dask_graph__``: not
    a collection) done before importing dask."""
    from xarray.namedarray import utils

    original = getattr(utils, "is_dask_collection", None)
    if original is None or getattr(original, "_keeps_dask_lazy", False):
        return

    def is_dask_collection(x: object) -> bool:
        if isinstance(x, type) or not hasattr(x, "__dask_graph__"):
            return False
        return original(x)

    is_dask_collection._keeps_dask_lazy = True  # type: ignore[attr-defined]
    utils.is_dask_collection = is_dask_collection
