"""Compare the modelled tariff cost with what the companies reported."""

from __future__ import annotations

import re

import pandas as pd

from autoalliance.footprint import Footprint
from autoalliance.trade.exposure import exposure, summarise

_FY = re.compile(r"^FY(\d{4})$")


def _fiscal_year(period: str) -> int:
    m = _FY.match(str(period).strip())
    if not m:
        raise ValueError(f"reported period {period!r} is not of the form FY2025")
    return int(m.group(1))


def calibrate(fp: Footprint) -> pd.DataFrame:
    """One row per ``reported`` row: the published figure, the part the model covers, the
    modelled tariff cost (added duty net of the offset) in the same currency, and their ratio."""
    rep = fp.table("reported").copy()
    if rep.empty:
        return pd.DataFrame(columns=["company", "period", "as_of", "currency", "reported_total",
                                     "out_of_scope_share", "reported", "modelled", "ratio",
                                     "tolerance", "within_band", "latest"])
    rep["fiscal_year"] = rep["period"].map(_fiscal_year)
    years = sorted(rep["fiscal_year"].unique())
    by_company = summarise(exposure(fp, years), "company")
    rep = rep.merge(by_company[["company", "fiscal_year", "tariff_cost_usd", "tariff_cost_local",
                                "currency"]].rename(columns={"currency": "model_currency"}),
                    on=["company", "fiscal_year"], how="left")
    usd = rep["currency"].eq("USD")
    modelled = rep["tariff_cost_local"].where(~usd, rep["tariff_cost_usd"])
    other = ~usd & rep["currency"].ne(rep["model_currency"]) & rep["model_currency"].notna()
    if other.any():
        r = rep[other].iloc[0]
        raise ValueError(f"reported figure of {r['company']} is in {r['currency']}, the model "
                         f"reports {r['model_currency']} and USD")
    out = pd.DataFrame({
        "company": rep["company"], "period": rep["period"],
        "as_of": pd.to_datetime(rep["as_of"]).dt.strftime("%Y-%m-%d"),
        "currency": rep["currency"], "reported_total": rep["value"],
        "out_of_scope_share": rep["out_of_scope_share"],
        "reported": rep["value"] * (1 - rep["out_of_scope_share"]),
        "modelled": modelled.fillna(0.0),
    })
    out["ratio"] = out["modelled"] / out["reported"].where(out["reported"] > 0)
    tol = rep["tolerance"] if "tolerance" in rep else pd.Series(float("nan"), index=rep.index)
    out["tolerance"] = tol
    out["within_band"] = ((out["ratio"] - 1).abs() <= tol).where(tol.notna())
    latest = rep.groupby(["company", "period"])["as_of"].transform("max").eq(rep["as_of"])
    out["latest"] = latest.to_numpy()
    return out.sort_values(["company", "period", "as_of"]).reset_index(drop=True)
