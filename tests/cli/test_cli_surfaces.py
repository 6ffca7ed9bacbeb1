"""Issue 23 on the path the user takes (the command line): scenario includes confined to the
scenario file's folder and the dataset given on the command line, ``report RUN`` for every
kind of stored run, ``--cluster`` timeouts and schemes, bounded numeric flags, workbook cells
typed by the schema, ``serve`` ports and exact messages."""

from __future__ import annotations

import json
import shutil

import yaml
from typer.testing import CliRunner

from autoalliance.cli.main import app
from autoalliance.plan.testing import tiny_alliance_tables
from autoalliance.scenarios.store import RunRecord, Store
from autoalliance.testing import tiny_tables, write_tables

runner = CliRunner()

SHADOW = ["root:$6$Zq8sEcReT$kV0pQ3:19750:0:99999:7:::",
          "daemon:*:19750:0:99999:7:::",
          "secret_key: s3cr3t-value-never-printed",
          "- listed_secret_line"]


def _shadow(folder):
    """A file standing for /etc/shadow: lines that must never reach a message."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "shadow").write_text("\n".join(SHADOW) + "\n")
    (folder / "ok.yaml").write_text("name: outside_ok\n")  # a valid scenario, still outside
    return folder


def _no_line_of_shadow(text: str) -> None:
    for line in SHADOW:
        for part in [line] + line.replace(":", " ").split():
            if len(part) > 6 and part not in ("listed",):
                assert part not in text, (part, text)


# ---------------------------------------------------------------- 1. includes confined

def test_a_files_own_dataset_key_does_not_widen_the_includes(tmp_path):
    outside = _shadow(tmp_path / "etc")
    data = write_tables(tiny_tables(), tmp_path / "ds")
    scen = tmp_path / "work"
    scen.mkdir()
    f = scen / "s.yaml"
    f.write_text(yaml.safe_dump({"set": "s", "dataset": str(outside),
                                 "include": [str(outside / "shadow"), str(outside / "ok.yaml"),
                                             "../etc/shadow"],
                                 "scenarios": [{"name": "a"}]}))
    for extra in ([], ["--dataset", str(data)]):
        res = runner.invoke(app, ["scenarios", str(f), *extra])
        assert res.exit_code == 2, res.output
        text = " ".join(res.output.split())
        assert text.count("not opened") == 3, text
        assert "whatever the file's `dataset` key says" in text
        _no_line_of_shadow(res.output)
    # the same three refusals from sweep and from --scenario of exposure
    res = runner.invoke(app, ["sweep", str(f), "--dataset", str(data), "--store",
                              str(tmp_path / "r.duckdb")])
    assert res.exit_code == 2 and " ".join(res.output.split()).count("not opened") == 3
    _no_line_of_shadow(res.output)
    assert not (tmp_path / "r.duckdb").exists()
    res = runner.invoke(app, ["exposure", str(data), "--scenario", f"{f}:a"])
    assert res.exit_code == 2 and " ".join(res.output.split()).count("not opened") == 3
    _no_line_of_shadow(res.output)


def test_includes_from_the_dataset_given_on_the_command_line(tmp_path):
    data = write_tables(tiny_tables(), tmp_path / "ds")
    (data / "lapse.yaml").write_text("name: from_the_dataset\n")
    scen = tmp_path / "work"
    scen.mkdir()
    f = scen / "s.yaml"
    f.write_text(yaml.safe_dump({"set": "s", "include": [str(data / "lapse.yaml")],
                                 "scenarios": [{"name": "a"}]}))
    ok = runner.invoke(app, ["scenarios", str(f), "--dataset", str(data), "--json"])
    assert ok.exit_code == 0, ok.output
    assert [r["scenario"] for r in json.loads(ok.stdout)["scenarios"]] == \
        ["from_the_dataset", "a"]
    # without --dataset the default (bundled) dataset is the second folder: refused
    no = runner.invoke(app, ["scenarios", str(f)])
    assert no.exit_code == 2 and "not opened" in no.output


# ---------------------------------------------------------------- 2. report RUN, every kind

def _sweep(tmp_path, stages: str, body: dict, cmd: str = "sweep", extra=(), tables=None):
    data = write_tables(tables or tiny_tables(), tmp_path / "ds")
    f = tmp_path / "set.yaml"
    f.write_text(yaml.safe_dump(body))
    store = tmp_path / "runs.duckdb"
    res = runner.invoke(app, [cmd, str(f), "--dataset", str(data), "--stages", stages,
                              "--store", str(store), *extra])
    assert res.exit_code == 0, res.output
    shutil.rmtree(data)  # a report of a run recomputes nothing
    return store


def _report(store, key, tmp_path):
    out = tmp_path / "r.html"
    res = runner.invoke(app, ["report", key, "--store", str(store), "--out", str(out),
                              "--json"])
    assert res.exit_code == 0, res.output
    human = runner.invoke(app, ["report", key, "--store", str(store), "--out", str(out)])
    assert human.exit_code == 0, human.output
    assert "unexpected error" not in human.output + res.output
    return json.loads(res.stdout), " ".join(human.output.split()), out.read_text()


def test_report_of_a_plan_only_run(tmp_path):
    store = _sweep(tmp_path, "plan", {"set": "p", "horizon": [2026, 2027],
                                      "scenarios": [{"name": "base"}]},
                   tables=tiny_alliance_tables())
    (key,) = Store(store).runs()["run_key"]
    doc, human, html = _report(store, key[:10], tmp_path)
    assert doc["meta"]["fiscal_year"] is None
    assert doc["notes"]["exposure"] == "the run has no exposure stage"
    assert "plan_companies" in doc["tables"] and "exposure_by_company" not in doc["tables"]
    # the stored plan's gains, as stored
    stored = Store(store).load_run(key)["result"]["plan"]["companies"]
    assert [r["gain_usd"] for r in doc["tables"]["plan_companies"]] == \
        [r["gain_usd"] for r in stored]
    assert "holds: plan_companies" in human and "exposure left out: the run has no exposure" \
        in human
    assert "FYNone" not in html and "run " + key[:12] in html


def test_report_of_a_failed_run(tmp_path):
    store = Store(tmp_path / "runs.duckdb")
    store.init()
    store.write(RunRecord(run_key="f" * 64, scenario="broken", scenario_hash="0" * 64,
                          dataset_hash="1" * 64, stages=["exposure", "plan"],
                          code_version="test", status="error",
                          error="InfeasiblePlan: no plan meets the demand\nsecond line",
                          scenario_set="s", dataset="tiny"))
    doc, human, html = _report(store.path, "ffff", tmp_path)
    assert doc["meta"]["status"] == "error" and doc["tables"] == {}
    assert doc["notes"]["run"] == ("the run failed, so it holds no results: InfeasiblePlan: "
                                   "no plan meets the demand")
    assert doc["notes"]["exposure"] == "the run has no exposure stage"
    assert doc["notes"]["plan"] == "the run has no plan stage"
    assert "holds: no tables" in human and "run left out: the run failed" in human


def test_report_of_a_sweep_run_and_a_monte_carlo_run(tmp_path):
    body = {"set": "mc", "fiscal_years": [2025],
            "scenarios": [{"name": "holds"}],
            "montecarlo": {"samples": 2, "seed": 3, "start": "2025-10-01", "quarters": 2,
                           "fx": [{"currency": "JPY", "volatility": 0.05}]}}
    store = _sweep(tmp_path, "exposure", body, cmd="montecarlo")
    runs = Store(store).runs()
    assert len(runs) == 2
    key = runs["run_key"].iloc[0]
    doc, human, _ = _report(store, key, tmp_path)
    assert doc["meta"]["fiscal_year"] == 2025 and doc["meta"]["params"]["fx"]
    run = Store(store).load_run(key)
    want = {r["company"]: r["tariff_cost_usd"] for r in run["result"]["exposure"]
            if r["fiscal_year"] == 2025}
    assert {r["company"]: r["tariff_cost_usd"]
            for r in doc["tables"]["exposure_by_company"]} == want
    assert "plan left out: the run has no plan stage" in human
    # a year the run does not hold is named with the ones it does
    bad = runner.invoke(app, ["report", key, "--store", str(store), "--fy", "2030"])
    assert bad.exit_code == 2 and "has exposure for FY2025, not FY2030" in bad.output


# ---------------------------------------------------------------- 3. --cluster

def _silent_server():
    """A local socket that accepts every connection and never answers."""
    import socket
    import threading

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    held = []

    def accept():
        while True:
            try:
                held.append(srv.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return srv, held


def _scenario_set(tmp_path, n=2):
    data = write_tables(tiny_tables(), tmp_path / "ds")
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump({"set": "s", "stages": ["exposure"], "montecarlo":
                                 {"samples": 2, "start": "2025-10-01", "quarters": 1},
                                 "scenarios": [{"name": f"a{i}"} for i in range(n)]}))
    return data, f


def test_cluster_that_accepts_and_never_answers_times_out(tmp_path):
    import time

    data, f = _scenario_set(tmp_path)
    srv, held = _silent_server()
    port = srv.getsockname()[1]
    try:
        for cmd in ("sweep", "montecarlo"):
            t0 = time.monotonic()
            res = runner.invoke(app, [cmd, str(f), "--dataset", str(data), "--store",
                                      str(tmp_path / "r.duckdb"), "--cluster",
                                      f"tcp://127.0.0.1:{port}", "--cluster-timeout", "1.5"])
            took = time.monotonic() - t0
            assert res.exit_code == 2, res.output
            text = " ".join(res.output.split())
            assert (f"the address tcp://127.0.0.1:{port} accepted the connection but no Dask "
                    "scheduler answered within 1.5 s (--cluster-timeout sets the wait)") in text
            assert took < 30, took
        assert held  # the connection was made: the wait was for the answer
        assert Store(tmp_path / "r.duckdb").runs().empty
    finally:
        srv.close()


def test_cluster_addresses_refused_before_any_work(tmp_path):
    data, f = _scenario_set(tmp_path)
    cases = {
        "tls://127.0.0.1:8786": "tls:// needs client certificates",
        "ucx://10.0.0.5:8786": "ucx:// needs UCX (ucx-py)",
        "ws://h:1": "ws:// (websocket) is not supported",
        "inproc://x/1/2": "inproc:// reaches only a scheduler inside this process",
        "gopher://h:1": "unknown scheme gopher://",
        "tcp://h:99999": "port 99999 is outside 1 to 65535",
        "tcp://h:0": "port 0 is outside 1 to 65535",
        "tcp://h": "expected tcp://HOST:PORT",
        "tcp://:8786": "expected tcp://HOST:PORT",
    }
    for addr, want in cases.items():
        res = runner.invoke(app, ["sweep", str(f), "--dataset", str(data), "--store",
                                  str(tmp_path / "r.duckdb"), "--cluster", addr])
        assert res.exit_code == 2, (addr, res.output)
        assert want in " ".join(res.output.split()), (addr, res.output)
        assert f"--cluster {addr}:" in " ".join(res.output.split())
    for bad in ("0", "-1", "nan", "3601"):
        res = runner.invoke(app, ["sweep", str(f), "--dataset", str(data), "--cluster",
                                  "tcp://127.0.0.1:1", "--cluster-timeout", bad])
        assert res.exit_code == 2 and "must be more than 0 and at most 3600 seconds" in \
            " ".join(res.output.split()), (bad, res.output)
    refused = runner.invoke(app, ["sweep", str(f), "--dataset", str(data), "--store",
                                  str(tmp_path / "r.duckdb"), "--cluster", "tcp://127.0.0.1:1"])
    assert refused.exit_code == 2 and "cannot reach the Dask scheduler at tcp://127.0.0.1:1: " \
        "Connection refused" in " ".join(refused.output.split())
    assert not (tmp_path / "r.duckdb").exists() or Store(tmp_path / "r.duckdb").runs().empty


SCHEDULER = """
import sys, time, distributed
c = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                             protocol="tcp://", dashboard_address=None)
print(c.scheduler_address, flush=True)
while True:
    time.sleep(1)
"""


def test_a_scheduler_lost_mid_sweep_keeps_the_runs_finished_before(tmp_path, monkeypatch):
    import signal
    import subprocess
    import sys

    import pytest

    pytest.importorskip("distributed")
    data, f = _scenario_set(tmp_path, n=12)
    proc = subprocess.Popen([sys.executable, "-c", SCHEDULER], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        addr = proc.stdout.readline().strip()
        assert addr.startswith("tcp://")
        written = []
        real = Store.write

        def write_then_kill(self, rec):
            real(self, rec)
            written.append(rec.run_key)
            if len(written) == 3:
                proc.send_signal(signal.SIGKILL)
                proc.wait()

        monkeypatch.setattr(Store, "write", write_then_kill)
        res = runner.invoke(app, ["sweep", str(f), "--dataset", str(data), "--store",
                                  str(tmp_path / "r.duckdb"), "--cluster", addr,
                                  "--cluster-timeout", "10"])
    finally:
        proc.kill()
        proc.wait()
    monkeypatch.undo()
    text = " ".join(res.output.split())
    assert res.exit_code == 2, res.output
    n = len(written)
    assert n >= 3
    assert f"lost the Dask scheduler at {addr} after {n} run(s)" in text
    assert "the runs finished before are in the store: run again with --resume" in text
    stored = Store(tmp_path / "r.duckdb").runs()
    assert sorted(stored["run_key"]) == sorted(written) and stored["status"].eq("ok").all()


# ---------------------------------------------------------------- 6. serve

def test_serve_refuses_bad_ports_and_hosts_with_one_line():
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        cases = {
            ("--port", "-1"): "--port -1: outside 0 to 65535 (0: any free port)",
            ("--port", "99999", "--token", "t"): "--port 99999: outside 0 to 65535",
            ("--port", "65536"): "--port 65536: outside 0 to 65535",
            ("--host", "no such host.invalid"): "--host 'no such host.invalid': not a host "
                                                "name or IP address",
            ("--host", "nosuchhost.invalid"): "--host 'nosuchhost.invalid': cannot be resolved",
            ("--host", "192.0.2.1", "--token", "t"): "--host 192.0.2.1: not an address of "
                                                     "this machine",
            ("--port", str(port)): f"port {port} on 127.0.0.1 is already in use",
            ("--port", str(port), "--token", "t"): f"port {port} on 127.0.0.1 is already in "
                                                   "use",
        }
        for args, want in cases.items():
            res = runner.invoke(app, ["serve", *args])
            assert res.exit_code == 2, (args, res.output)
            text = " ".join(res.output.split())
            assert want in text and "Traceback" not in res.output, (args, res.output)
            assert res.output.strip().startswith("error:")
    finally:
        taken.close()


def test_serve_says_the_port_it_really_listens_on(tmp_path):
    import os
    import re
    import signal
    import socket
    import subprocess
    import sys
    import time

    env = {**os.environ, "AUTOALLIANCE_TOKEN": "t0k3n"}
    proc = subprocess.Popen([sys.executable, "-m", "autoalliance.cli.main", "serve",
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, start_new_session=True)
    try:
        line = proc.stdout.readline()
        m = re.search(r"on 127\.0\.0\.1:(\d+) \(token required\): http://127\.0\.0\.1:(\d+)/",
                      line)
        assert m and m.group(1) == m.group(2), line
        port = int(m.group(1))
        assert port != 0
        deadline = time.monotonic() + 30
        while True:  # the proxy listens on exactly that port (bound before the line)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nothing listens on the printed port"
                time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# ---------------------------------------------------------------- 4. numeric flags

def test_numeric_flags_bounded_as_the_scenario_file_bounds_them(tmp_path):
    import time

    from autoalliance.cli.bounds import cores

    data, f = _scenario_set(tmp_path)
    store = str(tmp_path / "r.duckdb")
    mc = ["montecarlo", str(f), "--dataset", str(data), "--store", store]
    cases = [
        (mc + ["--samples", "1000000000"], "--samples 1,000,000,000 is above 100,000, the most "
                                           "it takes (as montecarlo.samples in a scenario file)"),
        (mc + ["--samples", "100001"], "--samples 100,001 is above 100,000"),
        (mc + ["--samples", "0"], "--samples 0 is below 1, the least it takes"),
        (mc + ["--seed", "-1"], "--seed -1 is below 0, the least it takes (as montecarlo.seed"),
        (mc + ["--seed", str(10**18 + 1)], "--seed 1,000,000,000,000,000,001 is above "
                                           "1,000,000,000,000,000,000"),
        (mc + ["--workers", "0"], "--workers 0 is below 1"),
        (["sweep", str(f), "--dataset", str(data), "--workers", "-3"], "--workers -3 is below 1"),
        (["runs", "--store", store, "--limit", "0"], "--limit 0 is below 1"),
        (["exposure", str(data), "--fy", "1999"], "--fy 1999 is below 2000"),
        (["report", str(data), "--fy", "2101"], "--fy 2101 is above 2100"),
        (["plan", str(data), "--horizon", "2026-9999"], "--horizon 9999 is above 2100"),
        (["synth", "--out", str(tmp_path / "s"), "--seed", "-5"], "--seed -5 is below 0"),
        (["synth", "--out", str(tmp_path / "s"), "--first-year", "2099", "--years", "3"],
         "--years 3 is above 2, the most it takes (from --first-year 2099 to FY2100)"),
        (["robust", str(f), "--dataset", str(data), "--tail", "0"],
         "--tail 0 must be more than 0 and at most 1"),
        (["robust", str(f), "--dataset", str(data), "--tail", "1.0000001"],
         "--tail 1.0000001 must be more than 0 and at most 1"),
    ]
    for args, want in cases:
        t0 = time.monotonic()
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        assert want in " ".join(res.output.split()), (args, res.output)
        assert time.monotonic() - t0 < 20
    assert not (tmp_path / "s").exists()
    # --workers beyond the cores: capped, said so, and the sweep runs
    many = cores() + 10
    res = runner.invoke(app, ["sweep", str(f), "--dataset", str(data), "--store", store,
                              "--workers", str(many), "--json"])
    assert res.exit_code == 0, res.output
    assert f"--workers {many}: capped at {cores()}, the cores" in " ".join(res.stderr.split())
    assert json.loads(res.stdout)["written"] == 2


# ---------------------------------------------------------------- 5. workbook cells

def _book(path, tables, cells=None, blank_after=(0, 2)):
    """The tables as a workbook; blank rows after the header (0) and after data row 2 of every
    sheet; ``cells`` {(sheet, measure row index, column): value} typed as given. Returns
    {(sheet, row index): the row number the spreadsheet shows}."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    where = {}
    for name, frame in tables.items():
        ws = wb.create_sheet(name)
        ws.append(list(frame.columns))
        if 0 in blank_after:
            ws.append([])
        for i, row in enumerate(frame.itertuples(index=False)):
            vals = []
            for c, v in zip(frame.columns, row):
                v = (cells or {}).get((name, i, c), v)
                if isinstance(v, str):
                    try:
                        v = float(v) if v.strip() else None
                    except ValueError:
                        pass
                vals.append(v)
            ws.append(vals)
            where[(name, i)] = ws.max_row
            if i + 1 in blank_after[1:]:
                ws.append([None])
                ws.append([])
    wb.save(path)
    return where


def test_a_time_where_a_date_belongs_is_refused_at_the_row_the_sheet_shows(tmp_path):
    import datetime as dt

    t = tiny_tables()
    i = int(t["measures"].index[t["measures"]["measure"].eq("japan_vehicles")][0])
    j = int(t["measures"].index[t["measures"]["measure"].eq("japan_parts")][0])
    assert i >= 2 and j >= 2  # both after the blank rows
    book = tmp_path / "book.xlsx"
    where = _book(book, t, {("measures", i, "start"): dt.time(9, 30),
                            ("measures", j, "start"): dt.datetime(2025, 9, 16, 9, 30),
                            ("measures", 0, "rate"): "fifteen"})
    res = runner.invoke(app, ["validate", str(book)])
    assert res.exit_code == 2, res.output
    text = " ".join(res.output.split())
    # 2 blank rows above row index i: header 1, blank 2, data from 3, blank pair after index 1
    assert where[("measures", i)] == i + 5 and where[("measures", 0)] == 3
    assert (f"book.xlsx[measures], row {i + 5}, column start: expected a date as YYYY-MM-DD, "
            "got '09:30:00'") in text
    assert (f"book.xlsx[measures], row {j + 5}, column start: expected a date as YYYY-MM-DD, "
            "got '2025-09-16 09:30:00'") in text
    assert "book.xlsx[measures], row 3, column rate: expected a finite number, got 'fifteen'" \
        in text
    ex = runner.invoke(app, ["exposure", str(book), "--json"])
    assert ex.exit_code == 2 and "unexpected" not in ex.output
    # the same workbook with the dates as dates: valid, and the blank rows change no number
    good = tmp_path / "good.xlsx"
    _book(good, t, {("measures", i, "start"): dt.datetime(2025, 9, 16)})
    folder = write_tables(t, tmp_path / "csv")
    a = runner.invoke(app, ["exposure", str(good), "--json"])
    b = runner.invoke(app, ["exposure", str(folder), "--json"])
    assert a.exit_code == 0 and b.exit_code == 0, a.output + b.output
    rows = lambda r: json.loads(r.stdout)["rows"] if "rows" in json.loads(r.stdout) else \
        json.loads(r.stdout)  # noqa: E731
    assert rows(a) == rows(b)


# ---------------------------------------------------------------- 7. exact messages

def test_a_value_just_past_a_bound_is_printed_exactly(tmp_path):
    t = tiny_tables()
    t["measures"] = t["measures"].astype(object)
    t["measures"].loc[t["measures"].index[0], "rate"] = "5.0000001"
    t["fx"] = t["fx"].astype(object)
    t["fx"].loc[t["fx"].index[0], "per_usd"] = "100000001"
    folder = write_tables(t, tmp_path / "ds")
    res = runner.invoke(app, ["validate", str(folder)])
    assert res.exit_code == 2
    text = " ".join(res.output.split())
    assert "measures.csv, row 2, column rate: 5.0000001 is outside 0 to 5" in text
    assert "fx.csv, row 2, column per_usd: 100000001 is outside 0.0001 to 1e+08" in text
    assert "5 is outside 0 to 5" not in text.replace("5.0000001 is outside", "")


def test_output_failures_are_blamed_on_the_output(tmp_path):
    import subprocess
    import sys

    data = write_tables(tiny_tables(), tmp_path / "ds")
    cmd = [sys.executable, "-m", "autoalliance.cli.main"]
    for args in (["exposure", str(data)], ["exposure", str(data), "--json"],
                 ["validate", str(data)]):
        with open("/dev/full", "w") as full:
            r = subprocess.run(cmd + args, stdout=full, stderr=subprocess.PIPE, text=True)
        assert r.returncode == 2, r.stderr
        assert r.stderr.strip().replace("\n", " ").startswith(
            "error: cannot write the output (standard output): No space left on device"), \
            r.stderr
        assert str(data) not in r.stderr and "Exception ignored" not in r.stderr
    r = subprocess.run(" ".join(cmd + ["exposure", str(data), "--json"]) + " >&-", shell=True,
                       stderr=subprocess.PIPE, text=True)
    assert r.returncode == 2 and "standard output is closed" in r.stderr, r.stderr
    assert "unexpected error" not in r.stderr


def test_scenario_dates_a_dataset_cannot_hold_are_named(tmp_path):
    data = write_tables(tiny_tables(), tmp_path / "ds")
    cases = {
        "name: far\noverrides:\n  measures:\n    set:\n      - where: {measure: japan_vehicles}"
        "\n        values: {end: 9999-12-31}\n":
            "far.yaml, line 6, key overrides.measures.set[0].values: end: 9999-12-31 is outside "
            "1900-01-01 to 2199-12-31, the dates a dataset holds",
        "name: far\noverrides:\n  measures:\n    add:\n      - {measure: x, start: 1066-10-14}\n":
            "far.yaml, line 5, key overrides.measures.add: row 1, start: 1066-10-14 is outside",
        "name: far\nfx_paths:\n  - currency: JPY\n    points: {9999-12-31: 150}\n":
            "far.yaml, line 4, key fx_paths[0].points: date: 9999-12-31 is outside",
    }
    for text, want in cases.items():
        (tmp_path / "far.yaml").write_text(text)
        res = runner.invoke(app, ["exposure", str(data), "--scenario",
                                  str(tmp_path / "far.yaml")])
        assert res.exit_code == 2, res.output
        out = " ".join(res.output.split())
        assert want in out and "Cannot cast" not in out, out


def test_monte_carlo_interrupt_counts_every_run_stored(tmp_path, monkeypatch):
    data, f = _scenario_set(tmp_path)
    f.write_text(yaml.safe_dump({"set": "m", "stages": ["exposure"], "fiscal_years": [2025],
                                 "scenarios": [{"name": "a"}],
                                 "montecarlo": {"samples": 6, "start": "2025-10-01",
                                                "quarters": 1}}))
    real = Store.write
    seen = []

    def write_or_interrupt(self, rec):
        if len(seen) == 3:
            raise KeyboardInterrupt  # Ctrl-C with three runs stored
        real(self, rec)
        seen.append(rec.run_key)

    monkeypatch.setattr(Store, "write", write_or_interrupt)
    res = runner.invoke(app, ["montecarlo", str(f), "--dataset", str(data), "--store",
                              str(tmp_path / "r.duckdb")])
    monkeypatch.undo()
    assert res.exit_code == 130, res.output
    stored = Store(tmp_path / "r.duckdb").runs()
    assert len(stored) == 3
    assert "interrupted: 3 run(s) written to the store, 3 not done" in \
        " ".join(res.output.split())
