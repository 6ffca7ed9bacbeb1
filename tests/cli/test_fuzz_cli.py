"""A CLI-level property over broken datasets: for any dataset the fuzzing breaks (a CSV folder or
a workbook), `autoalliance validate` and `autoalliance exposure` exit with 2 on problems (0 when
the dataset is valid), print `file, row R, column C: message` lines, never a traceback, and
write nothing (the folder listing is unchanged).

The budget is small here; `make fuzz` raises it (AUTOALLIANCE_FUZZ_EXAMPLES).
"""

import json
import os
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.testing import tiny_tables, write_tables

BUDGET = int(os.environ.get("AUTOALLIANCE_FUZZ_EXAMPLES", "40"))
# an example runs three commands (~0.6 s): a quarter of the budget in make test
FUZZ = settings(max_examples=max(10, BUDGET // 4), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
TABLES = list(tiny_tables())
runner = CliRunner()

cells = st.one_of(
    st.text(max_size=10),
    st.sampled_from(["nan", "inf", "-1", "0", "1e300", "-1e300", "", "zz9", "2025-02-30",
                     "true", "=cmd|' /C calc'!A0", "1;2", "\t"]),
    st.floats().map(repr), st.integers(-10**15, 10**15).map(str))
# rich prints "file, row R, column C: message"; the row and column parts are optional (0, "")
WHERE = re.compile(r"^  \S[^,]*(, row \d+)?(, column [^:]+)?: \S")


def listing(folder):
    return sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*"))


def no_crash(result):
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        raise AssertionError("".join(traceback.format_exception(*result.exc_info)))
    assert "Traceback" not in result.output


@st.composite
def broken_tables(draw):
    t = tiny_tables()
    for _ in range(draw(st.integers(1, 3))):
        table = draw(st.sampled_from(TABLES))
        frame = t[table].astype(object)
        if frame.empty:
            continue
        kind = draw(st.sampled_from(["cell", "cell", "dup_row", "drop_row", "drop_col"]))
        if kind == "cell":
            frame.loc[draw(st.integers(0, len(frame) - 1)),
                      draw(st.sampled_from(list(frame.columns)))] = draw(cells)
        elif kind == "dup_row":
            frame = frame.iloc[[*range(len(frame)), 0]].reset_index(drop=True)
        elif kind == "drop_row":
            frame = frame.iloc[1:].reset_index(drop=True)
        else:
            frame = frame.drop(columns=draw(st.sampled_from(list(frame.columns))))
        t[table] = frame
    return t


@FUZZ
@given(tables=broken_tables(), as_book=st.booleans())
def test_validate_and_exposure_on_broken_datasets(tmp_path_factory, tables, as_book):
    root = tmp_path_factory.mktemp("cli")
    if as_book:
        import pandas as pd
        from openpyxl.utils.exceptions import IllegalCharacterError

        path = root / "book.xlsx"
        try:
            with pd.ExcelWriter(path) as w:
                for name, frame in tables.items():
                    frame.to_excel(w, sheet_name=name, index=False)
        except IllegalCharacterError:  # a control character no workbook can hold
            assume(False)
    else:
        path = write_tables(tables, root / "ds")
    before = listing(root)
    cwd = os.getcwd()
    os.chdir(root)  # anything written to the working directory would show in the listing
    try:
        human = runner.invoke(app, ["validate", str(path)], terminal_width=400)
        machine = runner.invoke(app, ["validate", str(path), "--json"])
        exp = runner.invoke(app, ["exposure", str(path), "--json"], terminal_width=400)
    finally:
        os.chdir(cwd)
    for r in (human, machine, exp):
        no_crash(r)
    assert listing(root) == before
    problems = json.loads(machine.stdout)["problems"]
    if not problems:
        assert human.exit_code == machine.exit_code == 0
        assert exp.exit_code == 0, exp.output
        return
    assert human.exit_code == machine.exit_code == exp.exit_code == 2
    lines = [ln for ln in human.output.splitlines() if ln.startswith("  ")]
    assert len(lines) == len(problems)
    for ln, p in zip(lines, problems):
        assert WHERE.match(ln), ln
        where = p["file"] + (f", row {p['row']}" if p["row"] else "") + \
            (f", column {p['column']}" if p["column"] else "")
        assert ln.startswith(f"  {where}: "), (ln, where)
    first = problems[0]
    assert first["file"] in exp.output.replace("\n", "")


# ------------------------------------------------------------ what the fuzzing found

def test_exposure_error_keeps_the_sheet_label_and_brackets(tmp_path):
    """The error printer read messages as rich markup: `book.xlsx[plants]` lost `[plants]` and
    a cell holding `[/x]` crashed it with a MarkupError traceback."""
    import pandas as pd

    t = tiny_tables()
    t["sourcing"] = t["sourcing"].astype(object)
    t["sourcing"].loc[1, "plant"] = "[/x]"
    book = tmp_path / "book.xlsx"
    with pd.ExcelWriter(book) as w:
        for name, frame in t.items():
            frame.to_excel(w, sheet_name=name, index=False)
    result = runner.invoke(app, ["exposure", str(book)], terminal_width=400)
    no_crash(result)
    assert result.exit_code == 2
    assert "book.xlsx[sourcing], row 3, column plant: '[/x]' is not a plant in plants" in \
        result.output


def test_exposure_without_an_optional_column(tmp_path):
    """A dataset without the optional quota_units column is valid; exposure used to crash on
    it (float() of pd.NA in the measures engine)."""
    t = tiny_tables()
    t["measures"] = t["measures"].drop(columns="quota_units")
    path = write_tables(t, tmp_path / "ds")
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
    result = runner.invoke(app, ["exposure", str(path), "--json"])
    no_crash(result)
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["company"] == "acme"
