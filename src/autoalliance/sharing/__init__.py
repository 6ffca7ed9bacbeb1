"""Gain sharing among alliance partners: coalitional games and fee schedules.

Values and allocations are in USD. A :class:`Game` maps each coalition of partners to
the profit it can secure; the solution concepts split the grand coalition's value and
:func:`fee_schedule` turns a split into per-unit contract-build fees.
"""

from .core import LeastCore, core_violation, excesses, in_core, least_core
from .errors import GameError
from .fees import FeeInstrument, FeeSchedule, fee_schedule
from .game import (
    MAX_DENSE_PLAYERS,
    Game,
    is_convex,
    is_superadditive,
    surplus_over_standalone,
)
from .game_json import read_game_json, write_game_json
from .nash import nash_bargaining, nash_bargaining_linear
from .nucleolus import nucleolus
from .production import LinearProductionGame, ProductionPlan, owen_allocation
from .shapley import (
    EXACT_SHAPLEY_MAX_PLAYERS,
    ShapleyEstimate,
    shapley,
    shapley_sample,
    shapley_value,
)

__all__ = [
    "EXACT_SHAPLEY_MAX_PLAYERS",
    "MAX_DENSE_PLAYERS",
    "FeeInstrument",
    "FeeSchedule",
    "Game",
    "GameError",
    "LeastCore",
    "LinearProductionGame",
    "ProductionPlan",
    "ShapleyEstimate",
    "core_violation",
    "excesses",
    "fee_schedule",
    "in_core",
    "is_convex",
    "is_superadditive",
    "least_core",
    "nash_bargaining",
    "nash_bargaining_linear",
    "nucleolus",
    "owen_allocation",
    "read_game_json",
    "shapley",
    "shapley_sample",
    "shapley_value",
    "surplus_over_standalone",
    "write_game_json",
]
