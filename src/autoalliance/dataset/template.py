"""A new dataset to fill in (``autoalliance init``): every table's header, one worked example row
per table for each company, the method's defaults stated in ``assumption``.

The trade rules (``measures``), the exchange rates (``fx``) and the declared codes (``codes``)
are market-wide and sourced, so they are copied from the bundled dataset; ``from_bundled`` also
copies the bundled rows of companies it holds (nissan, honda, mitsubishi). The guide is
docs/new-dataset.md.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from autoalliance.dataset.footprint import DATASETS_DIR, DEFAULT_DATASET, read_raw
from autoalliance.dataset.schema import schemas
from autoalliance.errors import DatasetError, Problem

#: The method's defaults (the bundled dataset's README and build script give the evidence)
CUSTOMS_VALUE_SHARE_OF_MSRP = 0.78
JAPAN_EXPORT_PRICE_CUT_FY2025 = 0.85
US_CONTENT_OF_USMCA_VEHICLES = 0.25
VARIABLE_COST_SHARE = 0.85
LOGISTICS_USD = {"US": 1000.0, "CA": 1200.0, "MX": 1400.0, "JP": 2200.0, "TH": 2600.0}
EXAMPLE = "Example row from `autoalliance init`: replace with the company's own figures. "


#: Days between US entry and sale when the company publishes none (the industry's 60-day
#: stock guideline, Kelley Blue Book/Cox; the bundled dataset's stated default)
INVENTORY_DAYS = 60.0
#: The defaults ``init`` writes that hold for Japanese makers only (docs/new-dataset.md)
JAPAN_SPECIFIC = ("the 2025 export-price cut (customs value x 0.85) of Japan-built units",
                  "logistics $2,200 a unit from Japan")


def _cv(msrp: float, country: str) -> float:
    cut = JAPAN_EXPORT_PRICE_CUT_FY2025 if country == "JP" else 1.0
    return round(CUSTOMS_VALUE_SHARE_OF_MSRP * cut * msrp, 2)


def _company_rows(c: str, currency: str = "JPY", fy_start: int = 4,
                  home: str = "JP") -> dict[str, list[dict]]:
    """One worked example for company ``c``: a compact SUV built in a US plant (with parts
    from the home country) and in a home-country plant, sold in the US in FY2025."""
    msrp = 32000.0
    hc = home.lower()
    us, jp, suv = f"{c}_us_plant", f"{c}_{hc}_plant", f"{c}_compact_suv"
    japan = home == "JP"
    logistics = LOGISTICS_USD.get(home, LOGISTICS_USD["JP"])
    cut_words = (f"x {JAPAN_EXPORT_PRICE_CUT_FY2025} for the 2025 Japanese export-price cut "
                 "(FY2025; Japan-specific)" if japan else "(no export-price cut: that default "
                 "is for Japan-built units only)")
    lg_words = ("" if home in LOGISTICS_USD else " (the Japan figure: no default for "
                f"{home}; replace it)")
    fy_words = ("Japanese makers' fiscal year starts in April. " if japan and fy_start == 4
                else f"Fiscal year starting in month {fy_start}; reporting currency {currency}. ")
    return {
        "companies": [dict(company=c, name=c.replace("_", " ").title(), currency=currency,
                           fiscal_year_start_month=fy_start, home_country=home,
                           supplier_pass_through=0.8,
                           offset_to_suppliers=0.0, source="",
                           assumption=EXAMPLE + fy_words +
                           "Default method: suppliers pass on 0.8 of the duty on parts they "
                           "import; the assembly offset cancels only the maker's own parts duty "
                           "(offset_to_suppliers 0) unless it names suppliers as importers.")],
        "plants": [
            dict(plant=us, company=c, name=f"{c.title()} US assembly plant", country="US",
                 kind="vehicle", capacity_units=200000.0, utilisation=0.8, platforms=f"{c}_cd",
                 source="", assumption=EXAMPLE + "Capacity and utilisation matter only to the "
                 "planner; exposure does not use them. A contract-built or joint-venture plant "
                 "is filed under the company that imports its output (the importer of record)."),
            dict(plant=jp, company=c, name=f"{c.title()} {home} plant", country=home,
                 kind="vehicle", capacity_units=50000.0, utilisation="", platforms=f"{c}_cd",
                 source="", assumption=EXAMPLE + "Capacity available to the US = its pre-tariff "
                 "US load when the installed capacity is not published.")],
        "nameplates": [dict(nameplate=suv, company=c, brand=c.title(), segment="compact_suv",
                            platform=f"{c}_cd", powertrain="ice", category="car",
                            msrp_usd=msrp, source="",
                            assumption=EXAMPLE + "Base MSRP of the cheapest trim, from the "
                            "maker's US price list.")],
        "demand": [dict(nameplate=suv, market="US", fiscal_year=2025, units=100000.0, source="",
                        assumption=EXAMPLE + "US sales over the fiscal year (calendar-year "
                        "sales shifted by the fiscal-year start when that is all there is).")],
        "sourcing": [
            dict(nameplate=suv, plant=us, market="US", fiscal_year=2025, share=0.7, source="",
                 assumption=EXAMPLE + "Shares of US sales by build plant sum to 1 per "
                 "nameplate, market and year."),
            dict(nameplate=suv, plant=jp, market="US", fiscal_year=2025, share=0.3, source="",
                 assumption=EXAMPLE)],
        "costs": [
            dict(nameplate=suv, plant=us, customs_value_usd=_cv(msrp, "US"),
                 variable_cost_usd=round(VARIABLE_COST_SHARE * _cv(msrp, "US"), 2),
                 us_content_share=0.76, usmca_qualifying="false",
                 logistics_usd=LOGISTICS_USD["US"], source="",
                 assumption=EXAMPLE + f"Default method: ex-factory value "
                 f"{CUSTOMS_VALUE_SHARE_OF_MSRP} x base MSRP (the base of the imported-parts "
                 f"duty); variable cost {VARIABLE_COST_SHARE} x that value; US content = 1 - the "
                 "imported parts shares; logistics plant to US dealer $1,000. Variable cost and "
                 "logistics are used by the planner only."),
            dict(nameplate=suv, plant=jp, customs_value_usd=_cv(msrp, home),
                 variable_cost_usd=round(VARIABLE_COST_SHARE * 0.97 * _cv(msrp, "US"), 2),
                 us_content_share=0.0, usmca_qualifying="false",
                 logistics_usd=logistics, source="",
                 assumption=EXAMPLE + f"Default method: customs value "
                 f"{CUSTOMS_VALUE_SHARE_OF_MSRP} x base MSRP {cut_words}; not USMCA, so US "
                 f"content 0; variable cost x 0.97 for the home plant; logistics "
                 f"${logistics:,.0f} (ro-ro, port, inland){lg_words}. A "
                 f"USMCA-qualifying Mexican or Canadian plant: US content "
                 f"{US_CONTENT_OF_USMCA_VEHICLES}, no export-price cut.")],
        "parts_content": [dict(plant=us, origin=home, usmca_compliant="false", share=0.12,
                               own_import_share=0.5, source="",
                               assumption=EXAMPLE + "Share of the US plant's ex-factory value "
                               f"imported from {home}; one row per origin (Mexican and Canadian "
                               "parts usmca_compliant=true are exempt). Default: the maker imports "
                               "half itself (own_import_share 0.5), its suppliers the rest.")],
        "revenue": [dict(nameplate=suv, market="US", net_price_usd=round(0.85 * msrp, 2),
                         source="", assumption=EXAMPLE + "Planner only. Net price = what the "
                         "maker receives: transaction price less incentives and dealer margin; "
                         "0.85 x MSRP when nothing is known.")],
        "tooling": [dict(plant=us, investment_usd=170e6, lead_time_years=2, life_years=7,
                         source="", assumption=EXAMPLE + "Planner only. The bundled dataset's "
                         "anchor: Nissan spent $170M to retool Canton for the 2019 Altima.")],
        "reported": [dict(company=c, metric="tariff_cost", period="FY2025",
                          as_of="2025-11-10", basis="net", countermeasures="before",
                          value=40e9, currency=currency,
                          out_of_scope_share=0.0, tolerance=0.3, source="",
                          assumption=EXAMPLE + "The company's published tariff hit to operating "
                          "profit for the fiscal year, as published; basis: gross (before the "
                          "offset) or net (after it); countermeasures: before or after the "
                          "firm's own pricing and cost cuts (after = listed, not compared); "
                          "out_of_scope_share = the part the model does not cover (motorcycles, "
                          "power products). period: FY2025, FY2025Q2, FY2025H1, "
                          "FY2025-9M (or start/end dates); span cumulative for a year to date.")],
        "inventory": [dict(company=c, origin="*", goods="*", days=INVENTORY_DAYS, source="",
                           assumption=EXAMPLE + f"Stated default: {INVENTORY_DAYS:g} days "
                           "between US entry and sale (the industry's 60-day stock guideline, "
                           "Kelley Blue Book/Cox); replace it with the company's days of "
                           "inventory when it states them.")],
    }


def template_tables(companies: list[str], from_bundled: bool = False, currency: str = "JPY",
                    fy_start: int = 4, home: str = "JP") -> dict[str, pd.DataFrame]:
    """The tables of a new dataset for ``companies`` (raw, string-celled as a CSV holds them):
    their reporting ``currency``, fiscal year starting in month ``fy_start`` and ``home``
    country (of the example's non-US plant and imported parts)."""
    if not companies:
        raise DatasetError([Problem("init", 0, "companies", "name at least one company")])
    bad = [c for c in companies if not c.replace("_", "").isalnum() or c != c.lower()]
    if bad:
        raise DatasetError([Problem("init", 0, "companies", f"company ids are lower-case "
                                    f"letters, digits and _, not {', '.join(bad)}")])
    bundled = {k: v.frame for k, v in read_raw(DATASETS_DIR / DEFAULT_DATASET).items()}
    sch = schemas()
    rows: dict[str, list[dict]] = {}
    known = set(bundled["companies"]["company"]) if from_bundled else set()
    if known & set(companies):
        known = _closure(bundled, known & set(companies))
        companies = list(dict.fromkeys([*companies, *sorted(known)]))
    for c in companies:
        if c in known:
            continue
        for table, rs in _company_rows(c, currency, fy_start, home).items():
            rows.setdefault(table, []).extend(rs)
    out: dict[str, pd.DataFrame] = {}
    for table in sch:
        cols = list(sch[table].columns["column"])
        if table in ("measures", "fx", "codes"):
            frame = bundled[table]
        else:
            frame = pd.DataFrame(rows.get(table, []))
            if known & set(companies) and table in bundled:
                frame = pd.concat([_bundled_rows(bundled, table, known & set(companies)),
                                   frame], ignore_index=True)
        if frame.empty and table not in rows and table not in ("measures", "fx", "codes"):
            frame = pd.DataFrame(columns=cols)
        out[table] = frame.reindex(columns=cols).astype(object).fillna("")
    return out


def _bundled_rows(bundled: dict[str, pd.DataFrame], table: str, keep: set[str]) -> pd.DataFrame:
    """The bundled rows of the kept companies (through plant or nameplate where the table has
    no company column)."""
    t = bundled[table]
    plants = set(bundled["plants"].loc[bundled["plants"]["company"].isin(keep), "plant"])
    names = set(bundled["nameplates"].loc[bundled["nameplates"]["company"].isin(keep),
                                          "nameplate"])
    if "company" in t:
        # a kept company's rows, but not those at another company's plant or for another's
        # nameplate (Honda's costs of building at Nissan's plants need Nissan's plant rows)
        ok = t["company"].isin(keep)
        if "plant" in t:
            ok &= t["plant"].isin(plants | {""})
        if "nameplate" in t:
            ok &= t["nameplate"].isin(names | {""})
        return t[ok]
    if "owner" in t:
        ok = t["owner"].isin(keep) & t["host"].isin(keep | {""})
        ok &= t["nameplates"].map(lambda v: all(n in names for n in v.split(";") if n))
        ok &= t["plant"].isin(plants | {""})
        return t[ok]
    if "nameplate" in t and "plant" in t:  # a kept nameplate at a kept plant
        return t[t["nameplate"].isin(names) & t["plant"].isin(plants | {""})]
    if "nameplate" in t:
        return t[t["nameplate"].isin(names)]
    if "plant" in t:
        return t[t["plant"].isin(plants)]
    return t.iloc[0:0]


def _closure(bundled: dict[str, pd.DataFrame], keep: set[str]) -> set[str]:
    """The kept companies and every company whose plant builds one of their nameplates (its
    plant rows are needed for their sourcing)."""
    np_co = dict(zip(bundled["nameplates"]["nameplate"], bundled["nameplates"]["company"]))
    pl_co = dict(zip(bundled["plants"]["plant"], bundled["plants"]["company"]))
    src = bundled["sourcing"]
    while True:
        built = src[src["nameplate"].map(np_co).isin(keep)]["plant"].map(pl_co)
        more = keep | set(built.dropna())
        if more == keep:
            return keep
        keep = more


def write_template(folder: str | Path, companies: list[str],
                   from_bundled: bool = False, currency: str = "JPY", fy_start: int = 4,
                   home: str = "JP") -> Path:
    """Write the template to ``folder`` (which must be empty or missing)."""
    p = Path(folder)
    if p.exists() and any(p.iterdir()):
        raise DatasetError([Problem(str(p), 0, "", "the folder is not empty; init writes "
                                    "only into a new or empty folder")])
    tables = template_tables(companies, from_bundled, currency, fy_start, home)
    p.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(p / f"{name}.csv", index=False)
    return p
