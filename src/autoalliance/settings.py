"""One run configuration for every stage: what a run computes (stages), for which fiscal years
(exposure) and horizon (plan), and how plans are solved.

``None`` means "the dataset's own default", resolved by :meth:`Settings.for_dataset` from the
dataset's demand years (``Footprint.base_year``, ``Footprint.default_horizon``), never from a
year written in code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace


@dataclass(frozen=True)
class Settings:
    """Run configuration. Money in USD; shares 0-1; times in seconds."""

    stages: tuple[str, ...] = ("exposure",)  # scenario runs: the stages computed
    fiscal_years: tuple[int, ...] | None = None  # exposure in runs; None: every year with demand
    horizon: tuple[int, int] | None = None  # plan; None: the dataset's default horizon
    max_lost_share: float = 1.0  # share of each demand row that may go unserved (1 = any)
    mip_rel_gap: float = 1e-6
    time_limit_s: float = 120.0
    solver: str = "highs"
    ir_margin_usd: float = 1000.0  # each partner must gain at least this (tried first; >= $1,000)
    balance_fees: bool = True  # alliance: fees that maximise the smallest gain (same plan)

    def __post_init__(self):
        object.__setattr__(self, "stages", tuple(self.stages))
        if self.fiscal_years is not None:
            object.__setattr__(self, "fiscal_years", tuple(int(y) for y in self.fiscal_years))
        if self.horizon is not None:
            lo, hi = (int(y) for y in self.horizon)
            if hi < lo:
                raise ValueError(f"horizon {lo}-{hi} ends before it starts")
            object.__setattr__(self, "horizon", (lo, hi))

    def with_(self, **changes) -> Settings:
        """A copy with some fields changed (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def for_dataset(self, fp) -> Settings:
        """These settings with the dataset's defaults filled in where a field is ``None``."""
        return self if self.horizon is not None else replace(self, horizon=fp.default_horizon)

    @property
    def years(self) -> list[int]:
        """The fiscal years of the plan horizon (resolved settings only)."""
        if self.horizon is None:
            raise ValueError("the horizon is not set; call Settings.for_dataset(fp) first")
        lo, hi = self.horizon
        return list(range(lo, hi + 1))

    def to_dict(self) -> dict:
        d = asdict(self)
        d["stages"] = list(self.stages)
        d["fiscal_years"] = None if self.fiscal_years is None else list(self.fiscal_years)
        d["horizon"] = None if self.horizon is None else list(self.horizon)
        return d
