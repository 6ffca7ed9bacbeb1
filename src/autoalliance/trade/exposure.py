"""Tariff exposure: duty owed on the units each company brings into a market, by entry date.

Units of a flow (nameplate, plant, market, fiscal year) enter over the fiscal year's days by the
company's monthly profile (flat when the dataset has none). Imported vehicles pay on their
customs value; vehicles assembled in the importing country pay on their imported parts and earn
the assembly offset, capped each fiscal year at the company's added parts duty.

The rates depend only on (importer, origin, goods, category, USMCA status, date), so they are
worked out once per key and day and aggregated per month; each flow then costs one multiply per
month (no loop per unit, row or day). Flows under a quota go through the day-by-day entry path,
since a quota depends on the order of entry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from autoalliance.dataset.footprint import Footprint
from autoalliance.errors import DatasetError, Problem
from autoalliance.trade.fx import per_usd_on
from autoalliance.trade.measures import KEY, duty_for_entries, rates_for_keys, unit_rates

GROUPINGS = ("nameplate", "plant", "origin", "company", "goods", "month")
_VALUE_COLS = ["duty_usd", "base_duty_usd", "added_duty_usd", "offset_usd", "tariff_cost_usd",
               "duty_local", "added_duty_local", "offset_local", "tariff_cost_local"]


def current_flows(fp: Footprint, fiscal_years=None, nameplates=None) -> pd.DataFrame:
    """Units per nameplate, plant, market and fiscal year under today's sourcing: each year's
    demand split by the sourcing shares of that year, or of the latest earlier year with
    sourcing (the earliest when all are later). The one definition of "today's sourcing"."""
    cols = ["nameplate", "plant", "market", "fiscal_year", "units"]
    dem, src = fp.demand, fp.sourcing
    if fiscal_years is not None:
        dem = dem[dem["fiscal_year"].isin(list(fiscal_years))]
    if nameplates is not None:
        dem = dem[dem["nameplate"].isin(set(nameplates))]
        src = src[src["nameplate"].isin(set(nameplates))]
    if src.empty or dem.empty:
        return pd.DataFrame(columns=cols)
    k = ["nameplate", "market", "fiscal_year"]
    years = dem[k].drop_duplicates().merge(
        src[k].drop_duplicates().rename(columns={"fiscal_year": "src_year"}),
        on=["nameplate", "market"])
    before = years[years["src_year"] <= years["fiscal_year"]].groupby(k)["src_year"].max()
    chosen = before.combine_first(years.groupby(k)["src_year"].min()).reset_index()
    f = dem.merge(chosen, on=k).merge(src.rename(columns={"fiscal_year": "src_year"}),
                                      on=["nameplate", "market", "src_year"])
    f["units"] = f["units"] * f["share"]
    f["fiscal_year"] = f["fiscal_year"].astype(int)
    return f[cols].reset_index(drop=True)


def _cached(fp: Footprint, key: tuple, make):
    """Memoise on the footprint: what depends only on its tables, not on the flows' units, is
    worked out once per Footprint (tables are treated as immutable; ``replace`` makes a new one).
    The tables' identities are part of the key, so a table swapped in place is not mistaken."""
    cache = fp.__dict__.setdefault("_derived", {})
    ids = tuple(id(fp.tables.get(t)) for t in ("measures", "companies", "fx", "profile"))
    k = key + ids
    if k not in cache:
        cache[k] = make()
    return cache[k]


def fiscal_days(fp: Footprint, companies, fiscal_years) -> pd.DataFrame:
    """Each day of each company's fiscal years with its share of the year's entries and the
    company currency's units per USD on that day."""
    key = ("days", tuple(sorted(companies)), tuple(sorted(int(y) for y in fiscal_years)))
    return _cached(fp, key, lambda: _fiscal_days(fp, companies, fiscal_years))


def _fiscal_days(fp: Footprint, companies, fiscal_years) -> pd.DataFrame:
    comp = fp.companies.set_index("company").loc[list(companies)]
    prof = fp.table("profile")
    fx = fp.fx
    out = []
    for company, row in comp.iterrows():
        own = prof[prof["company"] == company]
        if own.empty:
            own = prof[prof["company"] == "*"]
        month_w = np.ones(12)
        if not own.empty:
            month_w = np.zeros(12)
            month_w[own["month"].astype(int).to_numpy() - 1] = own["weight"].to_numpy(float)
            if month_w.sum() <= 0:
                raise DatasetError([Problem("profile.csv", 0, "weight",
                                            f"monthly weights of {company} sum to zero")])
        month_w = month_w / month_w.sum()
        start_month = int(row["fiscal_year_start_month"])
        for fy in sorted(set(int(y) for y in fiscal_years)):
            start = pd.Timestamp(fy, start_month, 1)
            days = pd.date_range(start, start + pd.DateOffset(years=1) - pd.Timedelta(days=1))
            period = days.to_period("M")
            m_index = (period.year - start.year) * 12 + period.month - start_month
            w = month_w[m_index] / days.days_in_month.to_numpy()
            out.append(pd.DataFrame({"company": company, "fiscal_year": fy, "date": days,
                                     "month": period.to_timestamp(), "weight": w,
                                     "currency": row["currency"]}))
    days = pd.concat(out, ignore_index=True)
    days["per_usd"] = _fx_on(fx, days)
    return days


def _fx_on(fx: pd.DataFrame, days: pd.DataFrame) -> np.ndarray:
    per_usd = per_usd_on(fx, days["currency"].to_numpy(dtype=object), days["date"])
    missing = np.isnan(per_usd)
    if missing.any():
        first = days.loc[missing].iloc[0]
        raise DatasetError([Problem("fx.csv", 0, "start",
                                    f"no {first['currency']} rate covers {first['date']:%Y-%m-%d} "
                                    f"(needed for {first['company']} FY{first['fiscal_year']})")])
    return per_usd


def goods_rows(fp: Footprint, flows: pd.DataFrame) -> pd.DataFrame:
    """What crosses the border for each flow: the vehicle itself when it is imported; its
    imported parts (and the assembly offset) when it is built in the importing market."""
    f = flows.merge(fp.nameplates[["nameplate", "company", "category", "msrp_usd"]],
                    on="nameplate", how="left")
    f = f.merge(fp.plants[["plant", "country"]], on="plant", how="left")
    f = f.merge(fp.costs[["nameplate", "plant", "customs_value_usd", "us_content_share",
                          "usmca_qualifying"]], on=["nameplate", "plant"], how="left")
    missing = f["customs_value_usd"].isna()
    if missing.any():
        r = f[missing].iloc[0]
        raise DatasetError([Problem("costs.csv", 0, "plant",
                                    f"no costs row for {r['nameplate']} built at {r['plant']}")])
    f["importer"] = f["market"]
    f["flow"] = np.arange(len(f))
    veh = f.assign(origin=f["country"], goods="vehicle", usmca=f["usmca_qualifying"].astype(bool),
                   vehicle_units=f["units"])
    domestic = f["country"].eq(f["market"])
    pc = fp.table("parts_content")
    parts = f[domestic].merge(pc[["plant", "origin", "usmca_compliant", "share"]], on="plant")
    parts = parts.assign(goods="part", usmca=parts["usmca_compliant"].astype(bool),
                         customs_value_usd=parts["customs_value_usd"] * parts["share"],
                         us_content_share=0.0, msrp_usd=0.0, vehicle_units=0.0)
    cols = ["flow", "company", "nameplate", "plant", "market", "importer", "fiscal_year", "origin",
            "goods", "category", "usmca", "customs_value_usd", "us_content_share", "msrp_usd",
            "units", "vehicle_units"]
    return pd.concat([veh[cols], parts[cols]], ignore_index=True)


def _monthly_rates(fp: Footprint, rows: pd.DataFrame, days: pd.DataFrame, by_month: bool):
    """Per (key, company, fiscal year[, month]): the day-weighted rates, in USD and local terms.
    They depend only on the measures, the goods keys and the fiscal days, so they are memoised
    on the footprint: a stream of demand scenarios or the chunks of a large run pays once."""
    keys = rows[KEY[:-1]].drop_duplicates().sort_values(KEY[:-1]).reset_index(drop=True)
    key = ("rates", by_month, tuple(keys.itertuples(index=False, name=None)),
           tuple(days[["company", "fiscal_year"]].drop_duplicates().itertuples(
               index=False, name=None)))
    return _cached(fp, key, lambda: _rates_table(fp, keys, days, by_month))


def _rates_table(fp: Footprint, keys: pd.DataFrame, days: pd.DataFrame, by_month: bool):
    keys = keys.copy()
    keys["key"] = np.arange(len(keys))
    dates = pd.DataFrame({"date": days["date"].drop_duplicates().sort_values()})
    grid = keys.merge(dates, how="cross")
    rates = rates_for_keys(fp.measures, grid[KEY])
    unit = unit_rates(rates)
    grid = pd.concat([grid[["key", "date"]], unit,
                      rates["all_in_quota"].notna().rename("quota")], axis=1)
    quota_keys = set(grid.loc[grid["quota"], "key"])
    g = days.merge(grid, on="date")
    parts = {"share": g["weight"]}
    for col in ("on_value", "on_non_us", "base", "offset"):
        parts[col] = g[col] * g["weight"]
        parts[col + "_local"] = parts[col] * g["per_usd"]
    agg = pd.concat([g[["key", "company", "fiscal_year", "month"]], pd.DataFrame(parts)], axis=1)
    # without months, a flow costs one row per fiscal year instead of twelve
    by = ["key", "company", "fiscal_year"] + (["month"] if by_month else [])
    agg = agg.drop(columns=[] if by_month else ["month"]).groupby(by, as_index=False).sum()
    return keys, agg, quota_keys


def duty_for_flows(fp: Footprint, flows: pd.DataFrame, by_month: bool = False,
                   cap_offset: bool = True) -> pd.DataFrame:
    """Duty for given flows (nameplate, plant, market, fiscal_year, units).

    One row per flow and goods (the imported vehicle, or each origin of imported parts of a
    vehicle built in the market) and, with ``by_month``, per month of entry. Columns in USD and
    in the company's currency (``*_local``): duty, base duty (what MFN/preference alone would
    charge), added duty (duty - base: the cost of the new tariffs), offset (<= 0, on vehicles
    assembled in the market, capped at the company's added parts duty each fiscal year) and
    tariff cost (added duty + offset).
    """
    flows = flows[flows["units"] != 0] if len(flows) else flows
    rows = goods_rows(fp, flows)
    if rows.empty:
        return _empty_result(by_month)
    days = fiscal_days(fp, rows["company"].unique(), rows["fiscal_year"].unique())
    keys, agg, quota_keys = _monthly_rates(fp, rows, days, by_month)
    rows = rows.merge(keys, on=KEY[:-1])
    quota_rows = rows["key"].isin(quota_keys)
    parts = [_factorised(rows[~quota_rows], agg)]
    if quota_rows.any():
        parts.append(_day_by_day(fp, rows[quota_rows], days))
    out = pd.concat(parts, ignore_index=True)
    out["offset_usd"] = -out.pop("offset_credit_usd")
    out["offset_local"] = -out.pop("offset_credit_local")
    if cap_offset:
        _cap_offset(out)
    out["tariff_cost_usd"] = out["added_duty_usd"] + out["offset_usd"]
    out["tariff_cost_local"] = out["added_duty_local"] + out["offset_local"]
    out = out.merge(fp.companies[["company", "currency"]], on="company", how="left")
    ids = ["company", "fiscal_year", "nameplate", "plant", "market", "origin", "goods"]
    if not by_month:  # a flow's ids are constant: group by the flow code, carry the ids along
        out = out.groupby(["flow", "origin", "goods"], as_index=False, sort=False).agg(
            {**{c: "sum" for c in _VALUE_COLS + ["vehicle_units", "customs_value_total_usd"]},
             **{c: "first" for c in ["company", "fiscal_year", "nameplate", "plant", "market",
                                     "currency"]}})
        cols = ids
    else:
        cols = ids + ["month"]
    out = out.rename(columns={"vehicle_units": "units"})
    return out[cols + ["units", "customs_value_total_usd", "currency"] + _VALUE_COLS] \
        .reset_index(drop=True)


def _factorised(rows: pd.DataFrame, agg: pd.DataFrame) -> pd.DataFrame:
    r = rows.merge(agg, on=["key", "company", "fiscal_year"])
    units = r["units"].to_numpy(float)
    value = r["customs_value_usd"].to_numpy(float) * units
    non_us = value * (1 - r["us_content_share"].to_numpy(float))
    msrp = r["msrp_usd"].to_numpy(float) * units
    share = r["share"].to_numpy()  # the month's share of the year's entries
    ids = ["flow", "company", "nameplate", "plant", "market", "origin", "goods", "fiscal_year"]
    out = r[ids + (["month"] if "month" in r else [])].copy()
    out["vehicle_units"] = r["vehicle_units"].to_numpy(float) * share
    out["customs_value_total_usd"] = value * share
    out["duty_usd"] = value * r["on_value"] + non_us * r["on_non_us"]
    out["duty_local"] = value * r["on_value_local"] + non_us * r["on_non_us_local"]
    out["base_duty_usd"] = value * r["base"]
    out["added_duty_usd"] = out["duty_usd"] - out["base_duty_usd"]
    out["added_duty_local"] = out["duty_local"] - value * r["base_local"]
    out["offset_credit_usd"] = msrp * r["offset"]
    out["offset_credit_local"] = msrp * r["offset_local"]
    return out


def _day_by_day(fp: Footprint, rows: pd.DataFrame, days: pd.DataFrame) -> pd.DataFrame:
    e = rows.merge(days, on=["company", "fiscal_year"])
    e = e.assign(units=e["units"] * e["weight"], vehicle_units=e["vehicle_units"] * e["weight"])
    d = duty_for_entries(fp.measures, e)
    per = d["per_usd"].to_numpy()
    out = d[["flow", "company", "nameplate", "plant", "market", "origin", "goods", "fiscal_year",
             "month"]].copy()
    out["vehicle_units"] = d["vehicle_units"]
    out["customs_value_total_usd"] = d["customs_value_usd"] * d["units"]
    out["duty_usd"] = d["duty_usd"]
    out["duty_local"] = d["duty_usd"] * per
    out["base_duty_usd"] = d["base_duty_usd"]
    out["added_duty_usd"] = d["added_duty_usd"]
    out["added_duty_local"] = d["added_duty_usd"] * per
    out["offset_credit_usd"] = d["offset_credit_usd"]
    out["offset_credit_local"] = d["offset_credit_usd"] * per
    return out.groupby(["flow", "company", "nameplate", "plant", "market", "origin", "goods",
                        "fiscal_year", "month"], as_index=False).sum()


def _cap_offset(out: pd.DataFrame) -> None:
    """The offset is usable only against the same company's added parts duty in the year."""
    grp = ["company", "fiscal_year"]
    parts = out["added_duty_usd"].where(out["goods"].eq("part"), 0.0)
    parts_total = parts.groupby([out[g] for g in grp]).transform("sum")
    credit_total = (-out["offset_usd"]).groupby([out[g] for g in grp]).transform("sum")
    factor = np.where(credit_total > 0, np.minimum(1.0, parts_total / credit_total.where(
        credit_total > 0, 1.0)), 0.0)
    out["offset_usd"] *= factor
    out["offset_local"] *= factor


def _empty_result(by_month: bool) -> pd.DataFrame:
    cols = ["company", "fiscal_year", "nameplate", "plant", "market", "origin", "goods"]
    if by_month:
        cols.append("month")
    return pd.DataFrame(columns=cols + ["units", "customs_value_total_usd", "currency"]
                        + _VALUE_COLS)


def exposure(fp: Footprint, fiscal_years=None, by_month: bool = False) -> pd.DataFrame:
    """Duty under today's sourcing for the given fiscal years (default: the dataset's base year,
    ``Footprint.base_year``; see ``duty_for_flows``)."""
    if fiscal_years is None:
        fiscal_years = [fp.base_year]
    return duty_for_flows(fp, current_flows(fp, fiscal_years), by_month=by_month)


#: The columns of an exposure table after its grouping keys (``exposure --json``, the report).
EXPOSURE_COLUMNS = ["units", "duty_usd", "added_duty_usd", "offset_usd", "tariff_cost_usd",
                    "tariff_cost_per_unit_usd", "tariff_cost_local", "currency"]


def exposure_table(result: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """``summarise`` with the columns and order shown to users (``exposure --by BY --json``,
    the report's tables): company, fiscal year, the grouping, then ``EXPOSURE_COLUMNS``; the
    largest tariff cost first within each company and year."""
    by_list = [by] if isinstance(by, str) else list(by)
    s = summarise(result, by_list)
    cols = list(dict.fromkeys(["company", "fiscal_year"] + by_list)) + EXPOSURE_COLUMNS
    return s[cols].sort_values(["company", "fiscal_year", "tariff_cost_usd"],
                               ascending=[True, True, False]).reset_index(drop=True)


def summarise(result: pd.DataFrame, by: str | list[str] = "company") -> pd.DataFrame:
    """Totals of an exposure result by one or more of nameplate, plant, origin, company,
    goods, month (always within company and fiscal year, since currencies differ)."""
    by = [by] if isinstance(by, str) else list(by)
    bad = [b for b in by if b not in GROUPINGS]
    if bad:
        raise ValueError(f"cannot group by {bad}; choose from {', '.join(GROUPINGS)}")
    keys = list(dict.fromkeys(["company", "fiscal_year"] + by))
    g = result.groupby(keys, as_index=False).agg(
        {**{c: "sum" for c in ["units", "customs_value_total_usd"] + _VALUE_COLS},
         "currency": "first"})
    g["tariff_cost_per_unit_usd"] = g["tariff_cost_usd"] / g["units"].where(g["units"] > 0)
    return g


def unit_duty(fp: Footprint, lanes: pd.DataFrame) -> pd.DataFrame:
    """Duty per vehicle unit of each lane (nameplate, plant, market, fiscal_year): vehicle and
    imported parts together; ``parts_added_duty_usd`` is the part of ``added_duty_usd`` owed on
    imported parts, against which the company's offset credit (``offset_usd``, <= 0, uncapped)
    can be used. Linear in units, so the planner can use these as cost coefficients; quotas are
    not applied (every unit at the in-quota rate)."""
    lanes = lanes[["nameplate", "plant", "market", "fiscal_year"]].drop_duplicates()
    flows = lanes.assign(units=1.0)
    res = duty_for_flows(fp, flows, cap_offset=False)
    res["parts_added_duty_usd"] = res["added_duty_usd"].where(res["goods"].eq("part"), 0.0)
    keys = ["nameplate", "plant", "market", "fiscal_year"]
    cols = ["duty_usd", "base_duty_usd", "added_duty_usd", "parts_added_duty_usd", "offset_usd"]
    per = res.groupby(keys, as_index=False)[cols].sum()
    return lanes.merge(per, on=keys, how="left").fillna({c: 0.0 for c in cols})
