"""Which rows differ between two datasets: added, removed, or changed (and in which columns).

Rows are matched on each table's key (``schema/tables.csv``); a table without a key (or whose key
repeats) is matched on its whole row. Cells are compared as the text a CSV holds, so a number
read from a workbook and the same number from a CSV are equal.
"""

from __future__ import annotations

import pandas as pd

from autoalliance.dataset.footprint import Footprint, _csv_ready
from autoalliance.dataset.schema import schemas

NOTE_COLUMNS = ("source", "assumption")  # text only: a change there moves no number
DIFF_COLUMNS = ["table", "key", "change", "columns", "before", "after", "notes_only"]


def table_text(fp: Footprint, table: str) -> pd.DataFrame:
    """A table as the text cells a CSV holds (blank for missing), index 0..n-1."""
    frame = fp.tables.get(table)
    if frame is None:
        return pd.DataFrame(columns=schemas()[table].column_names if table in schemas() else [])
    return _csv_ready(frame, table).reset_index(drop=True)


def _key_columns(table: str, a: pd.DataFrame, b: pd.DataFrame) -> list[str]:
    key = [k for k in (schemas()[table].key if table in schemas() else ())]
    if key and all(k in a and k in b for k in key) \
            and not a.duplicated(key).any() and not b.duplicated(key).any():
        return key
    return [c for c in a.columns if c in b.columns]


def _label(row: pd.Series, key: list[str]) -> str:
    return "/".join(str(row[k]) for k in key)


def row_changes(a: Footprint, b: Footprint) -> pd.DataFrame:
    """One row per dataset row that differs from ``a`` to ``b``: ``table``, ``key`` (the key
    values joined by ``/``), ``change`` (added, removed, changed), ``columns`` (the changed
    columns, ``;``-joined), ``before``/``after`` (those cells, ``;``-joined) and ``notes_only``
    (only ``source``/``assumption`` changed)."""
    out = []
    tables = [t for t in schemas() if t in a.tables or t in b.tables]
    for table in tables:
        ta, tb = table_text(a, table), table_text(b, table)
        cols = [c for c in dict.fromkeys(list(ta.columns) + list(tb.columns))]
        for c in cols:  # a column only one side has reads as blank on the other
            ta[c] = ta[c] if c in ta else ""
            tb[c] = tb[c] if c in tb else ""
        key = _key_columns(table, ta, tb)
        ia = {tuple(r[k] for k in key): r for _, r in ta.iterrows()}
        ib = {tuple(r[k] for k in key): r for _, r in tb.iterrows()}
        for k, r in ia.items():
            if k not in ib:
                out.append(dict(table=table, key=_label(r, key), change="removed", columns="",
                                before="", after="", notes_only=False))
        for k, r in ib.items():
            if k not in ia:
                out.append(dict(table=table, key=_label(r, key), change="added", columns="",
                                before="", after="", notes_only=False))
                continue
            old = ia[k]
            moved = [c for c in cols if c not in key and str(old[c]) != str(r[c])]
            if moved:
                out.append(dict(table=table, key=_label(r, key), change="changed",
                                columns=";".join(moved),
                                before=";".join(str(old[c]) for c in moved),
                                after=";".join(str(r[c]) for c in moved),
                                notes_only=all(c in NOTE_COLUMNS for c in moved)))
    return pd.DataFrame(out, columns=DIFF_COLUMNS)


def changed_tables(changes: pd.DataFrame) -> list[str]:
    """Tables with a change beyond notes (the ones that can move a number), in schema order."""
    moving = changes[~changes["notes_only"].astype(bool)]
    return list(dict.fromkeys(moving["table"]))
