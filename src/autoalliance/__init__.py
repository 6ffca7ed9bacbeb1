"""autoalliance: planning engine for automaker alliances under trade tariffs.

The pipeline runs one way:
dataset -> footprint -> exposure -> plan -> share -> scenarios -> store/report.
"""

from autoalliance.errors import DatasetError, Problem

__version__ = "0.1.0"
__all__ = ["DatasetError", "Footprint", "Problem", "load_footprint", "__version__"]


def __getattr__(name: str):
    """``Footprint`` and ``load_footprint`` on first use, so ``import autoalliance`` (and the
    command line's ``--help``) does not load pandas."""
    if name in ("Footprint", "load_footprint"):
        from autoalliance.dataset import footprint

        return getattr(footprint, name)
    raise AttributeError(f"module 'autoalliance' has no attribute {name!r}")
