"""Exposure throughput: the vectorised engine (chunked over flows) against the way an analyst
would write it in pandas.

Unit-rows are (goods row x month) rows: what the engine's factorised path multiplies, one per
flow, kind of goods crossing the border (the vehicle, or each origin of imported parts) and
month. Throughput is unit-rows x measures per second (every unit-row is checked against every
trade rule of the dataset, 19 in the bundled ``measures.csv``).

The workload: one synthetic footprint (``autoalliance.dataset.synth``), and a stream of demand
scenarios over it, each the footprint's flows with units drawn again (a consultancy runs hundreds);
a chunk is one scenario. The totals per company and fiscal year are summed over scenarios, so the
work grows with the number of unit-rows and the memory does not.

Run as a script for one measurement in a fresh process (``run.py`` does that, so each peak
memory is the process's own): prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import numpy as np
import pandas as pd
from memory import current_rss_mib, peak_rss_mib

from autoalliance.dataset.footprint import Footprint, load_footprint
from autoalliance.trade.exposure import current_flows, duty_for_flows, goods_rows

TOTALS = ["duty_usd", "added_duty_usd", "parts_added_usd", "credit_usd"]
# the exposure workload's footprint: 6 firms, 60 plants, 2,000 nameplates, 10 fiscal years
FOOTPRINT = dict(companies=6, plants=60, nameplates=2000, years=10, seed=11)


# --- the engine, chunked over flows ---------------------------------------------------------

def engine_totals(fp: Footprint, flows: pd.DataFrame) -> pd.DataFrame:
    """Uncapped totals per company and fiscal year from the engine (``duty_for_flows``)."""
    r = duty_for_flows(fp, flows, cap_offset=False)
    r["parts_added_usd"] = r["offset_base_usd"]  # the added duty the offset may cancel
    r["credit_usd"] = -r["offset_usd"]
    return r.groupby(["company", "fiscal_year"])[TOTALS].sum()


def cap_offset(totals: pd.DataFrame) -> pd.DataFrame:
    """The assembly offset is usable only up to the company's added parts duty in the year."""
    t = totals.copy()
    t["offset_usd"] = -np.minimum(t["credit_usd"], t["parts_added_usd"])
    t["tariff_cost_usd"] = t["added_duty_usd"] + t["offset_usd"]
    return t[["duty_usd", "added_duty_usd", "offset_usd", "tariff_cost_usd"]]


def chunked(fp: Footprint, chunks, totals_fn=engine_totals) -> pd.DataFrame:
    """Totals per company and fiscal year over a stream of (scenario, flows) chunks: the offset
    cap is per company-year of each scenario, so it is applied once per scenario at the end."""
    acc = {}
    for scenario, flows in chunks:
        t = totals_fn(fp, flows)
        acc[scenario] = t if scenario not in acc else acc[scenario].add(t, fill_value=0.0)
    return sum(cap_offset(t) for t in acc.values())


# --- the pandas baseline ----------------------------------------------------------------------

def _days(fp: Footprint, companies, fiscal_years) -> pd.DataFrame:
    """Every day of each company's fiscal years with its share of the year's units."""
    prof = fp.table("profile")
    out = []
    for c in fp.companies.itertuples():
        if c.company not in set(companies):
            continue
        own = prof[prof["company"] == c.company]
        if own.empty:
            own = prof[prof["company"] == "*"]
        w = np.ones(12) if own.empty else own.sort_values("month")["weight"].to_numpy(float)
        w = w / w.sum()
        for fy in fiscal_years:
            start = pd.Timestamp(int(fy), int(c.fiscal_year_start_month), 1)
            d = pd.date_range(start, start + pd.DateOffset(years=1) - pd.Timedelta(days=1))
            m = (d.year - start.year) * 12 + d.month - start.month
            out.append(pd.DataFrame({"company": c.company, "fiscal_year": fy, "date": d,
                                     "month": d.to_period("M").to_timestamp(),
                                     "weight": w[m] / d.days_in_month}))
    return pd.concat(out, ignore_index=True)


def pandas_totals(fp: Footprint, flows: pd.DataFrame) -> pd.DataFrame:
    """The straightforward way: expand flows x days, apply each rule with a mask (most specific
    rule of each layer last, so it wins), compute duty per day-entry, group by."""
    g = goods_rows(fp, flows)  # the same merges an analyst writes (nameplates, plants, costs)
    e = g.merge(_days(fp, g["company"].unique(), sorted(g["fiscal_year"].unique())),
                on=["company", "fiscal_year"])
    e["units"] = e["units"] * e["weight"]
    e["vehicle_units"] = e["vehicle_units"] * e["weight"]
    m = fp.measures.copy()
    m["spec"] = (4 * m["origin"].ne("*") + 2 * m["category"].ne("*") + m["usmca"].ne("*"))
    domestic = e["origin"].eq(e["importer"])
    for layer in ("base", "additional", "all_in", "offset"):
        e[f"{layer}_rate"] = np.nan if layer == "all_in" else 0.0
        e[f"{layer}_measure"] = ""
        e[f"{layer}_basis"] = "customs_value"
        e[f"{layer}_quota"] = np.nan
        for r in m[m["layer"] == layer].sort_values("spec", kind="stable").itertuples():
            hit = e["importer"].eq(r.importer) & e["goods"].eq(r.goods) & (e["date"] >= r.start)
            if r.origin != "*":
                hit &= e["origin"].isin(r.origin.split("|"))
            if r.category != "*":
                hit &= e["category"].eq(r.category)
            if r.usmca != "*":
                hit &= e["usmca"].eq(r.usmca == "yes")
            if not pd.isna(r.end):
                hit &= e["date"] <= r.end
            hit &= domestic if layer == "offset" else ~domestic
            e.loc[hit, f"{layer}_rate"] = r.rate
            e.loc[hit, f"{layer}_measure"] = r.measure
            e.loc[hit, f"{layer}_basis"] = r.basis
            e.loc[hit, f"{layer}_quota"] = r.quota_units
            if layer == "offset" and not pd.isna(getattr(r, "claims_from", pd.NaT)):
                e.loc[hit & (e["date"] < r.claims_from), "offset_rate"] = 0.0
    value = e["customs_value_usd"] * e["units"]
    non_us = value * (1 - e["us_content_share"])
    base = e["base_rate"] * value
    stacked = base + e["additional_rate"] * np.where(e["additional_basis"].eq("non_us_content"),
                                                     non_us, value)
    deal = e["all_in_rate"].notna()
    within = deal.astype(float)
    q = deal & e["all_in_quota"].notna()
    if q.any():  # entries in date order fill each deal's yearly quota
        qe = e[q].sort_values("date", kind="stable")
        before = (qe.groupby(["all_in_measure", qe["date"].dt.year])["units"].cumsum()
                  - qe["units"])
        room = (qe["all_in_quota"] - before).clip(lower=0)
        within[qe.index] = (room / qe["units"].where(qe["units"] > 0, 1)).clip(0, 1)
    e["duty_usd"] = (within * np.maximum(e["all_in_rate"].fillna(0), e["base_rate"]) * value
                     + (1 - within) * stacked) * e["cost_share"]  # the firm's share of it
    e["added_duty_usd"] = e["duty_usd"] - base * e["cost_share"]
    e["parts_added_usd"] = e["added_duty_usd"] * e["offset_share"]
    e["credit_usd"] = e["offset_rate"] * e["msrp_usd"] * e["units"]
    per_month = e.groupby(["company", "fiscal_year", "flow", "goods", "origin", "month"])[
        TOTALS].sum()
    return per_month.groupby(["company", "fiscal_year"]).sum()


# --- workload ---------------------------------------------------------------------------------

def scenario_flows(base: pd.DataFrame, scenario: int) -> pd.DataFrame:
    """The footprint's flows with units drawn again for one demand scenario."""
    rng = np.random.default_rng(1000 + scenario)
    return base.assign(units=base["units"] * rng.lognormal(0.0, 0.2, len(base)))


def unit_rows_of(fp: Footprint, flows: pd.DataFrame) -> int:
    return 12 * len(goods_rows(fp, flows[flows["units"] != 0]))


def subset(base: pd.DataFrame, fp: Footprint, unit_rows: float) -> pd.DataFrame:
    """The first flows (by nameplate) giving about ``unit_rows`` unit-rows."""
    per_flow = unit_rows_of(fp, base) / len(base)
    n = max(1, int(round(unit_rows / per_flow)))
    return base.iloc[:n]


ENGINE_CHUNK = 2e6  # unit-rows per call of the engine (one scenario of FOOTPRINT: 577k)
PANDAS_CHUNK = 1e5  # unit-rows per call of the pandas baseline (about 2 GB at its peak)


def workload(fp: Footprint, unit_rows: float, chunk: float):
    """A generator factory of (scenario, flows) chunks of at most ``chunk`` unit-rows, and the
    unit-rows it yields in all."""
    base = current_flows(fp)
    full = unit_rows_of(fp, base)
    per_flow = full / len(base)
    if unit_rows <= full:
        flows = subset(base, fp, unit_rows)
        scenarios, last = 1, flows
    else:
        scenarios = int(round(unit_rows / full))
        flows, last = base, base
    step = max(1, int(chunk / per_flow))

    def chunks():
        for s in range(scenarios):
            f = flows if s == 0 and scenarios == 1 else scenario_flows(base, s)
            for i in range(0, len(f), step):
                yield s, f.iloc[i:i + step]

    rows = unit_rows_of(fp, last) * scenarios if scenarios == 1 else full * scenarios
    return chunks, rows, scenarios


def measure(dataset: Path, impl: str, unit_rows: float) -> dict:
    fp = load_footprint(dataset)
    chunk = PANDAS_CHUNK if impl == "pandas" else ENGINE_CHUNK
    make, rows, scenarios = workload(fp, unit_rows, chunk)
    fn = engine_totals if impl == "engine" else pandas_totals
    rss0 = current_rss_mib()
    t0, c0 = time.perf_counter(), time.process_time()
    totals = chunked(fp, make(), fn)
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    n_measures = len(fp.measures)
    return dict(impl=impl, unit_rows=rows, scenarios=scenarios, chunk=chunk,
                measures=n_measures, seconds=secs, cpu_seconds=cpu,
                unit_rows_per_s=rows / secs, throughput=rows * n_measures / secs,
                peak_rss_mib=peak_rss_mib(), rss_before_mib=rss0,
                tariff_cost_usd=float(totals["tariff_cost_usd"].sum()),
                duty_usd=float(totals["duty_usd"].sum()))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", required=True, type=Path)
    ap.add_argument("--impl", choices=["engine", "pandas"], required=True)
    ap.add_argument("--unit-rows", type=float, required=True)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).parent))
    res = measure(args.dataset, args.impl, args.unit_rows)
    sys.stdout.write(json.dumps(res) + "\n")


if __name__ == "__main__":
    main()
