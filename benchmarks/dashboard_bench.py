"""Dashboard responsiveness on the bundled dataset, in Debian's chromium through Playwright: the
first render, an exposure input edit (the Japan deal rate) re-rendered, and "Plan and share"
switched on, each timed from the action to the page showing its numbers. Prints one JSON line."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
METRICS = '[data-testid="stMetricValue"]'
CHANGED = """() => { const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
    .map(e => e.innerText); return m.some(t => t.includes('vs dataset')); }"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the dashboard did not start")


def main() -> None:
    from playwright.sync_api import sync_playwright

    port = _port()
    proc = subprocess.Popen([sys.executable, "-m", "autoalliance.cli.main", "serve", "--port",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    out = {}
    try:
        _wait(f"http://127.0.0.1:{port}/")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            t0 = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector(METRICS, timeout=180_000)
            out["first_render_s"] = time.perf_counter() - t0
            rate = page.get_by_label("Rate, %")
            rate.fill("27.5")
            t0 = time.perf_counter()
            rate.press("Enter")
            page.wait_for_function(CHANGED, timeout=180_000)
            out["edit_rerender_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            page.get_by_text("Plan and share (solves the alliance game)").click()
            page.wait_for_selector("text=Alliance gain over the plan horizon", timeout=300_000)
            out["plan_and_share_s"] = time.perf_counter() - t0
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
