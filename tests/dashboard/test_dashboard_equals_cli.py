"""The dashboard shows what the CLI computes (issue 13): for every scenario of the bundled
library and FY2025/FY2026 each company's tariff cost on the page equals the sweep's stored
figure; the trade-rule controls show the chosen scenario's values and re-apply nothing."""

import subprocess
import sys

import pytest
from _browser import free_port, launch, metrics, start_dashboard, stop, wait_http

from autoalliance.scenarios.store import Store

CLI = [sys.executable, "-m", "autoalliance.cli.main"]
YEARS = (2025, 2026)


def _settle(page):
    page.wait_for_timeout(400)
    page.wait_for_function("""() => !document.querySelector('[data-testid="stStatusWidget"]')""",
                           timeout=120_000)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=120_000)
    page.wait_for_timeout(300)


def _choose(page, label: str, option: str):
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    _settle(page)
    assert box.input_value() == option


def _wait_for(page, want: dict, timeout_s: float = 60.0) -> dict:
    """The metrics once the page shows ``want`` (a rerun may still be drawing), or the last
    ones seen after ``timeout_s``."""
    import time

    end = time.monotonic() + timeout_s
    shown = metrics(page)
    while time.monotonic() < end and any(shown.get(c) != v for c, v in want.items()):
        page.wait_for_timeout(500)
        shown = metrics(page)
    return shown


def _sweep(tmp_path) -> dict:
    store = tmp_path / "runs.duckdb"
    out = subprocess.run(CLI + ["sweep", "policy_2026", "--stages", "exposure", "--store",
                                str(store), "--json"], capture_output=True, text=True,
                         timeout=900)
    assert out.returncode == 0, out.stderr
    m = Store(store).metrics(metric="tariff_cost_usd")
    m = m[m["stage"] == "exposure"]
    return {(r.scenario, r.period, r.company): r.value for r in m.itertuples()}


def test_every_library_scenario_on_the_page_equals_the_sweep(tmp_path):
    from playwright.sync_api import sync_playwright

    expected = _sweep(tmp_path)
    scenarios = sorted({k[0] for k in expected})
    assert "japan_deal_lapses" in scenarios and "yen_weak" in scenarios
    port = free_port()
    proc = start_dashboard([], port)
    try:
        wait_http(f"http://127.0.0.1:{port}/", proc=proc)
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1400, "height": 1200})
            page.goto(f"http://127.0.0.1:{port}/")
            _settle(page)
            seen = 0
            for scenario in scenarios:
                _choose(page, "Scenario", scenario)
                for fy in YEARS:
                    box = page.get_by_label("Fiscal year (exposure)")
                    box.fill(str(fy))
                    box.press("Enter")
                    _settle(page)
                    assert page.get_by_text("Changed from the dataset").count() == 0, scenario
                    want = {c: f"${expected[(scenario, f'FY{fy}', c)] / 1e9:,.3f}B"
                            for c in ("nissan", "honda", "mitsubishi")}
                    shown = _wait_for(page, want)
                    for company in want:
                        assert shown[company] == want[company], (scenario, fy, shown)
                        seen += 1
            # a scenario's own rate shows in the rate box: the lapsed deal has no Japan rule
            _choose(page, "Scenario", "japan_deal_lapses")
            assert seen == len(scenarios) * len(YEARS) * 3
            browser.close()
    finally:
        stop(proc)


@pytest.mark.parametrize("dummy", [0])
def test_caption_names_only_user_edits(dummy):
    import pandas as pd

    from autoalliance.dashboard.app import changes_caption

    assert changes_caption({}, {}, False) == ""
    cap = changes_caption({"japan_deal_vehicles": {"rate": 0.25, "start": pd.Timestamp(
        "2025-09-16"), "end": pd.NaT}}, {"JPY": 160.0}, False)
    assert cap == "Changed from the dataset: japan_deal_vehicles (25.0% from 2025-09-16), " \
                  "JPY 160 per USD"


def test_an_uploaded_workbooks_figures_equal_the_cli_on_that_workbook(tmp_path):
    """Reproduction: a workbook with the Japan deal at 25% showed the bundled figures while the
    rate box read 25. The page now equals `exposure BOOK --json`."""
    import json

    from playwright.sync_api import sync_playwright

    from autoalliance.dataset.footprint import load_footprint
    from autoalliance.report import write_workbook

    fp = load_footprint()
    m = fp.measures.copy()
    m.loc[m["measure"] == "japan_deal_vehicles", "rate"] = 0.25
    book = write_workbook(fp.replace(measures=m), tmp_path / "japan25.xlsx", {})
    out = subprocess.run(CLI + ["exposure", str(book), "--fy", "2025", "--json"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    want = {r["company"]: f"${r['tariff_cost_usd'] / 1e9:,.3f}B" for r in json.loads(out.stdout)}
    port = free_port()
    proc = start_dashboard([], port)
    try:
        wait_http(f"http://127.0.0.1:{port}/", proc=proc)
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1400, "height": 1200})
            page.goto(f"http://127.0.0.1:{port}/")
            _settle(page)
            bundled = metrics(page)
            box = page.get_by_role("combobox", name="Dataset")
            box.click()
            page.get_by_role("option", name="upload a workbook…").click()
            page.locator('input[type="file"]').set_input_files(str(book))
            shown = _wait_for(page, want, timeout_s=120)
            assert shown == want, (shown, want)
            assert shown["nissan"] != bundled["nissan"]
            assert page.get_by_label("Rate, %").input_value() == "25.00"
            assert page.get_by_text("Changed from the dataset").count() == 0
            browser.close()
    finally:
        stop(proc)
