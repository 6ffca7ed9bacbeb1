"""Apply a scenario's overrides to a Footprint and re-validate the result with the dataset checks.

Only the tables a scenario names change; every other table is the same object as before. A
changed table goes back through the dataset's own checks (types, ranges, keys, references,
cross-table rules), so an override that breaks the dataset is an error naming the scenario file,
the line and the override key (``overrides.measures.add[0]``), never a wrong answer.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from autoalliance.dataset.footprint import Footprint, revalidate
from autoalliance.dataset.schema import schemas
from autoalliance.scenarios.spec import Scenario, ScenarioError, ScenarioProblem, TableOverride


class _OpError(Exception):
    def __init__(self, key: str, message: str):
        self.key, self.message = key, message
        super().__init__(message)


def _coerce(value, typ: str, what: str):
    """A YAML value as the typed cell of a column of type ``typ``."""
    if value is None or (isinstance(value, str) and value == ""):
        return "" if typ == "str" else (pd.NaT if typ == "date" else np.nan)
    if typ == "str":
        if isinstance(value, bool):
            raise ValueError(f"{what}: YAML read {value!r} as a boolean; quote the text "
                             f"(\"yes\", \"no\")")
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if typ in ("int", "float"):
        if isinstance(value, bool):
            raise ValueError(f"{what}: expected a number, got {value!r}")
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{what}: expected a number, got {value!r}") from None
        if not np.isfinite(v):
            raise ValueError(f"{what}: expected a finite number, got {value!r}")
        if typ == "int" and not v.is_integer():
            raise ValueError(f"{what}: expected a whole number, got {value!r}")
        return v
    if typ == "date":
        if isinstance(value, (dt.date, pd.Timestamp)):
            return pd.Timestamp(value)
        try:
            return pd.Timestamp(dt.date.fromisoformat(str(value)))
        except ValueError:
            raise ValueError(f"{what}: expected a date as YYYY-MM-DD, got {value!r}") from None
    if typ == "bool":
        if isinstance(value, bool):
            return value
        low = str(value).lower()
        if low in ("true", "yes", "1"):
            return True
        if low in ("false", "no", "0"):
            return False
        raise ValueError(f"{what}: expected true or false, got {value!r}")
    raise AssertionError(typ)


def _types(table: str) -> dict[str, str]:
    return dict(zip(schemas()[table].columns["column"], schemas()[table].columns["type"]))


def _lookup(fp: Footprint, tables: dict[str, pd.DataFrame], table: str, frame: pd.DataFrame,
            key: str) -> tuple[pd.Series, str]:
    """Values of ``key`` for each row: a column of the table, or of a table it references."""
    if key in frame.columns:
        return frame[key], _types(table)[key]
    for spec in schemas()[table].columns.itertuples(index=False):
        if not spec.check.startswith("ref:"):
            continue
        ref_table, ref_col = spec.check[4:].split(".")
        if key in schemas()[ref_table].column_names:
            ref = tables.get(ref_table, fp.table(ref_table)).drop_duplicates(ref_col)
            mapped = frame[spec.column].map(ref.set_index(ref_col)[key])
            return mapped, _types(ref_table)[key]
    raise ValueError(f"{key!r} is neither a column of {table} nor of a table it references")


def _match(fp, tables, table: str, frame: pd.DataFrame, where: dict, key: str) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    for col, want in where.items():
        try:
            values, typ = _lookup(fp, tables, table, frame, col)
            wants = want if isinstance(want, list) else [want]
            wants = [_coerce(w, typ, f"where {col}") for w in wants]
        except ValueError as e:
            raise _OpError(f"{key}.where.{col}", str(e)) from None
        hit = np.zeros(len(frame), dtype=bool)
        for w in wants:
            if (isinstance(w, float) and np.isnan(w)) or w is pd.NaT:
                hit |= values.isna().to_numpy()
            elif typ == "str" and w == "":
                hit |= (values.isna() | values.astype(str).eq("")).to_numpy()
            else:
                hit |= values.eq(w).fillna(False).to_numpy(dtype=bool)
        mask &= hit
    return mask


def _rows(rows: list[dict], table: str, key: str, scenario: Scenario) -> pd.DataFrame:
    types = _types(table)
    out = []
    for i, row in enumerate(rows):
        cells = {}
        for c, typ in types.items():
            try:
                cells[c] = _coerce(row.get(c), typ, c)
            except ValueError as e:
                raise _OpError(f"{key}[{i}].{c}", str(e)) from None
        if "assumption" in types and not row.get("source") and not row.get("assumption"):
            cells["assumption"] = f"scenario {scenario.name}"
        out.append(cells)
    return pd.DataFrame(out, columns=list(types))


def apply_table(fp: Footprint, tables: dict[str, pd.DataFrame], table: str, ov: TableOverride,
                scenario: Scenario) -> tuple[pd.DataFrame, list[str]]:
    """One table with its override applied (typed cells, not yet re-validated) and, for each
    row, the override key that made or last changed it (\"\" for rows as in the dataset)."""
    key = f"overrides.{table}"
    types = _types(table)
    frame = tables.get(table, fp.table(table)).copy()
    for c in types:
        if c not in frame.columns:
            frame[c] = pd.Series([np.nan] * len(frame), index=frame.index, dtype=object)
    frame = frame[list(types)].reset_index(drop=True)
    made = [""] * len(frame)
    if ov.replace is not None:
        frame = _rows(ov.replace, table, f"{key}.replace", scenario)
        made = [f"{key}.replace[{i}]" for i in range(len(frame))]
    for i, where in enumerate(ov.remove):
        hit = _match(fp, tables, table, frame, where, f"{key}.remove[{i}]")
        frame = frame[~hit].reset_index(drop=True)
        made = [m for m, h in zip(made, hit) if not h]
    for i, op in enumerate(ov.set):
        k = f"{key}.set[{i}]"
        hit = _match(fp, tables, table, frame, op.where, k)
        for col, v in op.values.items():
            try:
                cell = _coerce(v, types[col], col)
            except ValueError as e:
                raise _OpError(f"{k}.values.{col}", str(e)) from None
            if hit.any():
                if frame[col].dtype != object:
                    frame[col] = frame[col].astype(object)
                frame.loc[hit, col] = cell
        made = [k if h else m for m, h in zip(made, hit)]
    for i, op in enumerate(ov.scale):
        k = f"{key}.scale[{i}]"
        hit = _match(fp, tables, table, frame, op.where, k)
        col = pd.to_numeric(frame[op.column], errors="coerce").astype(float)
        frame[op.column] = np.where(hit, col * op.factor, col)
        made = [k if h else m for m, h in zip(made, hit)]
    if ov.add:
        new = _rows(ov.add, table, f"{key}.add", scenario)
        frame = pd.concat([frame.astype(object), new.astype(object)], ignore_index=True)
        made += [f"{key}.add[{i}]" for i in range(len(new))]
    return frame, made


def apply_fx_path(fx: pd.DataFrame, currency: str, points: dict, scenario: Scenario) \
        -> pd.DataFrame:
    """The fx table with ``currency`` following ``points`` (date -> per USD) from the first
    point on; earlier rates stay, a range across the first date is cut the day before."""
    dates = [pd.Timestamp(d) for d in points]
    first = dates[0]
    own = fx["currency"].eq(currency)
    last_end = fx.loc[own, "end"].max() if own.any() else pd.NaT
    keep = fx[~own | (fx["start"] < first)].copy()
    cut = keep["currency"].eq(currency) & (keep["end"] >= first)
    keep["end"] = keep["end"].astype("datetime64[us]")
    keep.loc[cut, "end"] = first - pd.Timedelta(days=1)
    rows = []
    for i, (d, rate) in enumerate(zip(dates, points.values())):
        end = dates[i + 1] - pd.Timedelta(days=1) if i + 1 < len(dates) else \
            max(last_end, d) if pd.notna(last_end) else d + pd.DateOffset(years=10)
        rows.append(dict(currency=currency, start=d, end=end, per_usd=float(rate),
                         source="", assumption=f"scenario {scenario.name}: FX path"))
    return pd.concat([keep.astype(object), pd.DataFrame(rows).astype(object)],
                     ignore_index=True)[list(fx.columns)]


def _origin(origins: dict | None, scenario: Scenario) -> tuple[str, int]:
    o = (origins or {}).get(scenario.name)
    if o is None:
        return f"scenario {scenario.name}", 0
    file, _, line = o.rpartition(", line ")
    return file, int(line) if line.isdigit() else 0


def apply_scenario(fp: Footprint, scenario: Scenario, origins: dict | None = None,
                   validate: bool = True) -> Footprint:
    """The footprint under a scenario: its overrides applied, changed tables re-validated.

    Raises ScenarioError naming the scenario file, line and override key when an override
    cannot be applied or leaves the dataset invalid.
    """
    file, line = _origin(origins, scenario)
    if not scenario.overrides and not scenario.fx_paths:
        return fp
    changed: dict[str, pd.DataFrame] = {}
    made: dict[str, list[str]] = {}
    try:
        for table, ov in scenario.overrides.items():
            changed[table], made[table] = apply_table(fp, changed, table, ov, scenario)
    except _OpError as e:
        raise ScenarioError([ScenarioProblem(file, line, e.key,
                                             f"scenario {scenario.name}: {e.message}")]) from None
    for i, path in enumerate(scenario.fx_paths):
        fx = changed.get("fx", fp.table("fx"))
        if not fx["currency"].eq(path.currency).any():
            raise ScenarioError([ScenarioProblem(file, line, f"fx_paths[{i}].currency",
                                                 f"scenario {scenario.name}: the dataset has no "
                                                 f"{path.currency} rates")])
        changed["fx"] = apply_fx_path(fx, path.currency, path.points, scenario)
        made["fx"] = [f"fx_paths[{i}]" if c == path.currency else ""
                      for c in changed["fx"]["currency"]]
    if not validate:
        return fp.replace(**changed)
    typed, problems = revalidate(fp, changed)
    if problems:
        out = []
        for p in problems:
            table = p.file.removesuffix(".csv")
            key = "overrides"
            if table in made and p.row >= 2 and p.row - 2 < len(made[table]):
                key = made[table][p.row - 2] or f"overrides.{table}"
            elif table in changed:
                key = f"overrides.{table}"
            out.append(ScenarioProblem(file, line, key, f"scenario {scenario.name} leaves the "
                                       f"dataset invalid: {p}"))
        raise ScenarioError(out)
    return fp.replace(**{t: typed[t] for t in changed})


def check_scenarios(fp: Footprint, scenarios, origins: dict | None = None) -> None:
    """Apply every scenario once; raise one ScenarioError listing every problem."""
    problems: list[ScenarioProblem] = []
    for sc in scenarios:
        try:
            apply_scenario(fp, sc, origins)
        except ScenarioError as e:
            problems.extend(e.problems)
    if problems:
        raise ScenarioError(problems)
