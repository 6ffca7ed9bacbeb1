"""Fee schedule that moves each partner from its plan profit to its target share.

Instruments are per-unit contract-build fees: ``payer`` pays ``payee`` a fee
``f ∈ [fee_min_usd, fee_max_usd]`` USD per unit on ``units`` units. Lump sums ``l_p``
(USD received, negative = paid) close what fees cannot. One HiGHS LP::

    min Σ_p |l_p|
    s.t. plan_p + Σ_{k: payee=p} f_k u_k − Σ_{k: payer=p} f_k u_k + l_p = target_p
         fee_min_k ≤ f_k ≤ fee_max_k

so fees do the work where they can. Without lump sums the schedule is feasible only if
the optimum is 0; otherwise the lump sums it would need say who is short and by how
much. When several fee schedules work, HiGHS returns one of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._lp import solve_lp
from .errors import GameError


@dataclass(frozen=True)
class FeeInstrument:
    """Per-unit contract-build fee paid by ``payer`` to ``payee`` on ``units`` units."""

    instrument: str
    payer: str
    payee: str
    units: float
    fee_min_usd: float
    fee_max_usd: float


@dataclass(frozen=True)
class FeeSchedule:
    """Chosen fees, lump sums and each partner's settlement (all USD).

    ``fees``: one row per instrument with ``fee_usd`` (per unit) and ``payment_usd``.
    ``lump_sums``: ``lump_sum_usd`` received per partner (negative = paid).
    ``partners``: plan profit, fees received and paid, lump sum, final and target.
    ``feasible``: every partner ends at its target; ``message`` says so in plain words.
    """

    fees: pd.DataFrame
    lump_sums: pd.DataFrame
    partners: pd.DataFrame
    feasible: bool
    message: str

    def raise_if_infeasible(self) -> FeeSchedule:
        """Raise :class:`GameError` with :attr:`message` unless feasible."""
        if not self.feasible:
            raise GameError(self.message)
        return self


def _usd(x: float) -> str:
    return f"{abs(x):,.2f} USD"


def _instruments(
    instruments: Iterable[FeeInstrument | tuple], partners: list[str]
) -> list[FeeInstrument]:
    out = []
    for raw in instruments:
        k = raw if isinstance(raw, FeeInstrument) else FeeInstrument(*raw)
        for role in ("payer", "payee"):
            if getattr(k, role) not in partners:
                raise GameError(
                    f"instrument {k.instrument!r}: unknown {role} {getattr(k, role)!r} "
                    f"(partners: {', '.join(partners)})"
                )
        if k.payer == k.payee:
            raise GameError(f"instrument {k.instrument!r}: payer and payee are both {k.payer!r}")
        if not (np.isfinite(k.units) and k.units >= 0):
            raise GameError(f"instrument {k.instrument!r}: units must be >= 0, got {k.units}")
        if not (np.isfinite(k.fee_min_usd) and np.isfinite(k.fee_max_usd)):
            raise GameError(f"instrument {k.instrument!r}: fee bounds must be finite")
        if k.fee_min_usd > k.fee_max_usd:
            raise GameError(
                f"instrument {k.instrument!r}: fee_min_usd {k.fee_min_usd} exceeds "
                f"fee_max_usd {k.fee_max_usd}"
            )
        out.append(k)
    names = [k.instrument for k in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise GameError(f"duplicate instrument names: {dup}")
    return out


def fee_schedule(
    plan_profit: Mapping[str, float],
    target: Mapping[str, float],
    instruments: Iterable[FeeInstrument | tuple],
    *,
    lump_sum_allowed: bool = False,
    tol_usd: float = 0.01,
) -> FeeSchedule:
    """Fees (and, if allowed, lump sums) that bring every partner to its target (USD).

    ``instruments`` are :class:`FeeInstrument` or tuples
    ``(instrument, payer, payee, units, fee_min_usd, fee_max_usd)``. Targets must sum
    to the plan total (within ``tol_usd``). Returns ``feasible=False`` with a message
    naming who ends short and by how much when lump sums are not allowed and no fees
    within their bounds reach the split.
    """
    partners = list(plan_profit)
    if set(target) != set(partners):
        raise GameError(
            f"plan profit and target name different partners: {sorted(plan_profit)} vs "
            f"{sorted(target)}"
        )
    plan = np.array([float(plan_profit[p]) for p in partners])
    goal = np.array([float(target[p]) for p in partners])
    if not (np.all(np.isfinite(plan)) and np.all(np.isfinite(goal))):
        raise GameError("plan profit and target must be finite numbers (USD)")
    if abs(goal.sum() - plan.sum()) > tol_usd:
        raise GameError(
            f"target allocation sums to {goal.sum():,.2f} USD but plan profit sums to "
            f"{plan.sum():,.2f} USD; a split must hand out exactly the plan total"
        )
    ks = _instruments(instruments, partners)
    n, m = len(partners), len(ks)
    at = {p: i for i, p in enumerate(partners)}
    # variables: f (m), l_plus (n), l_minus (n)
    A_eq = np.zeros((n, m + 2 * n))
    for j, k in enumerate(ks):
        A_eq[at[k.payee], j] += k.units
        A_eq[at[k.payer], j] -= k.units
    A_eq[:, m : m + n] = np.eye(n)
    A_eq[:, m + n :] = -np.eye(n)
    c = np.r_[np.zeros(m), np.ones(2 * n)]
    bounds = [(k.fee_min_usd, k.fee_max_usd) for k in ks] + [(0, None)] * (2 * n)
    res = solve_lp(c, A_eq=A_eq, b_eq=goal - plan, bounds=bounds, what="fee schedule")
    fee = res.x[:m] + 0.0
    lump = res.x[m : m + n] - res.x[m + n :]
    lump[np.abs(lump) < tol_usd / 100] = 0.0
    payment = fee * np.array([k.units for k in ks])
    fees = pd.DataFrame(
        {
            "instrument": [k.instrument for k in ks],
            "payer": [k.payer for k in ks],
            "payee": [k.payee for k in ks],
            "units": [k.units for k in ks],
            "fee_min_usd": [k.fee_min_usd for k in ks],
            "fee_max_usd": [k.fee_max_usd for k in ks],
            "fee_usd": fee,
            "payment_usd": payment,
        }
    )
    received = A_eq[:, :m].clip(min=0) @ fee
    paid = -A_eq[:, :m].clip(max=0) @ fee
    needed = np.abs(lump).sum() > tol_usd
    applied = lump if lump_sum_allowed else np.zeros(n)
    final = plan + received - paid + applied
    partners_df = pd.DataFrame(
        {
            "plan_profit_usd": plan,
            "fees_received_usd": received,
            "fees_paid_usd": paid,
            "lump_sum_usd": applied,
            "final_usd": final,
            "target_usd": goal,
        },
        index=pd.Index(partners, name="partner"),
    )
    lump_sums = pd.DataFrame({"partner": partners, "lump_sum_usd": applied})
    feasible = lump_sum_allowed or not needed
    return FeeSchedule(
        fees, lump_sums, partners_df, feasible, _message(partners, lump, needed, lump_sum_allowed)
    )


def _message(partners: list[str], lump: np.ndarray, needed: bool, allowed: bool) -> str:
    if not needed:
        return "Fees within their bounds implement the target split; no lump sum is needed."
    short = [(p, x) for p, x in zip(partners, lump, strict=True) if x > 0]
    over = [(p, x) for p, x in zip(partners, lump, strict=True) if x < 0]
    total = sum(x for _, x in short)
    if allowed:
        parts = [f"{p} receives {_usd(x)}" for p, x in short]
        parts += [f"{p} pays {_usd(x)}" for p, x in over]
        return (
            "Fees within their bounds cannot reach the target split alone; lump sums "
            f"totalling {_usd(total)} close the gap: {', '.join(parts)}."
        )
    parts = [f"{p} ends {_usd(x)} short of its target" for p, x in short]
    parts += [f"{p} ends {_usd(x)} above its target" for p, x in over]
    return (
        "No fee schedule within the fee bounds reaches the target split and lump sums are "
        f"not allowed. With fees as close as the bounds allow, {'; '.join(parts)}."
    )
