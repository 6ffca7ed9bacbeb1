"""autoalliance: planning engine for automaker alliances under trade tariffs.

The pipeline runs one way:
dataset -> footprint -> exposure -> plan -> share -> scenarios -> store/report.
"""

from autoalliance.dataset.footprint import Footprint, load_footprint
from autoalliance.errors import DatasetError, Problem

__version__ = "0.1.0"
__all__ = ["DatasetError", "Footprint", "Problem", "load_footprint", "__version__"]
