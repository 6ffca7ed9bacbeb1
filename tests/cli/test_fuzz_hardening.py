"""Hostile inputs beyond the fuzz catalogue (issue 14): every family that once gave a traceback or
a hang now exits with 2 and a message naming the file, in seconds.

The catalogue (``CASES``) reproduces each case found by the adversarial run; the property below
draws hostile files (special files, oversized cells, deep YAML, alias chains, huge integers,
includes leaving the folder) for a dataset table or a scenario file. The store, sweep and
dashboard families are in ``tests/scenarios/test_store_faults.py`` and
``tests/dashboard/test_token_secret.py``. The budget is small here; `make fuzz` raises it
(AUTOALLIANCE_FUZZ_EXAMPLES).
"""

import io
import os
import re
import shutil
import signal
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.dataset.files import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS
from autoalliance.dataset.footprint import load_footprint
from autoalliance.errors import DatasetError
from autoalliance.scenarios.spec import MAX_INCLUDE_DEPTH, MAX_SAMPLES, MAX_YAML_DEPTH
from autoalliance.testing import tiny_tables, write_tables

BUDGET = int(os.environ.get("AUTOALLIANCE_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=max(10, BUDGET // 4), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
SECONDS = 30  # a case running longer than this is a hang
runner = CliRunner()


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int):
    """SIGALRM interrupts even a blocking open() of a FIFO in this thread."""
    def on_alarm(signum, frame):
        raise Hang(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def run_cli(args: list[str]):
    t0 = time.monotonic()
    with time_limit(SECONDS):
        r = runner.invoke(app, args)
    return r, time.monotonic() - t0


def flat(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- building the hostile inputs

def tiny(folder: Path) -> Path:
    return write_tables(tiny_tables(), folder)


def table_replaced(folder: Path, make) -> Path:
    """The tiny dataset with plants.csv replaced by what ``make(path)`` puts there."""
    d = tiny(folder)
    (d / "plants.csv").unlink()
    make(d / "plants.csv")
    return d


def cell_set(folder: Path, table: str, column: str, value: str) -> Path:
    t = tiny_tables()
    t[table] = t[table].astype(object)
    t[table].loc[t[table].index[0], column] = value
    return write_tables(t, folder)


def scenario(folder: Path, text: str, name: str = "s.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)
    return folder / name


def nested(depth: int) -> str:
    return "name: deep\nparams:\n  x: " + "[" * depth + "]" * depth + "\n"


def alias_bomb(levels: int) -> str:
    text = "set: bomb\nscenarios: [{name: a}]\nx0: &x0 [a, a, a, a, a, a, a, a, a]\n"
    for i in range(1, levels + 1):
        text += f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 9) + "]\n"
    return text


def include_chain(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        body = f"set: c{i}\ninclude: [c{i + 1}.yaml]\n" if i < n - 1 else \
            "name: last\n"
        (folder / f"c{i}.yaml").write_text(body)
    return folder / "c0.yaml"


def big_int_override(digits: int) -> str:
    return ("name: big\noverrides:\n  measures:\n    set:\n      - where: {measure: "
            f"japan_vehicles}}\n        values: {{rate: {'9' * digits}}}\n")


def xfd_workbook(path: Path) -> Path:
    """A small valid workbook whose first sheet declares A1:XFD1048576 and has one cell in the
    last row (the 16 KB file openpyxl took minutes and gigabytes to pad out)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in tiny_tables().items():
        ws = wb.create_sheet(name)
        ws.append(list(frame.columns))
        for row in frame.astype(str).itertuples(index=False):
            ws.append(list(row))
    good = path.with_name("good.xlsx")
    wb.save(good)
    out = io.BytesIO()
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>',
                              b'<dimension ref="A1:XFD1048576"/>', data)
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" '
                                    b't="inlineStr"><is><t>x</t></is></c></row></sheetData>')
            zout.writestr(info, data)
    good.unlink()
    path.write_bytes(out.getvalue())
    return path


# ---------------------------------------------------------------- the catalogue

def _dataset_case(make, names: str, *expect):
    """validate on a dataset made by ``make(folder)``: exit 2, ``names`` (the file) and every
    ``expect`` text in the message."""
    def case(tmp: Path):
        return ["validate", str(make(tmp / "d"))], names, expect
    return case


def _scenario_case(make, names, *expect):
    def case(tmp: Path):
        d = tiny(tmp / "tiny")
        f = make(tmp / "sc")
        return ["scenarios", str(f), "--dataset", str(d)], names, expect
    return case


CASES = {
    # tracebacks where exit 2 is promised
    "table is a folder": _dataset_case(
        lambda f: table_replaced(f, lambda p: p.mkdir()), "plants.csv", "a folder"),
    "table is a dangling link": _dataset_case(
        lambda f: table_replaced(f, lambda p: p.symlink_to(f / "gone.csv")), "plants.csv",
        "does not exist"),
    "table links to /dev/zero": _dataset_case(
        lambda f: table_replaced(f, lambda p: p.symlink_to("/dev/zero")), "plants.csv",
        "a device"),
    "control character in a name": _dataset_case(
        lambda f: cell_set(f, "plants", "name", "a\x01b"), "plants.csv, row 2, column name",
        "U+0001"),
    "control character, then report --xlsx": lambda tmp: (
        ["report", str(cell_set(tmp / "d", "plants", "name", "a\x01b")), "--xlsx",
         str(tmp / "out.xlsx"), "--stages", "exposure"], "plants.csv, row 2, column name",
        ["U+0001"]),
    "400-digit integer in a scenario value": _scenario_case(
        lambda f: scenario(f, big_int_override(400)), "s.yaml, line 6",
        "overrides.measures.set[0].values.rate", "more than 18 digits"),
    "YAML nested 500 deep": _scenario_case(
        lambda f: scenario(f, nested(500)), "s.yaml, line 3",
        f"more than {MAX_YAML_DEPTH} levels"),
    "include chain 1,000 deep": _scenario_case(
        lambda f: include_chain(f, 1000), "c7.yaml", f"more than {MAX_INCLUDE_DEPTH} deep"),
    "include of /dev/zero (a link in the folder)": _scenario_case(
        lambda f: (scenario(f, "set: s\ninclude: [zero.yaml]\n"),
                   (f / "zero.yaml").symlink_to("/dev/zero"))[0], "s.yaml, line 2",
        "zero.yaml lies outside"),
    "scenario file /dev/zero": lambda tmp: (
        ["scenarios", "/dev/zero", "--dataset", str(tiny(tmp / "tiny"))], "/dev/zero",
        ["a device"]),
    # hangs and unbounded work
    "10 MB of digits in one numeric cell": _dataset_case(
        lambda f: cell_set(f, "plants", "capacity_units", "9" * 10_000_000),
        "plants.csv, row 2, column capacity_units", f"more than the {MAX_CELL_CHARS:,}"),
    "FIFO as a table": _dataset_case(
        lambda f: table_replaced(f, lambda p: os.mkfifo(p)), "plants.csv", "FIFO"),
    "FIFO as an include": _scenario_case(
        lambda f: (scenario(f, "set: s\ninclude: [pipe.yaml]\n"), os.mkfifo(f / "pipe.yaml"))[0],
        "pipe.yaml", "FIFO"),
    "FIFO as the scenario file": _scenario_case(
        lambda f: (f.mkdir(parents=True), os.mkfifo(f / "s.yaml"), f / "s.yaml")[2],
        "s.yaml", "FIFO"),
    "Monte Carlo samples 1e9": _scenario_case(
        lambda f: scenario(f, "set: m\nscenarios: [{name: a}]\n"
                              "montecarlo: {samples: 1000000000}\n"),
        "s.yaml, line 3", "montecarlo.samples", f"less than or equal to {MAX_SAMPLES}"),
    "10^6 names in a where list": _scenario_case(
        lambda f: scenario(f, "name: w\noverrides:\n  demand:\n    remove:\n      - nameplate: ["
                           + ",".join(f"n{i}" for i in range(1_000_000)) + "]\n"),
        "s.yaml", "MB a scenario file may hold"),
    "10^5 names in a where list": _scenario_case(
        lambda f: scenario(f, "name: w\noverrides:\n  demand:\n    remove:\n      - nameplate: ["
                           + ",".join(f"n{i}" for i in range(100_000)) + "]\n"),
        "s.yaml, line 5", "at most 10000 items"),
    "YAML alias bomb (9^10 values)": _scenario_case(
        lambda f: scenario(f, alias_bomb(10)), "s.yaml", "expands to more than"),
    "workbook declaring A1:XFD1048576": _dataset_case(
        lambda f: (f.mkdir(parents=True), xfd_workbook(f / "book.xlsx"))[1], "book.xlsx",
        "sheet 'companies' spans 1,048,576 rows and 16,384 columns"),
    # includes escaping their folder
    "include of /etc/passwd": _scenario_case(
        lambda f: scenario(f, "set: s\ninclude: [/etc/passwd]\n"), "s.yaml, line 2",
        "include[0]", "lies outside"),
    "include through a link leaving the folder": _scenario_case(
        lambda f: (scenario(f, "set: s\ninclude: [inside.yaml]\n"),
                   (f / "inside.yaml").symlink_to("/etc/passwd"))[0], "s.yaml, line 2",
        "lies outside"),
    "include by ../": _scenario_case(
        lambda f: (scenario(f.parent / "outside", "name: outside\n", "o.yaml"),
                   scenario(f, "set: s\ninclude: [../outside/o.yaml]\n"))[1], "s.yaml, line 2",
        "lies outside"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_catalogue(tmp_path, name):
    args, names, expect = CASES[name](tmp_path)
    r, seconds = run_cli(args)
    out = flat(r.output)
    assert r.exit_code == 2, out[:2000]
    assert "Traceback" not in r.output and "unexpected error" not in out
    assert names in out, out[:2000]
    for e in expect:
        assert e in out, (e, out[:2000])
    assert "root:" not in out  # no other file's content echoed
    assert seconds < SECONDS, f"{name}: {seconds:.1f} s"


def test_unreadable_table(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    d = tiny(tmp_path / "d")
    (d / "plants.csv").chmod(0)
    r, _ = run_cli(["validate", str(d)])
    assert r.exit_code == 2 and "plants.csv: cannot be read: Permission denied" in flat(r.output)


def test_rows_and_columns_bounds(tmp_path):
    t = tiny_tables()
    t["plants"] = t["plants"].loc[t["plants"].index.repeat(MAX_ROWS // len(t["plants"]) + 1)]
    with pytest.raises(DatasetError) as e:
        load_footprint(write_tables(t, tmp_path / "rows"))
    assert [str(p) for p in e.value.problems] == [
        f"plants.csv: {len(t['plants']):,} rows, more than the {MAX_ROWS:,} a table may have"]
    t = tiny_tables()
    for i in range(MAX_COLUMNS + 1 - t["companies"].shape[1]):
        t["companies"][f"extra{i}"] = ""
    with pytest.raises(DatasetError) as e:
        load_footprint(write_tables(t, tmp_path / "cols"))
    assert [str(p) for p in e.value.problems] == [
        f"companies.csv: {MAX_COLUMNS + 1} columns, more than the {MAX_COLUMNS} a table may have"]


def test_xlsx_upload_declaring_a_huge_sheet_is_refused_quickly(tmp_path):
    from autoalliance.dashboard.app import load_upload

    data = xfd_workbook(tmp_path / "book.xlsx").read_bytes()
    assert len(data) < 20_000
    t0 = time.monotonic()
    with pytest.raises(DatasetError, match="spans 1,048,576 rows"):
        load_upload(data, "book.xlsx")
    assert time.monotonic() - t0 < 5


def test_control_characters_reach_no_workbook_as_an_error(tmp_path):
    """Names made outside a dataset (results, scenario names) may hold control characters: the
    workbook shows them as \\xNN instead of raising IllegalCharacterError."""
    from openpyxl import load_workbook

    from autoalliance.report.excel import write_workbook

    fp = load_footprint(tiny(tmp_path / "d"))
    plants = fp.plants.copy()
    plants.loc[plants.index[0], "name"] = "bad\x01name\ttab"
    book = write_workbook(fp.replace(plants=plants), tmp_path / "b.xlsx")
    ws = load_workbook(book, read_only=True)["plants"]
    names = [r[list(plants.columns).index("name")] for r in ws.iter_rows(min_row=2,
                                                                             values_only=True)]
    assert names[0] == "bad\\x01name\ttab"


def test_unexpected_errors_are_one_line_and_exit_1(monkeypatch):
    import autoalliance.cli.dataset as cmd

    def boom(*a, **k):
        raise KeyError("surprise")

    monkeypatch.setattr(cmd, "validate", boom, raising=False)
    from autoalliance.dataset import footprint

    monkeypatch.setattr(footprint, "read_raw", boom)
    r, _ = run_cli(["validate", "anything"])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "unexpected error" in r.output and "KeyError" in r.output


def test_os_error_names_the_file(tmp_path, monkeypatch):
    from autoalliance.dataset import footprint

    def denied(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(footprint, "read_raw", denied)
    r, _ = run_cli(["validate", str(tmp_path / "x")])
    assert r.exit_code == 2
    assert flat(r.output) == f"error: {tmp_path / 'x'}: Permission denied"


# ---------------------------------------------------------------- the property

hostile_table = st.one_of(
    st.sampled_from(["folder", "dangling", "fifo", "devzero", "devnull", "socket"]),
    st.tuples(st.just("cell"), st.integers(MAX_CELL_CHARS - 5, 3 * MAX_CELL_CHARS),
              st.sampled_from("9a \x01\x1f")),
)


def make_hostile_table(path: Path, kind) -> None:
    import socket

    if kind == "folder":
        path.mkdir()
    elif kind == "dangling":
        path.symlink_to(path.with_name("nowhere"))
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind in ("devzero", "devnull"):
        path.symlink_to(f"/dev/{kind[3:]}")
    elif kind == "socket":
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(path))
        s.close()
    else:
        _, n, ch = kind
        path.write_text("plant,company,name\np1,c1," + ch * n + "\n")


@FUZZ
@given(table=st.sampled_from(list(tiny_tables())), kind=hostile_table)
def test_hostile_table_files(tmp_path_factory, table, kind):
    folder = tmp_path_factory.mktemp("hostile")
    d = tiny(folder / "d")
    (d / f"{table}.csv").unlink()
    try:
        make_hostile_table(d / f"{table}.csv", kind)
    except OSError as e:  # e.g. a socket path too long for AF_UNIX
        pytest.skip(str(e))
    r, seconds = run_cli(["validate", str(d)])
    out = flat(r.output)
    assert r.exit_code == 2 and "Traceback" not in r.output, out[:1000]
    assert f"{table}.csv" in out and seconds < SECONDS
    shutil.rmtree(folder, ignore_errors=True)


hostile_yaml = st.one_of(
    st.integers(MAX_YAML_DEPTH - 2, 5 * MAX_YAML_DEPTH).map(nested),
    st.integers(5, 12).map(alias_bomb),
    st.integers(17, 500).map(big_int_override),
    st.sampled_from(["/etc/passwd", "/dev/zero", "../x.yaml", "/proc/self/environ"]).map(
        lambda p: f"set: s\ninclude: [{p}]\n"),
    st.integers(1, 3 * MAX_SAMPLES).map(
        lambda n: f"set: m\nscenarios: [{{name: a}}]\nmontecarlo: {{samples: {n}, "
                  f"quarters: 1}}\n"),
)


@FUZZ
@given(text=hostile_yaml)
def test_hostile_scenario_files(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("hostile")
    d = tiny(folder / "d")
    f = scenario(folder / "sc", text)
    r, seconds = run_cli(["scenarios", str(f), "--dataset", str(d)])
    out = flat(r.output)
    assert r.exit_code in (0, 2) and "Traceback" not in r.output, out[:1000]
    assert "unexpected error" not in out and "root:" not in out
    if r.exit_code == 2:
        assert "s.yaml" in out
    assert seconds < SECONDS
    shutil.rmtree(folder, ignore_errors=True)
