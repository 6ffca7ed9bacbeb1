"""Public testing helpers: tiny valid footprints that users' own tests can build on.

``tiny_footprint()`` returns a Footprint with one company, one importer (US) and a hand-checkable
set of trade rules; pass table overrides as DataFrames or lists of dicts.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from autoalliance.dataset.footprint import Footprint, load_footprint, save_csv_folder

SRC = "test fixture"


def _frame(rows) -> pd.DataFrame:
    return rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)


def measure(measure, layer, origin, goods, category="*", usmca="*", basis="customs_value",
            rate=0.0, start="2000-01-01", end="", quota_units="", importer="US") -> dict:
    """One ``measures`` row as a dict (string cells, as a CSV holds them)."""
    return dict(measure=measure, layer=layer, importer=importer, origin=origin, goods=goods,
                category=category, usmca=usmca, basis=basis, rate=rate, start=start, end=end,
                quota_units=quota_units, source=SRC, assumption="")


LAW_2025 = [
    measure("mfn_car", "base", "*", "vehicle", "car", rate=0.025),
    measure("mfn_light_truck", "base", "*", "vehicle", "light_truck", rate=0.25),
    measure("usmca_vehicle", "base", "MX|CA", "vehicle", usmca="yes", rate=0.0),
    measure("mfn_parts", "base", "*", "part", rate=0.025),
    measure("usmca_parts", "base", "MX|CA", "part", usmca="yes", rate=0.0),
    measure("s232_vehicles", "additional", "*", "vehicle", rate=0.25, start="2025-04-03"),
    measure("s232_usmca", "additional", "MX|CA", "vehicle", usmca="yes", basis="non_us_content",
            rate=0.25, start="2025-04-03"),
    measure("s232_parts", "additional", "*", "part", rate=0.25, start="2025-05-03"),
    measure("s232_parts_usmca", "additional", "MX|CA", "part", usmca="yes", rate=0.0,
            start="2025-05-03"),
    measure("japan_vehicles", "all_in", "JP", "vehicle", rate=0.15, start="2025-09-16"),
    measure("japan_parts", "all_in", "JP", "part", rate=0.15, start="2025-09-16"),
    measure("uk_quota", "all_in", "GB", "vehicle", "car", rate=0.10, start="2025-06-30",
            quota_units=100000),
    measure("offset", "offset", "US", "vehicle", basis="msrp", rate=0.0375, start="2025-04-03",
            end="2030-04-30"),
]


def tiny_tables() -> dict[str, pd.DataFrame]:
    """Raw (string-celled) tables of a tiny dataset: company ``acme`` with a US plant and a
    Japanese plant, one car sold in the US in FY2025, built half in each."""
    return {
        "companies": _frame([dict(company="acme", name="Acme Motor", currency="JPY",
                                  fiscal_year_start_month=4, source=SRC, assumption="")]),
        "fx": _frame([dict(currency="JPY", start="2020-01-01", end="2035-12-31", per_usd=150,
                           source=SRC, assumption="")]),
        "plants": _frame([
            dict(plant="us1", company="acme", name="US plant", country="US", kind="vehicle",
                 capacity_units=200000, utilisation=0.5, platforms="p1", source=SRC,
                 assumption=""),
            dict(plant="jp1", company="acme", name="Japan plant", country="JP", kind="vehicle",
                 capacity_units=200000, utilisation=0.5, platforms="p1", source=SRC,
                 assumption="")]),
        "nameplates": _frame([dict(nameplate="sedan", company="acme", brand="Acme",
                                   segment="midsize_sedan", platform="p1", powertrain="ice",
                                   category="car", msrp_usd=30000, source=SRC, assumption="")]),
        "demand": _frame([dict(nameplate="sedan", market="US", fiscal_year=2025, units=120000,
                               source=SRC, assumption="")]),
        "sourcing": _frame([
            dict(nameplate="sedan", plant="us1", market="US", fiscal_year=2025, share=0.5,
                 source=SRC, assumption=""),
            dict(nameplate="sedan", plant="jp1", market="US", fiscal_year=2025, share=0.5,
                 source=SRC, assumption="")]),
        "costs": _frame([
            dict(nameplate="sedan", plant="us1", customs_value_usd=24000, variable_cost_usd=22000,
                 us_content_share=1.0, usmca_qualifying="false", logistics_usd=300, source=SRC,
                 assumption=""),
            dict(nameplate="sedan", plant="jp1", customs_value_usd=24000, variable_cost_usd=20000,
                 us_content_share=0.0, usmca_qualifying="false", logistics_usd=1500, source=SRC,
                 assumption="")]),
        "parts_content": _frame([dict(plant="us1", origin="JP", usmca_compliant="false",
                                      share=0.1, source=SRC, assumption="")]),
        "measures": _frame(LAW_2025),
    }


def write_tables(tables: dict[str, pd.DataFrame], folder: str | Path) -> Path:
    """Write raw tables as a CSV dataset folder."""
    p = Path(folder)
    p.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        _frame(frame).to_csv(p / f"{name}.csv", index=False)
    return p


def tiny_footprint(folder: str | Path, **overrides) -> Footprint:
    """Write the tiny dataset (with table overrides) to ``folder`` and load it validated."""
    tables = tiny_tables()
    tables.update({k: _frame(v) for k, v in overrides.items()})
    return load_footprint(write_tables(tables, folder))


__all__ = ["LAW_2025", "measure", "save_csv_folder", "tiny_footprint", "tiny_tables",
           "write_tables"]
