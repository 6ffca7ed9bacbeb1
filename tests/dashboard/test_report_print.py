"""The board report in a real browser (Debian's chromium via Playwright): the summary comes
first and shows the report's own numbers, and the browser's print-to-PDF gives pages with every
chart drawn and no navigation."""

import json
import re

from _browser import IMG, launch

from autoalliance.plan.testing import tiny_alliance
from autoalliance.report import build, write_html


def test_report_summary_first_and_print_ready(tmp_path):
    from playwright.sync_api import sync_playwright

    rd = build(tiny_alliance(tmp_path / "ta"), stages=("exposure", "plan", "sharing"))
    out = write_html(rd, tmp_path / "report.html")
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(out.as_uri())
        page.wait_for_function("window.Plotly !== undefined")
        first = page.eval_on_selector("body section", "el => el.id")
        cells = page.eval_on_selector_all("#summary-cost td", "els => els.map(e => e.innerText)")
        gain = page.inner_text("#summary-gain")
        data = json.loads(page.eval_on_selector("#report-data", "el => el.textContent"))
        page.emulate_media(media="print")
        nav_shown = page.eval_on_selector("nav", "el => getComputedStyle(el).display")
        sizes = page.eval_on_selector_all(".js-plotly-plot", """els => els.map(el => {
            const r = el.getBoundingClientRect(); return [r.width, r.height]; })""")
        pdf = page.pdf(format="A4", landscape=True, print_background=True)
        IMG.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(IMG / "report-print.png"))
        browser.close()
    assert not errors
    assert first == "sec-summary"
    companies = {r["company"]: r for r in data["tables"]["exposure_by_company"]}
    names = data["meta"]["labels"]["company"]
    for c, r in companies.items():
        i = [k for k, t in enumerate(cells) if t.strip() == names[c]][0]
        shown = float(cells[i + 1].replace(",", ""))
        assert shown == round(r["tariff_cost_usd"] / 1e6, 1) + 0.0
    total = sum(r["gain_usd"] for r in data["tables"]["plan_companies"])
    assert f"${total / 1e6:,.1f}M" in gain
    assert nav_shown == "none"
    assert sizes and all(w > 300 and h > 200 for w, h in sizes)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pdf.startswith(b"%PDF") and pages >= 3
