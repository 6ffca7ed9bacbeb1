"""Real headless browser (Debian's chromium via Playwright): the offline report, the dashboard,
its access token beyond localhost. Screenshots go to docs/img/ for the README with
AUTOALLIANCE_SCREENSHOTS=1."""

import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from _browser import IMG, free_port, launch, metrics, start_dashboard, stop, wait_http
from typer.testing import CliRunner

from autoalliance.cli.main import app

runner = CliRunner()


def test_report_offline_every_chart_has_data_and_numbers_equal_cli(tmp_path):
    from playwright.sync_api import sync_playwright

    out = tmp_path / "report.html"
    r = runner.invoke(app, ["report", "--out", str(out), "--stages", "exposure"])
    assert r.exit_code == 0, r.output
    cli = json.loads(runner.invoke(app, ["exposure", "--json"]).stdout)
    fetched = []
    with sync_playwright() as p:
        browser = launch(p)
        ctx = browser.new_context(viewport={"width": 1300, "height": 1000})
        ctx.set_offline(True)

        def block(route):
            if not route.request.url.startswith("file:"):
                fetched.append(route.request.url)
                return route.abort()
            return route.continue_()

        ctx.route("**/*", block)
        page = ctx.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(out.as_uri())
        page.wait_for_function("window.Plotly !== undefined")
        plots = page.eval_on_selector_all(".js-plotly-plot", """els => els.map(el => ({
            id: el.id, traces: el._fullData.length,
            points: el._fullData.map(t => t.type === 'sankey' ? t.link.value.length
                                   : (t.y || t.x || []).length)
                     .reduce((a, b) => a + b, 0)}))""")
        data = json.loads(page.eval_on_selector("#report-data", "el => el.textContent"))
        IMG.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(IMG / "report.png"))
        browser.close()
    assert not errors and not fetched
    ids = {p["id"] for p in plots}
    assert {"chart-duty-timeline", "chart-unit-duty", "chart-utilisation",
            "chart-flows-today"} <= ids
    for p in plots:
        assert p["traces"] > 0 and p["points"] > 0, p
    assert data["tables"]["exposure_by_company"] == cli


def test_dashboard_tariff_change_reruns_and_downloads_work(tmp_path):
    from playwright.sync_api import sync_playwright

    port = free_port()
    proc = start_dashboard([], port)
    try:
        wait_http(f"http://127.0.0.1:{port}/", proc=proc)
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1400, "height": 1000},
                                    accept_downloads=True)
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector('[data-testid="stMetricValue"]', timeout=90_000)
            before = metrics(page)
            assert {"nissan", "honda"} <= set(before)
            IMG.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(IMG / "dashboard.png"))
            rate = page.get_by_label("Rate, %")
            assert rate.input_value() == "15.00"  # the Japan deal rate, picked by default
            rate.fill("27.5")
            rate.press("Enter")
            page.wait_for_function(
                """() => { const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
                     .map(e => e.innerText);
                   return ['nissan', 'honda'].every(c => m.some(
                     t => t.startsWith(c + ':') && t.includes('vs dataset'))); }""",
                timeout=90_000)
            page.wait_for_timeout(500)
            page.wait_for_selector("text=Changed from the dataset", timeout=30_000)
            after = metrics(page)
            for company in ("nissan", "honda"):
                assert after[company] != before[company], (company, before, after)
            page.screenshot(path=str(IMG / "dashboard-japan-27.5.png"))
            with page.expect_download(timeout=60_000) as dl:
                page.get_by_text("Download report (HTML)").click()
            html = Path(dl.value.path()).read_text()
            assert "report-data" in html and "japan_deal_vehicles starts (27.5%)" in html
            with page.expect_download(timeout=60_000) as dl:
                page.get_by_text("Download workbook (.xlsx)").click()
            book = tmp_path / "book.xlsx"
            dl.value.save_as(book)
            from autoalliance.dataset.footprint import load_footprint

            fp = load_footprint(book)
            rate_back = fp.measures.set_index("measure").at["japan_deal_vehicles", "rate"]
            assert rate_back == pytest.approx(0.275)
            # a path-traversal dataset name is refused, nothing read
            page.goto(f"http://127.0.0.1:{port}/?dataset=..%2F..%2F..%2Fetc")
            page.wait_for_selector("text=Refused", timeout=60_000)
            assert page.locator('[data-testid="stMetricValue"]').count() == 0
            browser.close()
    finally:
        stop(proc)


def test_beyond_localhost_requests_without_the_token_are_refused():
    from playwright.sync_api import sync_playwright

    port = free_port()
    proc = start_dashboard(["--host", "0.0.0.0", "--token", "s3cret-token"], port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/", proc=proc)
        for path in ("/", "/_stcore/health", "/_stcore/stream", "/static/x.js"):
            with pytest.raises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(base + path, timeout=10)
            assert e.value.code == 403, path
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(base + "/?token=wrong", timeout=10)
        assert e.value.code == 403
        req = urllib.request.Request(base + "/_stcore/health",
                                     headers={"Authorization": "Bearer s3cret-token"})
        for _ in range(120):  # Streamlit behind the proxy may still be starting (502)
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    assert resp.status == 200
                    break
            except urllib.error.HTTPError as e:
                assert e.code == 502
                time.sleep(0.5)
        else:
            pytest.fail("the dashboard never came up behind the proxy")
        with sync_playwright() as p:  # with the token the whole page works (websocket too)
            browser = launch(p)
            page = browser.new_page()
            page.goto(base + "/?token=s3cret-token")
            page.wait_for_selector('[data-testid="stMetricValue"]', timeout=90_000)
            browser.close()
    finally:
        stop(proc)


def test_dataset_names_that_leave_the_folder_are_refused(tmp_path):
    from autoalliance.dashboard.app import Refused, available_datasets, resolve_dataset

    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "companies.csv").write_text("company\n")
    (tmp_path / "secret.txt").write_text("x")
    assert resolve_dataset("mine", tmp_path) == (tmp_path / "mine").resolve()
    assert "nissan_honda_2025" in available_datasets(tmp_path)
    for bad in ("../secret.txt", "..", "/etc/passwd", "mine/../../x", "secret.txt",
                "..\\x", "%2e%2e", "nope", "", ".hidden"):
        with pytest.raises(Refused):
            resolve_dataset(bad, tmp_path)
    os.symlink("/etc", tmp_path / "link")
    with pytest.raises(Refused):
        resolve_dataset("link", tmp_path)


def test_downloads_through_the_token_proxy_are_the_files(tmp_path):
    """In token mode (``serve --token``, as on any shared host) the report and the workbook
    downloaded by the browser are the files, not compressed bytes."""
    from playwright.sync_api import sync_playwright

    from autoalliance.dataset.footprint import load_footprint

    port = free_port()
    proc = start_dashboard(["--token", "t0ken"], port)
    try:
        wait_http(f"http://127.0.0.1:{port}/", proc=proc)
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1400, "height": 1000},
                                    accept_downloads=True)
            page.goto(f"http://127.0.0.1:{port}/?token=t0ken")
            page.wait_for_selector('[data-testid="stMetricValue"]', timeout=90_000)
            with page.expect_download(timeout=60_000) as dl:
                page.get_by_text("Download report (HTML)").click()
            html = Path(dl.value.path()).read_bytes()
            assert html[:2] != b"\x1f\x8b"  # not gzip
            assert b"report-data" in html and html.lstrip().lower().startswith(b"<!doctype")
            with page.expect_download(timeout=60_000) as dl:
                page.get_by_text("Download workbook (.xlsx)").click()
            book = tmp_path / "book.xlsx"
            dl.value.save_as(book)
            assert book.read_bytes()[:2] == b"PK"  # a zip (xlsx), not gzip
            fp = load_footprint(book)
            assert len(fp.measures) == len(load_footprint(None).measures)
            browser.close()
    finally:
        stop(proc)
