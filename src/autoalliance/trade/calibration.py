"""Compare the modelled tariff cost with what the companies reported."""

from __future__ import annotations

import re

import pandas as pd

from autoalliance.dataset.footprint import Footprint
from autoalliance.trade.exposure import LINES, exposure, summarise

_FY = re.compile(r"^FY(\d{4})$")


def _fiscal_year(period: str) -> int:
    m = _FY.match(str(period).strip())
    if not m:
        raise ValueError(f"reported period {period!r} is not of the form FY2025")
    return int(m.group(1))


_LINE_COLS = [f"{g}_local" for g in LINES]


def calibrate(fp: Footprint) -> pd.DataFrame:
    """One row per ``reported`` row: the published figure, the part the model covers, the
    modelled figure on the same basis (``gross``: added duty before the offset; ``net``: after
    it) in the same currency, their ratio, and the modelled bill line by line (company
    currency, ``<line>_local``; the offset negative). A figure after the company's own
    countermeasures is shown but not compared (``comparable`` false): the model has none."""
    rep = fp.table("reported").copy()
    if rep.empty:
        return pd.DataFrame(columns=["company", "period", "as_of", "basis", "countermeasures",
                                     "currency", "reported_total", "out_of_scope_share",
                                     "reported", "modelled", "gross", "net", "ratio",
                                     "comparable", "tolerance", "within_band", "latest"]
                            + _LINE_COLS)
    rep["fiscal_year"] = rep["period"].map(_fiscal_year)
    rep["basis"] = rep["basis"].replace("", "net").fillna("net") if "basis" in rep \
        else "net"
    rep["countermeasures"] = (rep["countermeasures"].replace("", "before").fillna("before")
                              if "countermeasures" in rep else "before")
    years = sorted(rep["fiscal_year"].unique())
    res = exposure(fp, years)
    by_company = summarise(res, "company")
    lines = summarise(res, "goods").pivot_table(index=["company", "fiscal_year"],
                                                columns="goods", values="tariff_cost_local",
                                                aggfunc="sum").reindex(columns=list(LINES))
    lines = lines.fillna(0.0).add_suffix("_local").reset_index()
    rep = rep.merge(by_company[["company", "fiscal_year", "tariff_cost_usd", "tariff_cost_local",
                                "added_duty_usd", "added_duty_local", "currency"]].rename(
        columns={"currency": "model_currency"}), on=["company", "fiscal_year"], how="left")
    rep = rep.merge(lines, on=["company", "fiscal_year"], how="left")
    usd = rep["currency"].eq("USD")
    net = rep["tariff_cost_local"].where(~usd, rep["tariff_cost_usd"]).fillna(0.0)
    gross = rep["added_duty_local"].where(~usd, rep["added_duty_usd"]).fillna(0.0)
    other = ~usd & rep["currency"].ne(rep["model_currency"]) & rep["model_currency"].notna()
    if other.any():
        r = rep[other].iloc[0]
        raise ValueError(f"reported figure of {r['company']} is in {r['currency']}, the model "
                         f"reports {r['model_currency']} and USD")
    out = pd.DataFrame({
        "company": rep["company"], "period": rep["period"],
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
    latest = rep.groupby(["company", "period"])["as_of"].transform("max").eq(rep["as_of"])
    out["latest"] = latest.to_numpy()
    for c in _LINE_COLS:  # the bill by line in the company's currency (USD figures: see gross)
        out[c] = rep[c].fillna(0.0).to_numpy()
    return out.sort_values(["company", "period", "as_of", "basis", "countermeasures"]) \
        .reset_index(drop=True)


def _perturbations(fp: Footprint) -> dict[str, tuple]:
    """Named one-at-a-time changes to the inputs that drive the tariff cost: (low, high) table
    replacements. Each moves one assumption by a stated step, everything else held."""
    c, pc, fx, d = fp.costs, fp.table("parts_content"), fp.fx, fp.demand
    plants = fp.plants.set_index("plant")["country"]
    imported = c["plant"].map(plants).ne("US")
    usmca = c["usmca_qualifying"].astype(bool)
    japan_lanes = fp.sourcing[fp.sourcing["plant"].map(plants).eq("JP")]["nameplate"].unique()

    def cv(f):
        return {"costs": c.assign(customs_value_usd=c["customs_value_usd"].where(
            ~imported, c["customs_value_usd"] * f))}

    def usc(step):
        return {"costs": c.assign(us_content_share=c["us_content_share"].where(
            ~usmca, (c["us_content_share"] + step).clip(0, 1)))}

    def parts(f):
        return {"parts_content": pc.assign(share=pc["share"] * f)}

    def yen(step):
        return {"fx": fx.assign(per_usd=fx["per_usd"].where(fx["currency"].ne("JPY"),
                                                            fx["per_usd"] + step))}

    def japan(f):
        return {"demand": d.assign(units=d["units"].where(~d["nameplate"].isin(japan_lanes),
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
        "USD/JPY -/+5 yen": (yen(-5), yen(5)),
        "units of nameplates built in Japan -/+10%": (japan(0.9), japan(1.1)),
    }


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
