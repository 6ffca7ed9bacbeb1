"""Synthetic footprints of any size, for scale tests and benchmarks.

``synth_tables(companies, plants, nameplates, years, seed)`` returns the raw tables of a dataset
with the structure of the bundled ``nissan_honda_2025`` one and value ranges taken from it
(``RANGES`` below says where each comes from): companies headquartered in JP, US, KR and DE;
vehicle and powertrain plants in US, JP, MX, CA, KR and DE; nameplates on platforms that the
firm's plants build; demand and today's sourcing per fiscal year; costs for every plant of the
nameplate's firm (so the planner has lanes to move production to); parts content of US plants;
the bundled dataset's trade rules (``measures.csv``) unchanged; and the planner's tables
(``revenue``, ``tooling``, ``options``) when the schemas list them.

Everything is drawn from one ``numpy.random.Generator`` seeded with ``seed`` in a fixed order,
with no Python loop per row, so a seed gives byte-identical CSV files and a million nameplates
take seconds. Each row's ``assumption`` names the generator and seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from autoalliance.dataset.footprint import DATASETS_DIR, DEFAULT_DATASET
from autoalliance.dataset.schema import schemas

COUNTRIES = ("US", "JP", "MX", "CA", "KR", "DE")
HOMES = ("JP", "US", "KR", "JP", "DE", "US", "JP", "KR", "DE")  # home country by company order
CURRENCY = {"JP": "JPY", "US": "USD", "KR": "KRW", "DE": "EUR"}
FY_START = {"JP": 4, "US": 1, "KR": 1, "DE": 1}  # Japanese makers: April-March
PER_USD = {"JPY": 150.0, "KRW": 1390.0, "EUR": 0.92}  # 2025 levels (bundled fx: 144-156 JPY)


@dataclass(frozen=True)
class CountryRanges:
    """Per country of the plant: (low, high) of uniform draws."""

    customs_to_msrp: tuple[float, float]  # customs value / MSRP (bundled: 0.78; JP 0.66)
    cost_to_customs: tuple[float, float]  # variable cost / customs value (bundled 0.81-0.97)
    us_content: tuple[float, float]  # US content share (bundled: US 0.46-0.73, MX/CA 0.25, JP 0)
    logistics: tuple[float, float]  # USD/unit (bundled: US 1000, CA 1200, MX 1400, JP 2200)
    capacity: tuple[float, float]  # vehicle plant, units/year (bundled: US 240k-640k, JP 30-90k)


RANGES = {
    "US": CountryRanges((0.74, 0.82), (0.82, 0.88), (0.46, 0.73), (900, 1100), (240e3, 640e3)),
    "JP": CountryRanges((0.63, 0.70), (0.90, 0.97), (0.0, 0.02), (2000, 2400), (30e3, 120e3)),
    "MX": CountryRanges((0.74, 0.82), (0.78, 0.84), (0.20, 0.30), (1300, 1500), (150e3, 400e3)),
    "CA": CountryRanges((0.74, 0.82), (0.82, 0.88), (0.20, 0.30), (1100, 1300), (200e3, 400e3)),
    "KR": CountryRanges((0.66, 0.74), (0.86, 0.94), (0.0, 0.02), (1900, 2300), (60e3, 200e3)),
    "DE": CountryRanges((0.66, 0.74), (0.90, 0.97), (0.0, 0.02), (2300, 2700), (30e3, 120e3)),
}
# where a company's extra plants go: (home, US, MX, CA, other) weights; US-based firms have no
# separate "home"
PLANT_SPREAD = (0.30, 0.35, 0.20, 0.10, 0.05)
POWERTRAIN_PLANT_SHARE = 0.2  # bundled: 9 of 25 plants are powertrain plants
POWERTRAINS = (("ice", 0.72), ("hybrid", 0.14), ("phev", 0.05), ("bev", 0.09))  # bundled 35/5/2/4
LIGHT_TRUCK_SHARE = 0.06  # bundled: 2 of 46 nameplates
SEGMENTS = ("subcompact_car", "compact_car", "midsize_sedan", "subcompact_suv", "compact_suv",
            "midsize_suv", "fullsize_suv", "minivan", "sports_car", "compact_luxury_suv",
            "midsize_luxury_suv", "midsize_luxury_sedan")
TRUCK_SEGMENTS = ("midsize_pickup", "fullsize_pickup")
MSRP = (36000.0, 0.35, 16000.0, 120000.0)  # lognormal median, sigma, clip (bundled 17k-120k)
DEMAND = (29000.0, 1.1, 500.0, 400000.0)  # lognormal median, sigma, clip (bundled median 29k)
# before scaling each firm's total to its plants' output
PARTS_ORIGINS = ("JP", "MX", "CA", "KR", "DE", "CN", "other")  # bundled: JP MX CA CN other
PARTS_SHARE = (0.02, 0.12)  # each origin (bundled totals 0.27-0.54 over 5 origins)
NET_PRICE_TO_MSRP = (0.86, 0.95)
TOOLING_PLANT_SHARE = 0.5  # vehicle plants that can be tooled for another platform
TOOLING_USD = (80e6, 600e6)
OPTIONS_PER_PAIR = 1  # contract-build options per ordered pair of firms (at most 4 * companies)


def _assumption(seed: int) -> str:
    return f"synthetic: autoalliance synth --seed {seed}"


def _pick(rng: np.random.Generator, items, weights, size) -> np.ndarray:
    w = np.asarray(weights, float)
    return np.asarray(items, dtype=object)[rng.choice(len(items), size=size, p=w / w.sum())]


def _u(rng: np.random.Generator, lo_hi_by_row: np.ndarray) -> np.ndarray:
    lo, hi = lo_hi_by_row[:, 0], lo_hi_by_row[:, 1]
    return lo + (hi - lo) * rng.random(len(lo))


def _ranges(countries: np.ndarray, attr: str) -> np.ndarray:
    return np.array([getattr(RANGES[c], attr) for c in countries], dtype=float).reshape(-1, 2)


def _names(prefix: str, n: int) -> np.ndarray:
    width = max(2, len(str(max(n - 1, 0))))
    return np.char.add(prefix, np.char.zfill(np.arange(n).astype(str), width)).astype(object)


def synth_tables(companies: int = 3, plants: int = 25, nameplates: int = 46, years: int = 6,
                 seed: int = 0, first_year: int = 2025) -> dict[str, pd.DataFrame]:
    """Raw tables (cells as a CSV holds them) of a synthetic dataset; valid under ``validate``.

    ``plants`` counts vehicle and powertrain plants (at least one vehicle plant per company);
    ``nameplates`` at least ``companies``; ``years`` fiscal years from ``first_year``.
    """
    if companies < 1 or plants < companies or nameplates < companies or years < 1:
        raise ValueError("need companies >= 1, plants >= companies, nameplates >= companies "
                         f"and years >= 1 (got {companies}, {plants}, {nameplates}, {years})")
    rng = np.random.default_rng(seed)
    why = _assumption(seed)
    C, P, N, Y = int(companies), int(plants), int(nameplates), int(years)

    # companies -------------------------------------------------------------------------------
    comp = _names("co", C)
    home = np.array([HOMES[i % len(HOMES)] for i in range(C)], dtype=object)
    currency = np.array([CURRENCY[h] for h in home], dtype=object)
    t_companies = pd.DataFrame({"company": comp, "name": np.char.add("Synthetic Motor ",
                                                                     comp.astype(str)),
                                "currency": currency,
                                "fiscal_year_start_month": [FY_START[h] for h in home]})

    # fx: one rate per currency and calendar year, a random walk from the 2025 level ----------
    cal = np.arange(first_year - 1, first_year + Y + 1)
    fx_rows = []
    for cur in sorted(set(currency) - {"USD"}):
        walk = np.exp(np.cumsum(rng.normal(0.0, 0.05, len(cal))))
        fx_rows.append(pd.DataFrame({"currency": cur,
                                     "start": [f"{y}-01-01" for y in cal],
                                     "end": [f"{y}-12-31" for y in cal],
                                     "per_usd": np.round(PER_USD[cur] * walk, 4)}))
    t_fx = (pd.concat(fx_rows, ignore_index=True) if fx_rows else
            pd.DataFrame({"currency": [], "start": [], "end": [], "per_usd": []}))

    # plants: the first C are one vehicle plant per company (at home; US firms in the US) -----
    owner = np.concatenate([np.arange(C), rng.integers(0, C, P - C)])
    where = rng.choice(5, size=P, p=np.array(PLANT_SPREAD) / sum(PLANT_SPREAD))
    others = rng.choice(len(COUNTRIES), size=P)
    country = np.empty(P, dtype=object)
    own_home = home[owner]
    country[:] = np.where(where == 0, own_home,
                          np.where(where == 1, "US", np.where(where == 2, "MX",
                                   np.where(where == 3, "CA", np.array(COUNTRIES)[others]))))
    country[:C] = home
    kind = np.where(rng.random(P) < POWERTRAIN_PLANT_SHARE, "powertrain", "vehicle")
    kind[:C] = "vehicle"
    cap = np.round(_u(rng, _ranges(country, "capacity")), -3)
    cap = np.where(kind == "powertrain", np.round(cap * 1.8, -3), cap)
    util = np.round(0.45 + 0.45 * rng.random(P), 2)
    plant = np.char.add(np.char.add(comp[owner].astype(str), "_"),
                        _names("pl", P).astype(str)).astype(object)

    # nameplates: the first C one per company, then by company size ------------------------
    size = rng.dirichlet(np.full(C, 2.0))
    np_owner = np.concatenate([np.arange(C), rng.choice(C, size=N - C, p=size)])
    per_company = np.bincount(np_owner, minlength=C)
    n_platforms = np.maximum(1, np.round(np.sqrt(per_company) * 0.8).astype(int))
    plat_offset = np.concatenate([[0], np.cumsum(n_platforms)[:-1]])
    np_platform_local = (rng.random(N) * n_platforms[np_owner]).astype(int)
    np_platform_id = plat_offset[np_owner] + np_platform_local  # global platform number
    platform_name = np.char.add(np.char.add(comp[np.repeat(np.arange(C), n_platforms)]
                                            .astype(str), "_"),
                                _names("pf", int(n_platforms.sum())).astype(str)).astype(object)

    # which vehicle plants build which platforms: each platform at one plant of its firm (round
    # robin), each plant one more platform at random
    veh = np.flatnonzero(kind == "vehicle")
    builds = []  # (plant index, global platform)
    for c in range(C):
        vp = veh[owner[veh] == c]
        plats = plat_offset[c] + np.arange(n_platforms[c])
        builds.append(np.column_stack([vp[np.arange(len(plats)) % len(vp)], plats]))
        builds.append(np.column_stack([vp, plat_offset[c]
                                       + rng.integers(0, n_platforms[c], len(vp))]))
    builds = np.unique(np.concatenate(builds), axis=0)
    bdf = pd.DataFrame({"plant_i": builds[:, 0], "pf": builds[:, 1]})
    plant_platforms = (bdf.assign(name=platform_name[bdf["pf"]]).groupby("plant_i")["name"]
                       .agg(";".join))
    platforms_col = pd.Series(plant_platforms.reindex(np.arange(P)).to_numpy(), dtype=object)
    pt = np.flatnonzero(kind == "powertrain")
    platforms_col[pt] = np.char.add(comp[owner[pt]].astype(str), "_engine").astype(object)
    t_plants = pd.DataFrame({"plant": plant, "company": comp[owner],
                             "name": np.char.add("Synthetic plant ", plant.astype(str)),
                             "country": country, "kind": kind, "capacity_units": cap,
                             "utilisation": util, "platforms": platforms_col.fillna("")})

    truck = rng.random(N) < LIGHT_TRUCK_SHARE
    segment = np.where(truck, _pick(rng, TRUCK_SEGMENTS, [1, 1], N),
                       _pick(rng, SEGMENTS, np.ones(len(SEGMENTS)), N))
    luxury = np.char.find(segment.astype(str), "luxury") >= 0
    msrp = np.clip(MSRP[0] * np.exp(rng.normal(0, MSRP[1], N)) * np.where(luxury, 1.4, 1.0),
                   MSRP[2], MSRP[3])
    msrp = np.round(msrp / 5) * 5
    nameplate = _names("np", N)
    brand_base = np.char.add("Synco ", np.char.lstrip(comp[np_owner].astype(str), "co"))
    t_nameplates = pd.DataFrame({
        "nameplate": nameplate, "company": comp[np_owner],
        "brand": np.where(luxury, np.char.add(brand_base, " Luxe"), brand_base),
        "segment": segment, "platform": platform_name[np_platform_id],
        "powertrain": _pick(rng, [p for p, _ in POWERTRAINS], [w for _, w in POWERTRAINS], N),
        "category": np.where(truck, "light_truck", "car"), "msrp_usd": msrp})

    # costs: every nameplate at every vehicle plant of its firm --------------------------------
    vdf = pd.DataFrame({"plant_i": veh, "c": owner[veh]})
    lanes = pd.DataFrame({"np_i": np.arange(N), "c": np_owner}).merge(vdf, on="c", sort=False)
    lanes = lanes.sort_values(["np_i", "plant_i"], kind="stable").reset_index(drop=True)
    fits = pd.MultiIndex.from_arrays([lanes["plant_i"], np_platform_id[lanes["np_i"]]]).isin(
        pd.MultiIndex.from_arrays([bdf["plant_i"], bdf["pf"]]))
    lanes["fits"] = fits
    L = len(lanes)
    lc = country[lanes["plant_i"].to_numpy()]
    cv = np.round(msrp[lanes["np_i"]] * _u(rng, _ranges(lc, "customs_to_msrp")), 0)
    vc = np.round(cv * _u(rng, _ranges(lc, "cost_to_customs")), 0)
    usc = np.round(_u(rng, _ranges(lc, "us_content")), 3)
    usmca = np.isin(lc, ["MX", "CA"]) & (rng.random(L) < 0.9)
    logi = np.round(_u(rng, _ranges(lc, "logistics")), -1)
    t_costs = pd.DataFrame({"nameplate": nameplate[lanes["np_i"]], "plant": plant[lanes["plant_i"]],
                            "customs_value_usd": cv, "variable_cost_usd": vc,
                            "us_content_share": usc,
                            "usmca_qualifying": np.where(usmca, "true", "false"),
                            "logistics_usd": logi})

    # sourcing: 1-3 plants that build the platform, shares in whole percent summing to 100 ----
    fit = lanes[lanes["fits"]].copy()
    fit["r"] = rng.random(len(fit))
    want = rng.choice([1, 2, 3], size=N, p=[0.85, 0.1, 0.05])  # bundled: 257/7/12 of 276
    fit["rank"] = fit.groupby("np_i")["r"].rank(method="first")
    src = fit[fit["rank"] <= want[fit["np_i"]]].copy()
    src["w"] = 0.25 + rng.random(len(src))
    total = src.groupby("np_i")["w"].transform("sum")
    pct = np.floor(src["w"] / total * 100).astype(int)
    first = src["rank"].eq(1).to_numpy()
    short = 100 - pct.groupby(src["np_i"]).transform("sum")
    pct = np.where(first, pct + short, pct)
    src["share"] = pct / 100
    fys = np.arange(first_year, first_year + Y)
    t_sourcing = pd.DataFrame({
        "nameplate": np.repeat(nameplate[src["np_i"]], Y),
        "plant": np.repeat(plant[src["plant_i"]], Y), "market": "US",
        "fiscal_year": np.tile(fys, len(src)), "share": np.repeat(src["share"].to_numpy(), Y)})

    # demand: lognormal level per nameplate, a yearly growth walk --------------------------------
    # scaled per firm to the output of its vehicle plants (capacity x utilisation)
    level = DEMAND[0] * np.exp(rng.normal(0, DEMAND[1], N))
    busy = np.bincount(owner[veh], weights=cap[veh] * util[veh], minlength=C)
    level = level * (busy / np.bincount(np_owner, weights=level, minlength=C))[np_owner]
    level = np.clip(level, DEMAND[2], DEMAND[3])
    growth = np.exp(np.cumsum(rng.normal(0.0, 0.04, (N, Y)), axis=1))
    growth[:, 0] = 1.0
    units = np.round(level[:, None] * growth, 0)
    t_demand = pd.DataFrame({"nameplate": np.repeat(nameplate, Y), "market": "US",
                             "fiscal_year": np.tile(fys, N), "units": units.ravel()})

    # parts content of US vehicle plants: 2-5 origins ------------------------------------------
    us_veh = veh[country[veh] == "US"]
    k = len(PARTS_ORIGINS)
    take = rng.random((len(us_veh), k)) < 0.6
    take[:, 0] |= ~take.any(axis=1)
    pi, oi = np.nonzero(take)
    t_parts = pd.DataFrame({"plant": plant[us_veh[pi]],
                            "origin": np.array(PARTS_ORIGINS, dtype=object)[oi],
                            "usmca_compliant": np.where(
                                np.isin(np.array(PARTS_ORIGINS)[oi], ["MX", "CA"]), "true",
                                "false"),
                            "share": np.round(PARTS_SHARE[0] + (PARTS_SHARE[1] - PARTS_SHARE[0])
                                              * rng.random(len(pi)), 3)})

    # monthly profile of entries (fiscal-year months), shared by every firm ---------------------
    w = 1.0 + 0.15 * np.sin(np.arange(12) / 12 * 2 * np.pi) + 0.05 * rng.random(12)
    t_profile = pd.DataFrame({"company": "*", "month": np.arange(1, 13), "weight": np.round(w, 3)})

    measures = pd.read_csv(DATASETS_DIR / DEFAULT_DATASET / "measures.csv", dtype=str,
                           keep_default_na=False)

    tables = {"companies": t_companies, "fx": t_fx, "plants": t_plants,
              "nameplates": t_nameplates, "demand": t_demand, "sourcing": t_sourcing,
              "costs": t_costs, "parts_content": t_parts, "profile": t_profile,
              "measures": measures,
              "codes": pd.DataFrame({"code": ["other"], "kind": ["country"],
                                     "meaning": ["imported parts from countries not listed"],
                                     "assumption": ["synthetic dataset: pooled parts origins"]})}

    # the planner's tables ------------------------------------------------------------------------
    t_revenue = pd.DataFrame({"nameplate": nameplate, "market": "US",
                              "net_price_usd": np.round(msrp * (NET_PRICE_TO_MSRP[0] + (
                                  NET_PRICE_TO_MSRP[1] - NET_PRICE_TO_MSRP[0]) * rng.random(N)),
                                  0)})
    tool_plants = veh[rng.random(len(veh)) < TOOLING_PLANT_SHARE]
    t_tooling = pd.DataFrame({"plant": plant[tool_plants],
                              "investment_usd": np.round(TOOLING_USD[0] + (
                                  TOOLING_USD[1] - TOOLING_USD[0]) * rng.random(len(tool_plants)),
                                  -6),
                              "lead_time_years": rng.integers(1, 4, len(tool_plants))})
    t_options, extra_costs = _options(rng, C, comp, owner, kind, country, plant, np_owner,
                                      nameplate, msrp, lanes, t_costs)
    t_costs = pd.concat([t_costs, extra_costs], ignore_index=True)
    tables["costs"] = t_costs
    tables.update(revenue=t_revenue, tooling=t_tooling, options=t_options)

    known = schemas()
    out = {}
    for name, frame in tables.items():
        if name not in known:
            continue  # a table this version's schemas do not list (the planner's, before it lands)
        if name != "measures":
            frame = frame.assign(source="", assumption=why)
        cols = known[name].column_names
        missing = [c for c in known[name].required_columns if c not in frame.columns]
        if missing:
            raise RuntimeError(f"synth does not generate required column(s) {missing} of "
                               f"{name}; teach autoalliance.dataset.synth about them")
        out[name] = frame.reindex(columns=[c for c in cols if c in frame.columns or c in
                                           ("source", "assumption")]).reset_index(drop=True)
    return out


def _options(rng, C, comp, owner, kind, country, plant, np_owner, nameplate, msrp, lanes,
             costs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Collaboration options: for pairs of firms, the host builds up to three of the owner's
    nameplates at one of its US vehicle plants (contract_build); plus do_nothing. The new
    lanes get costs rows priced like the host plant's own."""
    rows = [dict(option="do_nothing", kind="do_nothing", owner="", host="", nameplates="",
                 plant="", investment_usd=0.0, lead_time_years=0)]
    extra = []
    if C >= 2:
        pairs = [(a, b) for a in range(C) for b in range(C) if a != b]
        n_opt = min(len(pairs) * OPTIONS_PER_PAIR, 4 * C)
        chosen = rng.choice(len(pairs), size=n_opt, replace=False)
        for j, pi in enumerate(sorted(chosen)):
            a, b = pairs[pi]
            hp = np.flatnonzero((owner == b) & (kind == "vehicle") & (country == "US"))
            if len(hp) == 0:
                hp = np.flatnonzero((owner == b) & (kind == "vehicle"))
            h = int(hp[rng.integers(len(hp))])
            cand = np.flatnonzero(np_owner == a)  # (a, b) comes once, so no lane twice
            cov = np.sort(rng.choice(cand, size=min(3, len(cand)), replace=False))
            rows.append(dict(option=f"opt{j:03d}_{comp[a]}_at_{plant[h]}", kind="contract_build",
                             owner=comp[a], host=comp[b], nameplates=";".join(nameplate[cov]),
                             plant=plant[h],
                             investment_usd=float(np.round(50e6 + 250e6 * rng.random(), -6)),
                             lead_time_years=int(rng.integers(1, 3)),
                             capacity_units=float(np.round(40e3 + 110e3 * rng.random(), -3)),
                             fee_min_usd=0.0, fee_max_usd=float(np.round(500 + 1500
                                                                          * rng.random(), 0)),
                             unit_cost_effect_usd=float(np.round(100 + 400 * rng.random(), 0))))
            r = RANGES[country[h]]
            m = msrp[cov]
            cv = np.round(m * (r.customs_to_msrp[0] + (r.customs_to_msrp[1] - r.customs_to_msrp[0])
                               * rng.random(len(cov))), 0)
            extra.append(pd.DataFrame({
                "nameplate": nameplate[cov], "plant": plant[h], "customs_value_usd": cv,
                "variable_cost_usd": np.round(cv * (r.cost_to_customs[0] + (
                    r.cost_to_customs[1] - r.cost_to_customs[0]) * rng.random(len(cov))), 0),
                "us_content_share": np.round(r.us_content[0] + (r.us_content[1]
                                             - r.us_content[0]) * rng.random(len(cov)), 3),
                "usmca_qualifying": "true" if country[h] in ("MX", "CA") else "false",
                "logistics_usd": np.round(r.logistics[0] + (r.logistics[1] - r.logistics[0])
                                          * rng.random(len(cov)), -1)}))
    extra_costs = (pd.concat(extra, ignore_index=True) if extra
                   else pd.DataFrame(columns=costs.columns))
    return pd.DataFrame(rows), extra_costs


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as deterministic CSV text: whole numbers without '.0', other floats as repr."""
    out = {}
    for c in frame.columns:
        s = frame[c]
        if pd.api.types.is_float_dtype(s):
            v = s.to_numpy(dtype=float)
            txt = np.array([repr(x) for x in v.tolist()], dtype=object)
            whole = np.isfinite(v) & (v == np.round(v))
            txt[whole] = v[whole].astype(np.int64).astype(str)
            txt[np.isnan(v)] = ""
            out[c] = txt
        elif pd.api.types.is_integer_dtype(s):
            out[c] = s.astype(str).to_numpy()
        else:
            out[c] = s.astype(object).where(s.notna(), "").astype(str).to_numpy()
    return pd.DataFrame(out)


def write_synth(out: str | Path, companies: int = 3, plants: int = 25, nameplates: int = 46,
                years: int = 6, seed: int = 0, first_year: int = 2025) -> Path:
    """Write a synthetic dataset as a folder of CSV files (``<table>.csv``); returns the folder.
    The same arguments give byte-identical files."""
    p = Path(out)
    p.mkdir(parents=True, exist_ok=True)
    tables = synth_tables(companies, plants, nameplates, years, seed, first_year)
    for name, frame in tables.items():
        _text(frame).to_csv(p / f"{name}.csv", index=False, lineterminator="\n")
    return p


def synth_footprint(folder: str | Path, **kwargs):
    """Write a synthetic dataset to ``folder`` and load it validated (a Footprint)."""
    from autoalliance.dataset.footprint import load_footprint

    return load_footprint(write_synth(folder, **kwargs))


__all__ = ["RANGES", "synth_footprint", "synth_tables", "write_synth"]
