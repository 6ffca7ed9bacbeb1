"""Table schemas kept as data: one CSV per table, one row per column."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

TYPES = ("str", "int", "float", "date", "bool")


@dataclass(frozen=True)
class TableSchema:
    name: str
    required: bool
    key: tuple[str, ...]
    description: str
    columns: pd.DataFrame  # column, type, unit, required, check, description

    @property
    def column_names(self) -> list[str]:
        return list(self.columns["column"])

    @property
    def required_columns(self) -> list[str]:
        return list(self.columns.loc[self.columns["required"], "column"])

    def column(self, name: str) -> pd.Series:
        return self.columns.set_index("column").loc[name]


def _read(name: str) -> pd.DataFrame:
    with resources.files(__package__).joinpath(name).open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype=str, keep_default_na=False)


@cache
def schemas() -> dict[str, TableSchema]:
    """All table schemas, in the order of ``tables.csv``."""
    tables = _read("tables.csv")
    out = {}
    for row in tables.itertuples(index=False):
        cols = _read(f"{row.table}.csv")
        cols["required"] = cols["required"].str.lower().eq("true")
        bad = set(cols["type"]) - set(TYPES)
        if bad:
            raise RuntimeError(f"schema/{row.table}.csv: unknown types {sorted(bad)}")
        out[row.table] = TableSchema(
            name=row.table,
            required=row.required.lower() == "true",
            key=tuple(k for k in row.key.split(";") if k),
            description=row.description,
            columns=cols,
        )
    return out


def schema(table: str) -> TableSchema:
    return schemas()[table]
