"""What a change of dataset does: the rows that differ and how they move the tariff cost per
company and fiscal year, the alliance plan and the split of its gain.

The tariff cost is attributed one change at a time, each applied alone to dataset A: per table
(A with B's table) and, for tables with few changed rows, per row (A with that one row as in B).
Effects that interact do not add up; the difference between the whole change and the sum of the
per-table effects is shown as ``interaction``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from autoalliance.dataset.diff import changed_tables, row_changes, table_text
from autoalliance.dataset.footprint import Footprint
from autoalliance.dataset.schema import schemas
from autoalliance.errors import AutoallianceError
from autoalliance.trade import exposure, summarise

ROWS_PER_TABLE = 12  # per-row attribution only for tables with at most this many changed rows
TARIFF_COLUMNS = ["change", "company", "fiscal_year", "currency", "before_local", "after_local",
                  "delta_local", "delta_usd"]


@dataclass
class DatasetDiff:
    """The rows changed from A to B (``rows``, see :func:`dataset.diff.row_changes`); the tariff
    cost per company and fiscal year with the effect of each change (``tariff``: ``change`` is
    ``all``, a table name, ``table:key`` for one row, or ``interaction``); and, when asked, the
    alliance plan (``plan``: profit and gain per company, USD over the horizon) and the split
    (``split``: allocation per partner, USD)."""

    rows: pd.DataFrame
    tariff: pd.DataFrame
    plan: pd.DataFrame | None = None
    split: pd.DataFrame | None = None


def _cost(fp: Footprint, years) -> pd.DataFrame:
    s = summarise(exposure(fp, years), "company")
    return s[["company", "fiscal_year", "currency", "tariff_cost_local", "tariff_cost_usd"]]


def _years(a: Footprint, b: Footprint, years) -> list[int]:
    if years:
        return sorted({int(y) for y in years})
    return sorted(set(a.fiscal_years) | set(b.fiscal_years))


def _delta(base: pd.DataFrame, other: pd.DataFrame, label: str) -> pd.DataFrame:
    k = ["company", "fiscal_year"]
    m = base.merge(other, on=k, how="outer", suffixes=("_a", "_b"))
    m["currency"] = m["currency_a"].fillna(m["currency_b"])
    for c in ("tariff_cost_local", "tariff_cost_usd"):
        m[c + "_a"] = m[c + "_a"].fillna(0.0)
        m[c + "_b"] = m[c + "_b"].fillna(0.0)
    return pd.DataFrame({"change": label, "company": m["company"],
                         "fiscal_year": m["fiscal_year"].astype(int), "currency": m["currency"],
                         "before_local": m["tariff_cost_local_a"],
                         "after_local": m["tariff_cost_local_b"],
                         "delta_local": m["tariff_cost_local_b"] - m["tariff_cost_local_a"],
                         "delta_usd": m["tariff_cost_usd_b"] - m["tariff_cost_usd_a"]})


def _one_row(a: Footprint, b: Footprint, table: str, key_label: str, change: str) -> Footprint:
    """Dataset A with one row of ``table`` as in B (added, removed or changed)."""
    ta, tb = table_text(a, table), table_text(b, table)
    key = [k for k in schemas()[table].key if k in ta and k in tb] or \
        [c for c in ta.columns if c in tb.columns]

    def at(frame):
        labels = frame[key].astype(str).agg("/".join, axis=1) if len(frame) else pd.Series([])
        return list(labels[labels.eq(key_label)].index)

    keep = a.table(table).reset_index(drop=True).drop(index=at(ta))
    new = b.table(table).reset_index(drop=True).loc[at(tb)] if change != "removed" else None
    frame = keep if new is None else pd.concat([keep, new], ignore_index=True)
    return a.replace(**{table: frame.reset_index(drop=True)})


def tariff_effects(a: Footprint, b: Footprint, rows: pd.DataFrame, years=None,
                   per_row: int = ROWS_PER_TABLE) -> pd.DataFrame:
    """Tariff cost per company and fiscal year, A against B, and each change's effect alone."""
    years = _years(a, b, years)
    base = _cost(a, years)
    parts = [_delta(base, _cost(b, years), "all")]
    tables = changed_tables(rows)
    for table in tables:
        parts.append(_delta(base, _cost(a.replace(**{table: b.table(table)}), years), table))
    summed = pd.concat(parts[1:]) if len(parts) > 1 else None
    if summed is not None:
        s = summed.groupby(["company", "fiscal_year"], as_index=False)[
            ["delta_local", "delta_usd"]].sum()
        whole = parts[0].merge(s, on=["company", "fiscal_year"], how="left",
                               suffixes=("", "_sum")).fillna({"delta_local_sum": 0.0,
                                                              "delta_usd_sum": 0.0})
        inter = whole.assign(change="interaction",
                             delta_local=whole["delta_local"] - whole["delta_local_sum"],
                             delta_usd=whole["delta_usd"] - whole["delta_usd_sum"])
        if len(tables) > 1:
            parts.append(inter[parts[0].columns])
    for table in tables:
        moving = rows[rows["table"].eq(table) & ~rows["notes_only"].astype(bool)]
        if len(tables) == 1 and len(moving) == 1 or len(moving) > per_row:
            continue  # the table's effect is the row's, or too many rows to run one by one
        for r in moving.itertuples(index=False):
            try:
                one = _one_row(a, b, table, r.key, r.change)
                parts.append(_delta(base, _cost(one, years), f"{table}:{r.key}"))
            except (AutoallianceError, KeyError, ValueError):
                continue  # a row that cannot stand alone (its table's effect covers it)
    out = pd.concat(parts, ignore_index=True)
    return out[TARIFF_COLUMNS]


def plan_and_split(a: Footprint, b: Footprint, rule: str = "shapley", settings=None) \
        -> tuple[pd.DataFrame, pd.DataFrame]:
    """The alliance plan's profit and gain per company and the split of the gain under ``rule``,
    on A and on B (USD over each dataset's horizon)."""
    from autoalliance.sharing.alliance import share

    res = {}
    for side, fp in (("a", a), ("b", b)):
        res[side] = share(fp, rule=rule, settings=settings)
    plan = []
    for side in ("a", "b"):
        c = res[side].plan.companies.set_index("company")
        plan.append(c[["profit_usd", "gain_usd", "duty_usd"]].add_suffix(f"_{side}"))
    plan = pd.concat(plan, axis=1).fillna(0.0).reset_index()
    for c in ("profit_usd", "gain_usd", "duty_usd"):
        plan[f"{c}_delta"] = plan[f"{c}_b"] - plan[f"{c}_a"]
    split = pd.concat([res[s].allocation.rename(f"allocation_usd_{s}") for s in ("a", "b")],
                      axis=1).fillna(0.0)
    split.index.name = "partner"
    split = split.reset_index()
    split["allocation_usd_delta"] = split["allocation_usd_b"] - split["allocation_usd_a"]
    return plan, split


def diff_datasets(a: Footprint, b: Footprint, years=None, with_plan: bool = True,
                  rule: str = "shapley", settings=None) -> DatasetDiff:
    """Rows changed from A to B, their effect on the tariff cost, and (``with_plan``) on the
    alliance plan and its split."""
    rows = row_changes(a, b)
    tariff = tariff_effects(a, b, rows, years)
    plan = split = None
    if with_plan and changed_tables(rows):
        plan, split = plan_and_split(a, b, rule, settings)
    return DatasetDiff(rows=rows, tariff=tariff, plan=plan, split=split)
