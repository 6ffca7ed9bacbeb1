"""Tariff exposure: duty owed on the units each company brings into a market, by entry date.

Units of a flow (nameplate, plant, market, fiscal year) enter over the fiscal year's days by the
company's monthly profile (flat when the dataset has none). The bill has these lines (the
``goods`` column of a result):

- ``vehicle``: imported vehicles, on their customs value;
- ``own_part``: parts of vehicles assembled in the importing country that the firm imports
  itself (``parts_content.own_import_share``);
- ``supplier_part``: the rest of those parts, imported by its suppliers; the firm bears the
  share ``companies.supplier_pass_through`` of their duty through supplier prices;
- ``metal``: steel, aluminium and copper a plant imports per unit built (``metals``), at the
  Section 232 metals rates, or at the parts rates when classed as auto parts (no stacking);
- ``service_part``: replacement parts for the dealer network (``service_parts``), at the parts
  rates, outside any offset (``exposure`` adds them; ``duty_for_flows`` prices flows only).

The assembly offset (``offset_usd`` on vehicles assembled in the market) accrues from the
offset rule's ``claims_from`` date and is capped each fiscal year at the firm's own added parts
duty (plus ``companies.offset_to_suppliers`` of its suppliers' passed-through duty): the gross
tariff cost is the added duty, the net one the added duty plus the (negative) offset.

The rates depend only on (importer, origin, goods, category, USMCA status, date), so they are
worked out once per key and day and aggregated per month; each flow then costs one multiply per
month (no loop per unit, row or day). Flows under a quota go through the day-by-day entry path,
since a quota depends on the order of entry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from autoalliance.dataset.footprint import Footprint
from autoalliance.errors import AutoallianceError, DatasetError, Problem
from autoalliance.trade.fx import per_usd_on
from autoalliance.trade.measures import KEY, duty_for_entries, rates_for_keys, unit_rates

GROUPINGS = ("nameplate", "plant", "origin", "company", "goods", "month")
LINES = ("vehicle", "own_part", "supplier_part", "metal", "service_part", "offset")
_VALUE_COLS = ["duty_usd", "base_duty_usd", "added_duty_usd", "offset_usd", "tariff_cost_usd",
               "duty_local", "added_duty_local", "offset_local", "tariff_cost_local",
               "offset_base_usd"]


def current_flows(fp: Footprint, fiscal_years=None, nameplates=None,
                  dated: bool = False) -> pd.DataFrame:
    """Units per nameplate, plant, market and fiscal year under today's sourcing: each year's
    demand split by the sourcing shares of that year, or of the latest earlier year with
    sourcing (the earliest when all are later). The one definition of "today's sourcing".

    Dated shares (``sourcing.start``) apply from their month to the next start of the same
    nameplate, market and year. By default a plant's units are the year's: the sum over those
    periods of the share times the period's part of the year's entries (the company's monthly
    profile). ``dated``: one row per period instead, with ``units`` at the share for the whole
    year and the entry months ``from_month`` (inclusive) to ``to_month`` (exclusive; NaT = the
    year's end) to which they are confined (``duty_for_flows`` keeps only those months)."""
    cols = ["nameplate", "plant", "market", "fiscal_year", "units"]
    dem, src = fp.demand, fp.sourcing
    if fiscal_years is not None:
        dem = dem[dem["fiscal_year"].isin(list(fiscal_years))]
    if nameplates is not None:
        dem = dem[dem["nameplate"].isin(set(nameplates))]
        src = src[src["nameplate"].isin(set(nameplates))]
    if src.empty or dem.empty:
        return pd.DataFrame(columns=cols + (["from_month", "to_month"] if dated else []))
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
    start = f["start"] if "start" in f else pd.Series(pd.NaT, index=f.index)
    if not start.notna().any():
        out = f[cols].reset_index(drop=True)
        return out.assign(from_month=pd.NaT, to_month=pd.NaT) if dated else out
    return _dated_flows(fp, f.assign(start=start), cols, dated)


def _dated_flows(fp: Footprint, f: pd.DataFrame, cols: list[str], dated: bool) -> pd.DataFrame:
    """Sourcing periods within a year: a share from its start to the next start (the same
    nameplate, market and sourcing year); a sourcing year used for a later one moves with it."""
    comp = fp.nameplates.set_index("nameplate")["company"]
    sm = f["nameplate"].map(comp).map(
        fp.companies.set_index("company")["fiscal_year_start_month"]).astype(int)
    lag = (f["fiscal_year"] - f["src_year"]).astype(int)
    frm = pd.Series([s + pd.DateOffset(years=int(n)) if pd.notna(s) else pd.NaT
                     for s, n in zip(f["start"], lag)], index=f.index, dtype="datetime64[ns]")
    fy_first = pd.to_datetime(pd.DataFrame({"year": f["fiscal_year"], "month": sm, "day": 1}))
    frm = frm.where(frm.notna() & frm.ne(fy_first))  # from the year's first day = blank
    k = ["nameplate", "market", "fiscal_year"]
    f = f.assign(from_month=frm, first=fy_first)
    starts = f[k + ["from_month", "first"]].assign(
        order=f["from_month"].fillna(f["first"])).drop_duplicates(k + ["order"]) \
        .sort_values(k + ["order"])
    starts["to_month"] = starts.groupby(k)["order"].shift(-1)
    f = f.assign(order=f["from_month"].fillna(f["first"])).merge(
        starts[k + ["order", "to_month"]], on=k + ["order"])
    if dated:
        return f[cols + ["from_month", "to_month"]].reset_index(drop=True)
    w = [_segment_weight(fp, comp[n], int(y), a, b)
         for n, y, a, b in zip(f["nameplate"], f["fiscal_year"], f["from_month"], f["to_month"])]
    f["units"] = f["units"] * np.asarray(w, dtype=float)
    return f.groupby(cols[:-1], as_index=False)["units"].sum()[cols]


def month_weights(fp: Footprint, company: str) -> np.ndarray:
    """The company's share of a fiscal year's entries in each of its twelve months (its
    ``profile`` rows, else the dataset's ``*`` rows, else flat)."""
    prof = fp.table("profile")
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
    return month_w / month_w.sum()


def _segment_weight(fp: Footprint, company: str, fiscal_year: int, frm, to) -> float:
    """Share of a fiscal year's entries between two months (NaT: the year's start / end)."""
    sm = int(fp.companies.set_index("company").at[company, "fiscal_year_start_month"])
    first = pd.Timestamp(fiscal_year, sm, 1)
    months = pd.date_range(first, periods=12, freq="MS")
    keep = np.ones(12, dtype=bool)
    if pd.notna(frm):
        keep &= months >= frm
    if pd.notna(to):
        keep &= months < to
    return float(month_weights(fp, company)[keep].sum())


def _cached(fp: Footprint, key: tuple, make):
    """Memoise on the footprint: what depends only on its tables, not on the flows' units, is
    worked out once per Footprint (tables are treated as immutable; ``replace`` makes a new one).
    The tables' identities are part of the key, so a table swapped in place is not mistaken."""
    cache = fp.__dict__.setdefault("_derived", {})
    ids = tuple(id(fp.tables.get(t)) for t in ("measures", "companies", "fx", "profile",
                                                "inventory"))
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
    out = []
    for company, row in comp.iterrows():
        month_w = month_weights(fp, company)
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
    days["per_usd"] = _fx_on(fp.fx, days, _first_demand_year(fp))
    return days


def _first_demand_year(fp: Footprint) -> int | None:
    years = fp.demand["fiscal_year"].dropna()
    return int(years.min()) if len(years) else None


def _fx_on(fx: pd.DataFrame, days: pd.DataFrame, first_year: int | None = None) -> np.ndarray:
    """Each day's units of its currency per USD. Days of the years before the first year with
    demand (the stock carried in, see ``exposure``) before a currency's first rate take that
    first rate."""
    per_usd = per_usd_on(fx, days["currency"].to_numpy(dtype=object), days["date"])
    missing = np.isnan(per_usd)
    if missing.any() and first_year is not None and len(fx):
        first = fx.sort_values("start").groupby("currency")["per_usd"].first()
        early = missing & (days["fiscal_year"] < first_year).to_numpy()
        per_usd[early] = days.loc[early, "currency"].map(first).to_numpy(float)
        missing = np.isnan(per_usd)
    if missing.any():
        first = days.loc[missing].iloc[0]
        raise DatasetError([Problem("fx.csv", 0, "start",
                                    f"no {first['currency']} rate covers {first['date']:%Y-%m-%d} "
                                    f"(needed for {first['company']} FY{first['fiscal_year']})")])
    return per_usd


_ROW_COLS = ["flow", "company", "nameplate", "plant", "market", "importer", "fiscal_year",
             "origin", "goods", "line", "category", "usmca", "customs_value_usd",
             "us_content_share", "msrp_usd", "units", "vehicle_units", "cost_share",
             "offset_share", "from_month", "to_month"]


def _company_shares(fp: Footprint) -> pd.DataFrame:
    """Per company: supplier pass-through (blank = 1) and the share of suppliers' duty the
    offset may cancel (blank = 0)."""
    c = fp.companies
    out = pd.DataFrame({"company": c["company"]})
    for col, default in (("supplier_pass_through", 1.0), ("offset_to_suppliers", 0.0)):
        v = c[col] if col in c else pd.Series(np.nan, index=c.index)
        out[col] = pd.to_numeric(v, errors="coerce").fillna(default).to_numpy(float)
    return out


def goods_rows(fp: Footprint, flows: pd.DataFrame) -> pd.DataFrame:
    """What crosses the border for each flow: the vehicle itself when it is imported; its
    imported parts (own and suppliers'), its metals and the assembly offset when it is built in
    the importing market. ``cost_share``: the share of the duty the firm bears;
    ``offset_share``: the share of the added duty the offset may cancel."""
    if "from_month" not in flows:
        flows = flows.assign(from_month=pd.NaT, to_month=pd.NaT)
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
    veh = f.assign(origin=f["country"], goods="vehicle", line="vehicle",
                   usmca=f["usmca_qualifying"].astype(bool), vehicle_units=f["units"],
                   cost_share=1.0, offset_share=0.0)
    domestic = f[f["country"].eq(f["market"])].merge(_company_shares(fp), on="company",
                                                     how="left")
    pc = fp.table("parts_content")
    own = pc["own_import_share"] if "own_import_share" in pc else pd.Series(np.nan, pc.index)
    pc = pc.assign(own=pd.to_numeric(own, errors="coerce").fillna(1.0).to_numpy(float))
    parts = domestic.merge(pc[["plant", "origin", "usmca_compliant", "share", "own"]],
                           on="plant")
    parts = parts.assign(goods="part", usmca=parts["usmca_compliant"].astype(bool),
                         us_content_share=0.0, msrp_usd=0.0, vehicle_units=0.0)
    value = parts["customs_value_usd"] * parts["share"]
    own_parts = parts.assign(line="own_part", customs_value_usd=value * parts["own"],
                             cost_share=1.0, offset_share=1.0)
    sup = parts.assign(line="supplier_part", customs_value_usd=value * (1 - parts["own"]),
                       cost_share=parts["supplier_pass_through"],
                       offset_share=parts["offset_to_suppliers"])
    sup = sup[sup["customs_value_usd"] > 0]
    metals = domestic.merge(fp.table("metals")[["plant", "origin", "metal", "under_auto_tariff",
                                                "value_usd"]], on="plant")
    auto = metals["under_auto_tariff"].astype(bool)
    metals = metals.assign(goods=np.where(auto, "part", "metal"), line="metal",
                           category=np.where(auto, metals["category"], metals["metal"]),
                           usmca=False, customs_value_usd=metals["value_usd"],
                           us_content_share=0.0, msrp_usd=0.0, vehicle_units=0.0,
                           cost_share=1.0, offset_share=np.where(auto, 1.0, 0.0))
    return pd.concat([veh[_ROW_COLS], own_parts[_ROW_COLS], sup[_ROW_COLS], metals[_ROW_COLS]],
                     ignore_index=True)


def service_rows(fp: Footprint, fiscal_years, first_flow: int = 0) -> pd.DataFrame:
    """Replacement parts each firm imports in each fiscal year: one row per ``service_parts``
    row and year (units = 1, customs value = the year's value), charged at the parts rates."""
    sp = fp.table("service_parts")
    years = pd.DataFrame({"fiscal_year": sorted({int(y) for y in fiscal_years})})
    r = sp.merge(years, how="cross")
    r = r.assign(flow=first_flow + np.arange(len(r)), nameplate="", plant="",
                 importer=r["market"], goods="part", line="service_part",
                 category="service_part", usmca=r["usmca_compliant"].astype(bool),
                 customs_value_usd=r["value_usd"].astype(float), us_content_share=0.0,
                 msrp_usd=0.0, units=1.0, vehicle_units=0.0, cost_share=1.0, offset_share=0.0,
                 from_month=pd.NaT, to_month=pd.NaT)
    return r[_ROW_COLS].reset_index(drop=True)


TIMINGS = ("entry", "sale")


def inventory_days(fp: Footprint, company, origin, goods) -> np.ndarray:
    """Days between entry and sale (``inventory``) for each (company, origin, goods) given as
    arrays; goods vehicle, part or metal. The most specific row wins (origin named, then goods
    named); none: 0 (charged when entered)."""
    inv = fp.table("inventory")
    company = np.asarray(company, dtype=object)
    origin = np.asarray(origin, dtype=object)
    goods = np.asarray(goods, dtype=object)
    out = np.zeros(len(company))
    best = np.full(len(company), -1)
    for r in inv.itertuples(index=False):
        ok = (company == r.company) & ((origin == r.origin) | (r.origin == "*")) \
            & ((goods == r.goods) | (r.goods == "*"))
        score = 2 * (r.origin != "*") + (r.goods != "*")
        take = ok & (score > best)
        out[take] = float(r.days)
        best[take] = score
    return out


def _sale_month(dates: pd.Series, lag_days: np.ndarray) -> pd.Series:
    """The month a unit entering on each date is sold, ``lag_days`` later (first in first out
    with a constant stock of that many days)."""
    sold = pd.to_datetime(dates).to_numpy() + (np.asarray(lag_days) * 86400e9).astype(
        "timedelta64[ns]")
    return pd.Series(sold).dt.to_period("M").dt.to_timestamp().set_axis(dates.index)


def _monthly_rates(fp: Footprint, rows: pd.DataFrame, days: pd.DataFrame, by_month: bool,
                   timing: str = "entry"):
    """Per (key, company, fiscal year[, month]): the day-weighted rates, in USD and local terms.
    They depend only on the measures, the goods keys and the fiscal days, so they are memoised
    on the footprint: a stream of demand scenarios or the chunks of a large run pays once."""
    keys = rows[KEY[:-1]].drop_duplicates().sort_values(KEY[:-1]).reset_index(drop=True)
    key = ("rates", by_month, timing, tuple(keys.itertuples(index=False, name=None)),
           tuple(days[["company", "fiscal_year"]].drop_duplicates().itertuples(
               index=False, name=None)))
    return _cached(fp, key, lambda: _rates_table(fp, keys, days, by_month, timing))


def _rates_table(fp: Footprint, keys: pd.DataFrame, days: pd.DataFrame, by_month: bool,
                 timing: str = "entry"):
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
    g["entry_month"] = g["month"]
    if timing == "sale":
        k = keys.set_index("key")
        lag = inventory_days(fp, g["company"], g["key"].map(k["origin"]),
                             g["key"].map(k["goods"]))
        g["month"] = _sale_month(g["date"], lag)
    parts = {"share": g["weight"]}
    for col in ("on_value", "on_non_us", "base", "offset"):
        parts[col] = g[col] * g["weight"]
        parts[col + "_local"] = parts[col] * g["per_usd"]
    agg = pd.concat([g[["key", "company", "fiscal_year", "month", "entry_month"]],
                     pd.DataFrame(parts)], axis=1)
    # without months, a flow costs one row per fiscal year instead of twelve
    by = ["key", "company", "fiscal_year"] + (["month", "entry_month"] if by_month else [])
    agg = agg.drop(columns=[] if by_month else ["month", "entry_month"]) \
        .groupby(by, as_index=False).sum()
    return keys, agg, quota_keys


def duty_for_flows(fp: Footprint, flows: pd.DataFrame, by_month: bool = False,
                   cap_offset: bool = True, service_years=None,
                   timing: str = "entry") -> pd.DataFrame:
    """Duty for given flows (nameplate, plant, market, fiscal_year, units).

    One row per flow, origin and line (``goods``: vehicle, own_part, supplier_part, metal; with
    ``service_years`` also the firms' service_part rows for those fiscal years) and, with
    ``by_month``, per month of entry. Columns in USD and in the company's currency
    (``*_local``): duty, base duty (what MFN/preference alone would charge), added duty
    (duty - base: the cost of the new tariffs; the firm's share for supplier parts), offset
    (<= 0, on vehicles assembled in the market, capped each fiscal year at the firm's
    ``offset_base_usd``: the added duty the offset may cancel) and tariff cost (added duty +
    offset).

    ``timing`` entry: ``month`` is the month of entry (duty paid); sale: the month the units
    are sold, ``inventory`` days after entry (tariff cost recognised; ``fiscal_year`` stays the
    year of entry, and the offset cap is per year of entry). Flows may carry ``from_month`` /
    ``to_month`` (dated sourcing, see ``current_flows``): only their entries in those months
    count.
    """
    if timing not in TIMINGS:
        raise ValueError(f"timing must be one of {', '.join(TIMINGS)}, not {timing!r}")
    flows = flows[flows["units"] != 0] if len(flows) else flows
    rows = goods_rows(fp, flows)
    if service_years is not None:
        rows = pd.concat([rows, service_rows(fp, service_years, len(flows))],
                         ignore_index=True)
    if rows.empty:
        return _empty_result(by_month)
    days = fiscal_days(fp, rows["company"].unique(), rows["fiscal_year"].unique())
    dated = rows["from_month"].notna().any() or rows["to_month"].notna().any()
    monthly = by_month or dated or timing == "sale"
    keys, agg, quota_keys = _monthly_rates(fp, rows, days, monthly, timing)
    rows = rows.merge(keys, on=KEY[:-1])
    quota_rows = rows["key"].isin(quota_keys)
    with np.errstate(over="ignore", invalid="ignore"):  # checked below (_check_finite)
        parts = [_factorised(rows[~quota_rows], agg)]
        if quota_rows.any():
            parts.append(_day_by_day(fp, rows[quota_rows], days, timing))
    out = pd.concat(parts, ignore_index=True)
    out["goods"] = out.pop("line")
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
        if timing == "sale":  # entries of several months sold in one month: one row
            out = out.groupby(["flow", "origin", "goods", "month"], as_index=False,
                              sort=False).agg(
                {**{c: "sum" for c in _VALUE_COLS + ["vehicle_units", "customs_value_total_usd"]},
                 **{c: "first" for c in ["company", "fiscal_year", "nameplate", "plant",
                                         "market", "currency"]}})
    out = out.rename(columns={"vehicle_units": "units"})
    _check_finite(out)
    return out[cols + ["units", "customs_value_total_usd", "currency"] + _VALUE_COLS] \
        .reset_index(drop=True)


def _check_finite(out: pd.DataFrame) -> None:
    """Arithmetic that overflowed (or lost its meaning) is an error, never a 0 or a blank."""
    vals = out[["units", "customs_value_total_usd"] + _VALUE_COLS].to_numpy(dtype=float)
    bad = ~np.isfinite(vals).all(axis=1)
    if bad.any():
        r = out.loc[bad].iloc[0]
        raise AutoallianceError(
            f"duty for {r['nameplate']} built at {r['plant']} in FY{int(r['fiscal_year'])} "
            "is not a finite number (the arithmetic overflowed): check the magnitudes of its "
            "units, customs value and FX rates")


def _in_period(entry_month: pd.Series, rows: pd.DataFrame) -> np.ndarray:
    """Whether each entry month lies in its flow's sourcing period (dated sourcing)."""
    frm, to = rows["from_month"], rows["to_month"]
    return ((frm.isna() | (entry_month >= frm)) & (to.isna() | (entry_month < to))).to_numpy()


def _factorised(rows: pd.DataFrame, agg: pd.DataFrame) -> pd.DataFrame:
    r = rows.merge(agg, on=["key", "company", "fiscal_year"])
    if "entry_month" in r:
        r = r[_in_period(r["entry_month"], r)]
    units = r["units"].to_numpy(float)
    value = r["customs_value_usd"].to_numpy(float) * units
    non_us = value * (1 - r["us_content_share"].to_numpy(float))
    msrp = r["msrp_usd"].to_numpy(float) * units
    share = r["share"].to_numpy()  # the month's share of the year's entries
    ids = ["flow", "company", "nameplate", "plant", "market", "origin", "line", "fiscal_year"]
    out = r[ids + (["month"] if "month" in r else [])].copy()
    out["vehicle_units"] = r["vehicle_units"].to_numpy(float) * share
    out["customs_value_total_usd"] = value * share
    borne = r["cost_share"].to_numpy(float)  # the firm's share of the duty
    out["duty_usd"] = borne * (value * r["on_value"] + non_us * r["on_non_us"])
    out["duty_local"] = borne * (value * r["on_value_local"] + non_us * r["on_non_us_local"])
    out["base_duty_usd"] = borne * value * r["base"]
    out["added_duty_usd"] = out["duty_usd"] - out["base_duty_usd"]
    out["added_duty_local"] = out["duty_local"] - borne * value * r["base_local"]
    out["offset_base_usd"] = out["added_duty_usd"] * r["offset_share"].to_numpy(float)
    out["offset_credit_usd"] = msrp * r["offset"]
    out["offset_credit_local"] = msrp * r["offset_local"]
    return out


def _day_by_day(fp: Footprint, rows: pd.DataFrame, days: pd.DataFrame,
                timing: str = "entry") -> pd.DataFrame:
    e = rows.merge(days, on=["company", "fiscal_year"])
    e = e[_in_period(e["month"], e)].reset_index(drop=True)
    if timing == "sale":
        e["month"] = _sale_month(e["date"], inventory_days(fp, e["company"], e["origin"],
                                                           e["goods"]))
    e = e.assign(units=e["units"] * e["weight"], vehicle_units=e["vehicle_units"] * e["weight"])
    d = duty_for_entries(fp.measures, e)
    per = d["per_usd"].to_numpy()
    borne = d["cost_share"].to_numpy(float)
    out = d[["flow", "company", "nameplate", "plant", "market", "origin", "line", "fiscal_year",
             "month"]].copy()
    out["vehicle_units"] = d["vehicle_units"]
    out["customs_value_total_usd"] = d["customs_value_usd"] * d["units"]
    out["duty_usd"] = d["duty_usd"] * borne
    out["duty_local"] = out["duty_usd"] * per
    out["base_duty_usd"] = d["base_duty_usd"] * borne
    out["added_duty_usd"] = d["added_duty_usd"] * borne
    out["added_duty_local"] = out["added_duty_usd"] * per
    out["offset_base_usd"] = out["added_duty_usd"] * d["offset_share"].to_numpy(float)
    out["offset_credit_usd"] = d["offset_credit_usd"]
    out["offset_credit_local"] = d["offset_credit_usd"] * per
    return out.groupby(["flow", "company", "nameplate", "plant", "market", "origin", "line",
                        "fiscal_year", "month"], as_index=False).sum()


def _cap_offset(out: pd.DataFrame) -> None:
    """The offset is usable only against the same company's own added parts duty in the year
    (and the share of its suppliers' duty it may cancel): ``offset_base_usd``."""
    grp = ["company", "fiscal_year"]
    parts_total = out["offset_base_usd"].groupby([out[g] for g in grp]).transform("sum")
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


def exposure(fp: Footprint, fiscal_years=None, by_month: bool = False,
             timing: str = "entry") -> pd.DataFrame:
    """Duty under today's sourcing for the given fiscal years (default: the dataset's base year,
    ``Footprint.base_year``), service parts included (see ``duty_for_flows``).

    ``timing`` entry: by the date the units enter (duty paid); sale: by the date they are sold,
    ``inventory`` days later, first in first out (tariff cost recognised), with ``fiscal_year``
    and ``month`` those of the sale. A year's recognised cost includes the stock it inherits
    from the year before; before the first fiscal year with demand, the entries are taken to
    be that year's (the stock carried in, at the rules in force on its days of entry).

    A quota counts the entries of a calendar year, whichever fiscal year they belong to: the
    entries of the neighbouring fiscal years (the only ones that share a calendar year with a
    fiscal year) go through the quota too and are then left out, so a fiscal year's figures do
    not depend on which other years are asked for."""
    if timing not in TIMINGS:
        raise ValueError(f"timing must be one of {', '.join(TIMINGS)}, not {timing!r}")
    if fiscal_years is None:
        fiscal_years = [fp.base_year]
    elif isinstance(fiscal_years, (int, np.integer)):  # exposure(fp, 2025)
        fiscal_years = [int(fiscal_years)]
    years = sorted({int(y) for y in fiscal_years})
    entry_years = set(years)
    if timing == "sale":
        inv = fp.table("inventory")
        back = int(np.ceil(float(inv["days"].max()) / 365.0)) if len(inv) else 0
        entry_years |= {y - k for y in years for k in range(1, back + 1)}
    have = set(int(y) for y in fp.demand["fiscal_year"].dropna())  # years with entries
    if has_quotas(fp):  # neighbours with entries share the quota's calendar years
        entry_years |= {y + d for y in entry_years for d in (-1, 1)} & have
    entry_years = sorted(entry_years)
    flows = _flows_with_carried_stock(fp, entry_years, have) if timing == "sale" \
        else current_flows(fp, entry_years, dated=True)
    out = duty_for_flows(fp, flows, by_month=by_month or timing == "sale",
                         service_years=entry_years, timing=timing)
    if timing == "sale":
        sm = out["company"].map(fp.companies.set_index("company")["fiscal_year_start_month"])
        month = pd.to_datetime(out["month"])
        out["fiscal_year"] = np.where(month.dt.month >= sm, month.dt.year,
                                      month.dt.year - 1).astype(int)
        out = out[out["fiscal_year"].isin(years)]
        if not by_month:
            ids = ["company", "fiscal_year", "nameplate", "plant", "market", "origin", "goods"]
            out = out.groupby(ids, as_index=False, sort=False).agg(
                {**{c: "sum" for c in ["units", "customs_value_total_usd"] + _VALUE_COLS},
                 "currency": "first"})[ids + ["units", "customs_value_total_usd", "currency"]
                                       + _VALUE_COLS]
    return out[out["fiscal_year"].isin(years)].reset_index(drop=True)


def _flows_with_carried_stock(fp: Footprint, entry_years: list[int], have: set[int]):
    """Today's flows of the entry years (dated); a year before the first year with demand
    takes that year's flows (the stock carried into the first modelled year)."""
    flows = current_flows(fp, [y for y in entry_years if y in have], dated=True)
    first = min(have) if have else None
    early = [y for y in entry_years if first is not None and y < first]
    if not early:
        return flows
    base = current_flows(fp, [first], dated=True)
    carried = [base.assign(fiscal_year=y,
                           from_month=base["from_month"] - pd.DateOffset(years=first - y),
                           to_month=base["to_month"] - pd.DateOffset(years=first - y))
               for y in early]
    return pd.concat([flows, *carried], ignore_index=True)


def has_quotas(fp: Footprint) -> bool:
    """Whether any trade rule of the footprint has a quota."""
    return bool(fp.measures["quota_units"].notna().any()) if len(fp.measures) else False


#: The columns of an exposure table after its grouping keys (``exposure --json``, the report).
EXPOSURE_COLUMNS = ["units", "duty_usd", "added_duty_usd", "offset_usd", "tariff_cost_usd",
                    "tariff_cost_per_unit_usd", "tariff_cost_local", "currency"]


def per_line_units(by: list[str]) -> bool:
    """Whether a grouping splits the bill by origin or line, so that a group's vehicles are not
    the units its parts go into: per-unit figures then cover the vehicle line only
    (``vehicle_tariff_cost_per_unit_usd``) instead of every line (``tariff_cost_per_unit_usd``)."""
    return "origin" in by or "goods" in by


def exposure_table(result: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """``summarise`` with the columns and order shown to users (``exposure --by BY --json``,
    the report's tables): company, fiscal year, the grouping, then ``EXPOSURE_COLUMNS``; the
    largest tariff cost first within each company and year."""
    by_list = [by] if isinstance(by, str) else list(by)
    s = summarise(result, by_list)
    per_unit = "vehicle_tariff_cost_per_unit_usd" if per_line_units(by_list) \
        else "tariff_cost_per_unit_usd"
    cols = list(dict.fromkeys(["company", "fiscal_year"] + by_list)) + [
        per_unit if c == "tariff_cost_per_unit_usd" else c for c in EXPOSURE_COLUMNS]
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
    if "goods" in by:
        result = offset_as_line(result)
    g = result.groupby(keys, as_index=False).agg(
        {**{c: "sum" for c in ["units", "customs_value_total_usd"] + _VALUE_COLS},
         "currency": "first"})
    if per_line_units(by):
        # parts and service parts of an origin go into vehicles built elsewhere, so they are not
        # divided by that origin's vehicles: only the vehicle line, before the offset (a credit
        # against parts duty), over its own units
        veh = offset_as_line(result)
        veh = veh[veh["goods"] == "vehicle"].groupby(keys, as_index=False)[
            ["tariff_cost_usd"]].sum().rename(columns={"tariff_cost_usd": "_veh"})
        g = g.merge(veh, on=keys, how="left")
        g["vehicle_tariff_cost_per_unit_usd"] = g.pop("_veh") / g["units"].where(g["units"] > 0)
    else:
        g["tariff_cost_per_unit_usd"] = g["tariff_cost_usd"] / g["units"].where(g["units"] > 0)
    if "goods" in by:  # the bill's lines in their order
        order = {line: i for i, line in enumerate(LINES)}
        g = g.sort_values(keys, key=lambda c: c.map(order) if c.name == "goods" else c,
                          kind="stable").reset_index(drop=True)
    return g


def offset_as_line(result: pd.DataFrame) -> pd.DataFrame:
    """The result with the offset moved off the vehicle rows into rows of its own (``goods`` =
    offset): each line's tariff cost is then its gross cost, and the offset rows carry the
    credit. Totals are unchanged."""
    has = result["offset_usd"].ne(0)
    off = result[has].copy()
    zero = ["units", "customs_value_total_usd", "duty_usd", "base_duty_usd", "added_duty_usd",
            "duty_local", "added_duty_local", "offset_base_usd"]
    off[zero] = 0.0
    off["goods"] = "offset"
    off["tariff_cost_usd"] = off["offset_usd"]
    off["tariff_cost_local"] = off["offset_local"]
    rest = result.copy()
    rest.loc[has, "tariff_cost_usd"] -= rest.loc[has, "offset_usd"]
    rest.loc[has, "tariff_cost_local"] -= rest.loc[has, "offset_local"]
    rest.loc[has, ["offset_usd", "offset_local"]] = 0.0
    return pd.concat([rest, off], ignore_index=True)


def unit_duty(fp: Footprint, lanes: pd.DataFrame) -> pd.DataFrame:
    """Duty per vehicle unit of each lane (nameplate, plant, market, fiscal_year): every line
    together (vehicle, own and suppliers' parts, metals); ``parts_added_duty_usd`` is the part of
    ``added_duty_usd`` the company's offset credit (``offset_usd``, <= 0, uncapped) may cancel
    (its own parts duty and the share of its suppliers' it may cover). Linear in units, so the
    planner can use these as cost coefficients; quotas are
    not applied (every unit at the in-quota rate)."""
    lanes = lanes[["nameplate", "plant", "market", "fiscal_year"]].drop_duplicates()
    flows = lanes.assign(units=1.0)
    res = duty_for_flows(fp, flows, cap_offset=False)
    res["parts_added_duty_usd"] = res["offset_base_usd"]
    keys = ["nameplate", "plant", "market", "fiscal_year"]
    cols = ["duty_usd", "base_duty_usd", "added_duty_usd", "parts_added_duty_usd", "offset_usd"]
    per = res.groupby(keys, as_index=False)[cols].sum()
    return lanes.merge(per, on=keys, how="left").fillna({c: 0.0 for c in cols})


def quota_segments(fp: Footprint, lanes: pd.DataFrame) -> pd.DataFrame:
    """Where a lane's yearly vehicle units meet a quota: one row per (lane-year, quota rule,
    calendar year) with ``share`` (of the lane-year's units entering then, by the company's
    monthly profile), ``in_duty_usd`` and ``over_duty_usd`` (duty per unit of those entries
    inside and beyond the quota). ``unit_duty`` charges every unit at the in-quota rate; the
    planner adds ``share * (over - in)`` per unit and earns it back on the units it fits in the
    quota. Lanes: nameplate, plant, market, fiscal_year."""
    cols = ["nameplate", "plant", "market", "fiscal_year", "measure", "calendar_year", "share",
            "in_duty_usd", "over_duty_usd", "quota_units"]
    if not has_quotas(fp) or lanes.empty:
        return pd.DataFrame(columns=cols)
    flows = lanes[["nameplate", "plant", "market", "fiscal_year"]].drop_duplicates() \
        .assign(units=1.0)
    rows = goods_rows(fp, flows)
    rows = rows[rows["goods"].eq("vehicle")]
    days = fiscal_days(fp, rows["company"].unique(), rows["fiscal_year"].unique())
    keys = rows[KEY[:-1]].drop_duplicates().reset_index(drop=True)
    keys["key"] = np.arange(len(keys))
    grid = keys.merge(pd.DataFrame({"date": days["date"].drop_duplicates()}), how="cross")
    rates = rates_for_keys(fp.measures, grid[KEY])
    quota = rates["all_in_quota"].notna().to_numpy()
    if not quota.any():
        return pd.DataFrame(columns=cols)
    unit = unit_rates(rates)
    nonus = rates["additional_basis"].eq("non_us_content").to_numpy()
    add = rates["additional_rate"].to_numpy()
    g = grid[["key", "date"]].assign(
        measure=rates["all_in_measure"].to_numpy(), quota_units=rates["all_in_quota"].to_numpy(),
        on_deal=unit["on_value"].to_numpy(),
        over_value=rates["base_rate"].to_numpy() + np.where(nonus, 0.0, add)
        + rates["surcharge_rate"].to_numpy(),
        over_non_us=np.where(nonus, add, 0.0))[quota]
    e = rows.merge(keys, on=KEY[:-1]).merge(days[["company", "fiscal_year", "date", "weight"]],
                                            on=["company", "fiscal_year"]).merge(g, on=["key",
                                                                                         "date"])
    value = e["customs_value_usd"].to_numpy(float)
    non_us = value * (1 - e["us_content_share"].to_numpy(float))
    w = e["weight"].to_numpy()
    e = e.assign(calendar_year=e["date"].dt.year, share=w,
                 in_duty_usd=w * value * e["on_deal"].to_numpy(),
                 over_duty_usd=w * (value * e["over_value"].to_numpy()
                                    + non_us * e["over_non_us"].to_numpy()))
    seg = e.groupby(["nameplate", "plant", "market", "fiscal_year", "measure", "calendar_year"],
                    as_index=False).agg(share=("share", "sum"), in_duty_usd=("in_duty_usd", "sum"),
                                        over_duty_usd=("over_duty_usd", "sum"),
                                        quota_units=("quota_units", "first"))
    per = seg["share"].where(seg["share"] > 0, 1.0)
    seg["in_duty_usd"] /= per
    seg["over_duty_usd"] /= per
    return seg[cols]


#: groupings in time of ``exposure_timeline`` (any with the other ``GROUPINGS`` but month)
TIME_GROUPINGS = ("month", "quarter", "fiscal_year")
#: the columns of a timeline after its grouping keys
TIMELINE_COLUMNS = ["units", "duty_usd", "added_duty_usd", "offset_usd", "tariff_cost_usd",
                    "tariff_cost_local", "units_sold", "tariff_cost_recognised_usd",
                    "tariff_cost_recognised_local", "currency"]


def quarter_label(fiscal_year, month, start_month) -> str:
    """FY2025Q3 for a month of the third quarter of FY2025 (the company's fiscal year)."""
    m = pd.Timestamp(month)
    q = ((m.month - int(start_month)) % 12) // 3 + 1
    return f"FY{int(fiscal_year)}Q{q}"


def exposure_timeline(fp: Footprint, fiscal_years=None, by=("month",)) -> pd.DataFrame:
    """Duty paid (cash, by entry date: ``duty_usd``, and the tariff cost ``tariff_cost_*``) and
    the tariff cost recognised (by sale date, ``inventory`` days later, first in first out:
    ``tariff_cost_recognised_*``; ``units_sold``) per company and month, quarter (FY2025Q1) or
    fiscal year, with any of the other groupings; in time order within each company."""
    by = [by] if isinstance(by, str) else list(by)
    time = [b for b in by if b in TIME_GROUPINGS]
    if len(time) != 1:
        raise ValueError(f"group by exactly one of {', '.join(TIME_GROUPINGS)}")
    other = [b for b in by if b not in TIME_GROUPINGS]
    bad = [b for b in other if b not in GROUPINGS]
    if bad:
        raise ValueError(f"cannot group by {bad}; choose from "
                         f"{', '.join(GROUPINGS[:-1] + TIME_GROUPINGS)}")
    years = [fp.base_year] if fiscal_years is None else fiscal_years
    sm = fp.companies.set_index("company")["fiscal_year_start_month"]
    keys = list(dict.fromkeys(["company", "fiscal_year"] + other + time))
    parts = []
    for timing in TIMINGS:
        r = exposure(fp, years, by_month=True, timing=timing)
        if "goods" in other:
            r = offset_as_line(r)
        r["month"] = pd.to_datetime(r["month"])
        r["quarter"] = [quarter_label(y, m, sm[c]) for y, m, c in
                        zip(r["fiscal_year"], r["month"], r["company"])]
        cols = ["units", "duty_usd", "added_duty_usd", "offset_usd", "tariff_cost_usd",
                "tariff_cost_local"] if timing == "entry" else \
            ["units", "tariff_cost_usd", "tariff_cost_local"]
        g = r.groupby(keys, as_index=False).agg({**{c: "sum" for c in cols},
                                                 "currency": "first"})
        if timing == "sale":
            g = g.rename(columns={"units": "units_sold",
                                  "tariff_cost_usd": "tariff_cost_recognised_usd",
                                  "tariff_cost_local": "tariff_cost_recognised_local"})
        parts.append(g)
    out = parts[0].merge(parts[1], on=keys, how="outer", suffixes=("", "_sold"))
    out["currency"] = out["currency"].fillna(out.pop("currency_sold"))
    num = [c for c in TIMELINE_COLUMNS if c != "currency"]
    out[num] = out[num].fillna(0.0)
    order = list(dict.fromkeys(["company"] + time + keys))
    return out.sort_values(order).reset_index(drop=True)[keys + TIMELINE_COLUMNS]
