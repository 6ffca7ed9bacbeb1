"""Compare the modelled tariff cost with what the companies reported."""

from __future__ import annotations

import numpy as np
import pandas as pd

from autoalliance.dataset.footprint import Footprint
from autoalliance.dataset.periods import PeriodError, fiscal_year_of, reported_period
from autoalliance.errors import DatasetError, Problem
from autoalliance.trade.exposure import LINES, exposure, summarise
from autoalliance.trade.measures import as_known_on

_LINE_COLS = [f"{g}_local" for g in LINES]
#: which exposure timing each reported metric is compared with
METRIC_TIMING = {"tariff_cost": "sale", "tariff_paid": "entry"}
_OUT = ["company", "metric", "period", "start", "end", "span", "scope", "outlet", "as_of",
        "basis", "countermeasures", "currency", "reported_total", "out_of_scope_share",
        "reported", "modelled", "gross", "net", "ratio", "comparable", "tolerance",
        "within_band", "latest", "modelled_final", "ratio_final"]


def _text(rep: pd.DataFrame, col: str, default: str) -> pd.Series:
    if col not in rep:
        return pd.Series(default, index=rep.index, dtype=object)
    return rep[col].fillna("").astype(str).replace("", default)


def reported_periods(fp: Footprint) -> pd.DataFrame:
    """The ``reported`` rows with the months each covers (``start``, ``end``) worked out from
    its period or dates (``autoalliance.dataset.periods``) and its blanks filled."""
    rep = fp.table("reported").copy().reset_index(drop=True)
    sm = fp.companies.set_index("company")["fiscal_year_start_month"]
    for col, default in (("basis", "net"), ("countermeasures", "before"), ("span", "discrete"),
                         ("metric", "tariff_cost"), ("scope", ""), ("outlet", ""),
                         ("period", "")):
        rep[col] = _text(rep, col, default)
    for col in ("start", "end"):
        if col not in rep:
            rep[col] = pd.NaT
    starts, ends = [], []
    for i, r in rep.iterrows():
        try:
            p = reported_period(r["period"], r["start"], r["end"], r["span"],
                                int(sm[r["company"]]))
        except PeriodError as e:  # validate refuses these; a table built in code may not
            raise DatasetError([Problem("reported.csv", i + 2, "period", str(e))]) from None
        starts.append(p.start)
        ends.append(p.end)
    rep["start"], rep["end"] = pd.to_datetime(starts), pd.to_datetime(ends)
    no_label = rep["period"].eq("")
    rep.loc[no_label, "period"] = [f"{a:%Y-%m}..{b:%Y-%m}" for a, b in
                                   zip(rep.loc[no_label, "start"], rep.loc[no_label, "end"])]
    return rep


def _monthly(fp: Footprint, years: list[int], timing: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per company and month: modelled totals and the bill by line (company currency)."""
    res = exposure(fp, years, by_month=True, timing=timing)
    res["month"] = pd.to_datetime(res["month"])
    tot = summarise(res, ["month"])
    lines = summarise(res, ["goods", "month"]).pivot_table(
        index=["company", "month"], columns="goods", values="tariff_cost_local",
        aggfunc="sum").reindex(columns=list(LINES)).fillna(0.0).add_suffix("_local")
    return tot, lines.reset_index()


_VALUE_COLS = ["tariff_cost_usd", "tariff_cost_local", "added_duty_usd", "added_duty_local"]


def _values(fp: Footprint, rep: pd.DataFrame) -> pd.DataFrame:
    """Per ``reported`` row: the modelled totals and bill by line over the row's months, on the
    row's timing (index as ``rep``)."""
    sm = fp.companies.set_index("company")["fiscal_year_start_month"]
    vals = pd.DataFrame(0.0, index=rep.index, columns=_VALUE_COLS + _LINE_COLS)
    for metric, timing in METRIC_TIMING.items():
        rows = rep[rep["metric"].eq(metric)]
        if rows.empty:
            continue
        years = sorted({fiscal_year_of(m, sm[c]) for c, a, b in
                        zip(rows["company"], rows["start"], rows["end"])
                        for m in pd.date_range(a, b, freq="MS")})
        tot, lines = _monthly(fp, years, timing)
        for i, r in rows.iterrows():
            t = tot[tot["company"].eq(r["company"]) & tot["month"].between(r["start"], r["end"])]
            ln = lines[lines["company"].eq(r["company"])
                       & lines["month"].between(r["start"], r["end"])]
            vals.loc[i, _VALUE_COLS] = t[_VALUE_COLS].sum().to_numpy()
            vals.loc[i, _LINE_COLS] = ln[_LINE_COLS].sum().to_numpy()
    return vals


def _known_values(fp: Footprint, rep: pd.DataFrame) -> pd.DataFrame:
    """``_values`` with each row under the rules known on its ``as_of`` day; days that knew the
    same rules share one run."""
    day = pd.to_datetime(rep["as_of"])
    groups: dict[str, tuple[Footprint, list]] = {}
    for d in sorted(set(day)):
        m = as_known_on(fp.measures, d)
        sig = m.to_csv(index=False, date_format="%Y-%m-%d")
        groups.setdefault(sig, (fp.replace(measures=m), []))[1].append(d)
    parts = [_values(f, rep[day.isin(days).to_numpy()]) for f, days in groups.values()]
    return pd.concat(parts).reindex(rep.index)


def calibrate(fp: Footprint, known_on_as_of: bool = True) -> pd.DataFrame:
    """One row per ``reported`` row: the published figure, the part the model covers, the
    modelled figure over the same months on the same basis (``gross``: added duty before the
    offset; ``net``: after it) in the same currency, their ratio, and the modelled bill line by
    line (company currency, ``<line>_local``; the offset negative).

    A ``tariff_cost`` figure (profit and loss) is compared with the tariff cost recognised by
    sale date (``exposure`` timing sale: duty reaches the books ``inventory`` days after entry);
    a ``tariff_paid`` figure with the tariff cost by entry date. Each figure is compared on its
    own months: a quarter, a half, nine months, a year or a date range (``reported_periods``).
    A figure after the company's own countermeasures is shown but not compared
    (``comparable`` false): the model has none.

    A company's figure on a date was worked out under the rules known then: ``modelled`` (and
    ``gross``, ``net``, the lines, ``ratio``, ``within_band``) use the rules known on the row's
    ``as_of`` day (:func:`~autoalliance.trade.measures.as_known_on`); ``modelled_final`` and
    ``ratio_final`` use every rule of the dataset (the rules as finally written).
    ``known_on_as_of=False`` compares every row with the final rules."""
    if fp.table("reported").empty:
        return pd.DataFrame(columns=_OUT + _LINE_COLS)
    rep = reported_periods(fp)
    model_cur = fp.companies.set_index("company")["currency"]
    final = _values(fp, rep)
    vals = _known_values(fp, rep) if known_on_as_of else final
    rep["model_currency"] = rep["company"].map(model_cur)
    usd = rep["currency"].eq("USD")
    net = vals["tariff_cost_local"].where(~usd, vals["tariff_cost_usd"])
    gross = vals["added_duty_local"].where(~usd, vals["added_duty_usd"])
    final_modelled = final["added_duty_local"].where(~usd, final["added_duty_usd"]).where(
        rep["basis"].eq("gross"), final["tariff_cost_local"].where(~usd,
                                                                   final["tariff_cost_usd"]))
    other = ~usd & rep["currency"].ne(rep["model_currency"]) & rep["model_currency"].notna()
    if other.any():
        r = rep[other].iloc[0]
        raise ValueError(f"reported figure of {r['company']} is in {r['currency']}, the model "
                         f"reports {r['model_currency']} and USD")
    out = pd.DataFrame({
        "company": rep["company"], "metric": rep["metric"], "period": rep["period"],
        "start": rep["start"].dt.strftime("%Y-%m-%d"), "end": rep["end"].dt.strftime("%Y-%m-%d"),
        "span": rep["span"], "scope": rep["scope"], "outlet": rep["outlet"],
        "as_of": pd.to_datetime(rep["as_of"]).dt.strftime("%Y-%m-%d"),
        "basis": rep["basis"], "countermeasures": rep["countermeasures"],
        "currency": rep["currency"], "reported_total": rep["value"],
        "out_of_scope_share": rep["out_of_scope_share"],
        "reported": rep["value"] * (1 - rep["out_of_scope_share"]),
        "modelled": gross.where(rep["basis"].eq("gross"), net),
        "gross": gross, "net": net,
    })
    out["ratio"] = out["modelled"] / out["reported"].where(out["reported"] > 0)
    out["comparable"] = rep["countermeasures"].eq("before").to_numpy()
    tol = rep["tolerance"] if "tolerance" in rep else pd.Series(float("nan"), index=rep.index)
    out["tolerance"] = tol
    out["within_band"] = ((out["ratio"] - 1).abs() <= tol).where(tol.notna() & out["comparable"])
    same = ["company", "metric", "start", "end", "scope", "outlet"]
    out["latest"] = rep.groupby(same)["as_of"].transform("max").eq(rep["as_of"]).to_numpy()
    out["modelled_final"] = final_modelled
    out["ratio_final"] = out["modelled_final"] / out["reported"].where(out["reported"] > 0)
    for c in _LINE_COLS:  # the bill by line in the company's currency (USD figures: see gross)
        out[c] = vals[c].to_numpy()
    return out.sort_values(["company", "metric", "start", "end", "as_of", "basis",
                            "countermeasures", "scope", "outlet"]).reset_index(drop=True)


def cumulative_by_quarter(fp: Footprint, cal: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per company and fiscal year: the modelled tariff cost recognised, cumulative by quarter
    (Q1, H1, 9M, FY, company currency, net), beside each comparable reported ``tariff_cost``
    figure whose months run from the year's start to a quarter's end (cumulative; the latest of
    each) — the calibration chart's data. Columns: company, fiscal_year, quarter (1-4), end,
    modelled, reported (in scope; NaN where none), period."""
    cal = calibrate(fp) if cal is None else cal
    sm = fp.companies.set_index("company")["fiscal_year_start_month"]
    years = sorted({fiscal_year_of(pd.Timestamp(s), sm[c])
                    for c, s in zip(cal["company"], cal["start"])}) or [fp.base_year]
    tot, _ = _monthly(fp, years, "sale")
    rows = []
    for (company, fy), g in tot.groupby(["company", "fiscal_year"]):
        first = pd.Timestamp(int(fy), int(sm[company]), 1)
        for q in range(1, 5):
            end = first + pd.DateOffset(months=3 * q) - pd.Timedelta(days=1)
            modelled = g.loc[g["month"] <= end, "tariff_cost_local"].sum()
            rows.append({"company": company, "fiscal_year": int(fy), "quarter": q,
                         "end": end.strftime("%Y-%m-%d"), "modelled": modelled})
    out = pd.DataFrame(rows)
    c = cal[cal["metric"].eq("tariff_cost") & cal["comparable"] & cal["latest"]
            & cal["basis"].eq("net") & cal["scope"].eq("") & cal["outlet"].eq("")]
    c = c.assign(fiscal_year=[fiscal_year_of(pd.Timestamp(s), sm[co])
                              for co, s in zip(c["company"], c["start"])])
    starts = [pd.Timestamp(int(fy), int(sm[co]), 1).strftime("%Y-%m-%d")
              for co, fy in zip(c["company"], c["fiscal_year"])]
    c = c[c["start"].eq(pd.Series(starts, index=c.index, dtype=object))] \
        .sort_values("as_of").drop_duplicates(["company", "fiscal_year", "end"], keep="last")
    out = out.merge(c[["company", "fiscal_year", "end", "reported", "period"]],
                    on=["company", "fiscal_year", "end"], how="left")
    return out


def _perturbations(fp: Footprint) -> dict[str, tuple]:
    """Named one-at-a-time changes to the inputs that drive the tariff cost: (low, high) table
    replacements. Each moves one assumption by a stated step, everything else held."""
    c, pc, fx, d = fp.costs, fp.table("parts_content"), fp.fx, fp.demand
    plants = fp.plants.set_index("plant")["country"]
    imported = c["plant"].map(plants).ne("US")
    usmca = c["usmca_qualifying"].astype(bool)
    home = home_countries(fp)
    np_company = fp.nameplates.set_index("nameplate")["company"]
    src = fp.sourcing
    at_home = src["plant"].map(plants).eq(src["nameplate"].map(np_company).map(home))
    home_lanes = src[at_home]["nameplate"].unique()
    currencies = sorted(set(fp.companies["currency"]) - {"USD"})

    def cv(f):
        return {"costs": c.assign(customs_value_usd=c["customs_value_usd"].where(
            ~imported, c["customs_value_usd"] * f))}

    def usc(step):
        return {"costs": c.assign(us_content_share=c["us_content_share"].where(
            ~usmca, (c["us_content_share"] + step).clip(0, 1)))}

    def parts(f):
        return {"parts_content": pc.assign(share=pc["share"] * f)}

    def currency(sign):
        """Each company currency by 5 yen, or 1/30 of its mean rate (5 yen at 150) if not yen."""
        per = fx["per_usd"].copy()
        for cur in currencies:
            mine = fx["currency"].eq(cur)
            step = 5.0 if cur == "JPY" else float(fx.loc[mine, "per_usd"].mean()) / 30.0
            per = per.where(~mine, per + sign * step)
        return {"fx": fx.assign(per_usd=per)}

    def at_home_units(f):
        return {"demand": d.assign(units=d["units"].where(~d["nameplate"].isin(home_lanes),
                                                          d["units"] * f))}

    comp, law = fp.companies, fp.measures
    own = pd.to_numeric(pc["own_import_share"], errors="coerce").fillna(1.0) \
        if "own_import_share" in pc else pd.Series(1.0, index=pc.index)

    def own_share(step):
        return {"parts_content": pc.assign(own_import_share=(own + step).clip(0, 1))}

    def company(col, value):
        return {"companies": comp.assign(**{col: value})}

    def claims(date):
        off = law["layer"].eq("offset")
        return {"measures": law.assign(claims_from=law["claims_from"].where(
            ~off, pd.Timestamp(date) if date else pd.NaT))}

    us_firms = fp.plants[fp.plants["country"].eq("US")]["company"].unique()

    def service(value):
        extra = pd.DataFrame({"company": us_firms, "market": "US", "origin": "JP",
                              "usmca_compliant": False, "value_usd": value,
                              "source": "", "assumption": "sensitivity step"})
        return {"service_parts": pd.concat([fp.table("service_parts"), extra],
                                           ignore_index=True)}

    us_plants = fp.plants[fp.plants["country"].eq("US") & fp.plants["kind"].eq("vehicle")]

    def steel(value):
        extra = pd.DataFrame({"plant": us_plants["plant"], "origin": "JP", "metal": "steel",
                              "under_auto_tariff": False, "value_usd": value, "source": "",
                              "assumption": "sensitivity step"})
        return {"metals": pd.concat([fp.table("metals"), extra], ignore_index=True)}

    return {
        "customs value of imported vehicles -/+10%": (cv(0.9), cv(1.1)),
        "parts the automaker imports itself +/-0.25": (own_share(0.25), own_share(-0.25)),
        "supplier pass-through 0.5 / 1.0": (company("supplier_pass_through", 0.5),
                                            company("supplier_pass_through", 1.0)),
        "offset also cancels suppliers' duty 1.0 / 0": (company("offset_to_suppliers", 1.0),
                                                         company("offset_to_suppliers", 0.0)),
        "offset claims credited from 3 Apr 2025 / 1 Jan 2026": (claims(None),
                                                                claims("2026-01-01")),
        "Japanese service parts $0 / $500M a year per firm with a US plant": (service(0.0),
                                                                              service(5e8)),
        "imported steel outside the auto tariff $0 / $200 per US-built car": (steel(0.0),
                                                                             steel(200.0)),
        "US content of USMCA vehicles +/-0.10": (usc(0.10), usc(-0.10)),
        "imported parts shares of US plants -/+20%": (parts(0.8), parts(1.2)),
        f"{'/'.join(currencies) or 'company currency'} per USD -/+5 yen "
        "(another currency: -/+1/30 of its rate)": (currency(-1), currency(1)),
        "units built in the company's home country -/+10%": (at_home_units(0.9),
                                                              at_home_units(1.1)),
    }


def home_countries(fp: Footprint) -> pd.Series:
    """Each company's home country: ``companies.home_country``, or where most of its vehicle plants outside the markets it
    sells in are (ties: the first in alphabetical order); the sensitivity's "built at home"
    step follows it."""
    p = fp.plants[fp.plants["kind"].eq("vehicle")] if "kind" in fp.plants else fp.plants
    p = p[~p["country"].isin(set(fp.demand["market"]))]
    counts = p.groupby(["company", "country"]).size().reset_index(name="n")
    counts = counts.sort_values(["company", "n", "country"], ascending=[True, False, True])
    most = counts.drop_duplicates("company").set_index("company")["country"]
    c = fp.companies
    stated = (c.set_index("company")["home_country"].replace("", np.nan)
              if "home_country" in c else pd.Series(np.nan, index=c["company"]))
    return stated.combine_first(most).reindex(c["company"])


def sensitivity(fp: Footprint, fiscal_year: int | None = None) -> pd.DataFrame:
    """Modelled tariff cost (company currency) when each main assumption moves by a stated step,
    one at a time: company, input, low, base, high (default year: the dataset's base year)."""
    fiscal_year = fp.base_year if fiscal_year is None else fiscal_year
    def cost(f: Footprint) -> pd.Series:
        s = summarise(exposure(f, [fiscal_year]), "company")
        return s.set_index("company")["tariff_cost_local"]

    base = cost(fp)
    rows = []
    for name, (lo, hi) in _perturbations(fp).items():
        low, high = cost(fp.replace(**lo)), cost(fp.replace(**hi))
        for company in base.index:
            rows.append({"company": company, "input": name, "low": low.get(company, 0.0),
                         "base": base[company], "high": high.get(company, 0.0)})
    out = pd.DataFrame(rows)
    out["swing"] = (out["high"] - out["low"]).abs()
    return out.sort_values(["company", "swing"], ascending=[True, False]).reset_index(drop=True)
