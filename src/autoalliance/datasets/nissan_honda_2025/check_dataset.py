# ruff: noqa: E501
"""Stand-alone sanity check of the nissan_honda_2025 CSVs (pandas only).

Checks: columns follow the schema, keys are unique, every row has a source or
an assumption, references resolve, sourcing shares sum to 1 per
nameplate-market-year, every sourced (nameplate, plant) has a costs row,
parts shares per plant sum to at most 1, fx covers 2025-04-01..2031-03-31
without gaps. Exit code 1 on any problem.
Run:  .venv/bin/python src/autoalliance/datasets/nissan_honda_2025/check_dataset.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SCHEMA = HERE.parent.parent / "dataset" / "schema"
problems: list[str] = []

tables = pd.read_csv(SCHEMA / "tables.csv")
T = {}
for _, t in tables.iterrows():
    f = HERE / f"{t.table}.csv"
    if not f.exists():
        if t.required:
            problems.append(f"missing required table {t.table}")
        continue
    df = pd.read_csv(f, dtype=str, keep_default_na=False)
    T[t.table] = df
    cols = list(pd.read_csv(SCHEMA / f"{t.table}.csv")["column"])
    if list(df.columns) != cols:
        problems.append(f"{t.table}: columns {list(df.columns)} != schema {cols}")
    keys = t.key.split(";")
    dup = df[df.duplicated(keys, keep=False)]
    if len(dup):
        problems.append(f"{t.table}: duplicate keys {dup[keys].values.tolist()[:5]}")
    if t.table != "measures" and {"source", "assumption"} <= set(df.columns):
        bare = df[(df.source.str.strip() == "") & (df.assumption.str.strip() == "")]
        if len(bare):
            problems.append(f"{t.table}: {len(bare)} rows without source or assumption")


def ref(table, col, target, tcol):
    bad = set(T[table][col]) - set(T[target][tcol])
    if bad:
        problems.append(f"{table}.{col} -> {target}.{tcol}: unresolved {sorted(bad)}")


ref("plants", "company", "companies", "company")
ref("nameplates", "company", "companies", "company")
ref("demand", "nameplate", "nameplates", "nameplate")
ref("sourcing", "nameplate", "nameplates", "nameplate")
ref("sourcing", "plant", "plants", "plant")
ref("costs", "nameplate", "nameplates", "nameplate")
ref("costs", "plant", "plants", "plant")
ref("parts_content", "plant", "plants", "plant")
ref("reported", "company", "companies", "company")
# an fx currency is a company's reporting currency or a currency costs are incurred in
fx_bad = set(T["fx"].currency) - set(T["companies"].currency) - set(T["costs"].get("cost_currency", []))
if fx_bad:
    problems.append(f"fx.currency neither a company's nor a cost currency: {sorted(fx_bad)}")

s = T["sourcing"].assign(share=lambda d: d.share.astype(float))
sums = s.groupby(["nameplate", "market", "fiscal_year"]).share.sum()
for k, v in sums.items():
    if abs(v - 1) > 1e-9:
        problems.append(f"sourcing shares {k} sum to {v}")
d = T["demand"]
dk = set(map(tuple, d[["nameplate", "market", "fiscal_year"]].values))
sk = set(sums.index)
if dk - sk:
    problems.append(f"demand rows without sourcing: {sorted(dk - sk)[:5]}")
ck = set(map(tuple, T["costs"][["nameplate", "plant"]].values))
missing = set(map(tuple, s[["nameplate", "plant"]].values)) - ck
if missing:
    problems.append(f"sourced nameplate-plant without costs: {sorted(missing)}")
pc = T["parts_content"].assign(share=lambda d: d.share.astype(float)).groupby("plant").share.sum()
for p, v in pc.items():
    if v > 1:
        problems.append(f"parts shares of {p} sum to {v}")
us_plants = set(T["plants"].query("country == 'US' and kind == 'vehicle'").plant)
if us_plants - set(pc.index):
    problems.append(f"US assembly plants without parts_content: {sorted(us_plants - set(pc.index))}")
for col in ("usmca_qualifying",):
    if not set(T["costs"][col]) <= {"true", "false"}:
        problems.append(f"costs.{col} not true/false")
fx_all = T["fx"].assign(start=lambda d: pd.to_datetime(d.start), end=lambda d: pd.to_datetime(d.end))
for cur, fx in fx_all.groupby("currency"):
    fx = fx.sort_values("start")
    if fx.start.min() > pd.Timestamp("2025-04-01") or fx.end.max() < pd.Timestamp("2031-03-31"):
        problems.append(f"fx {cur} does not cover 2025-04-01..2031-03-31")
    for a, b in zip(fx.end.iloc[:-1], fx.start.iloc[1:]):
        if b != a + pd.Timedelta(days=1):
            problems.append(f"fx {cur} gap/overlap between {a.date()} and {b.date()}")
# platform compatibility of today's sourcing
pl = T["plants"].set_index("plant").platforms.str.split(";")
npf = T["nameplates"].set_index("nameplate").platform
for _, r in s.iterrows():
    if npf[r.nameplate] not in pl[r.plant]:
        problems.append(f"{r.nameplate} sourced at {r.plant} whose platforms {pl[r.plant]} lack {npf[r.nameplate]}")

for name, df in T.items():
    print(f"{name}: {len(df)} rows")
if problems:
    print("\n".join(["PROBLEMS:"] + problems))
    sys.exit(1)
print("OK")
